"""What runs inside every append, and in what order: the one list of projectors and reactors.

``CorrectionsConfig.ready()`` calls ``install()``; nothing registers itself by
being imported. Projectors run in the order listed (the article's body is
updated before a suggestion received in the same append reads it), then the
reactors.
"""

from __future__ import annotations

from . import projections, store
from .models import Article, Comment, PublicNote, Suggestion, TextVersion, UnannouncedEdit
from .projections import articles, comments, history, review, suggestions, unannounced
from .services import notifications

PROJECTORS = [
    articles.article_version,
    history.text_version_changed,  # before article_text: it diffs against the text before the change
    articles.article_text,
    history.text_version_published,  # after article_text: the article row must exist
    comments.comment_posted,
    comments.comment_flagged,
    comments.comment_approved,
    comments.comment_hidden,
    comments.comment_restored,
    comments.moderation_mode_set,
    review.suggestion_assigned,
    review.suggestion_accepted,
    review.suggestion_rejected,
    review.suggestion_marked_duplicate,
    suggestions.suggestion_received,
    suggestions.suggestion_seconded,
    suggestions.suggestion_reanchored,
    unannounced.unannounced_edit_detected,
    unannounced.revision_note_added,
    unannounced.revision_note_waived,
]

#: The read models, parents first: new rows are written in this order, a rebuild empties them in reverse.
READ_MODELS = [Article, PublicNote, TextVersion, Comment, Suggestion, UnannouncedEdit]

#: Run in the append's transaction after the projections; a rebuild never replays them.
REACTORS = [notifications.react]


def install() -> None:
    projections.configure(PROJECTORS, read_models=READ_MODELS)
    store.REACTORS[:] = REACTORS
