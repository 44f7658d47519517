"""History projection: each text-changing version with its diff, computed once when the event is appended.

``corrections.registry`` runs ``text_version_changed`` before the article's own
projector, so the article row still holds the text before the change. Pages and the API
read these rows and never diff per request.
"""

from __future__ import annotations

from typing import Any

from ..domain import diff as text_diff
from ..domain import state as article_state
from ..domain.events import Recorded
from ..models import Article, TextVersion
from . import handles
from .articles import state_of
from .batch import Batch

KINDS = {"ArticlePublished": "published", "ArticleRevised": "revision", "ArticleRetracted": "retraction"}


def _row(recorded: Recorded) -> dict[str, Any]:
    event = recorded.event
    note = getattr(event, "note", "") or ""
    return {
        "article_id": recorded.stream_id,
        "version": recorded.version,
        "type": recorded.type,
        "kind": getattr(event, "kind", None) or KINDS[recorded.type],
        "note": note,
        "announced": bool(note) or recorded.type == "ArticlePublished",
        "recorded_at": recorded.recorded_at,
        "from_version": None,
        "title_before": "",
        "title_after": "",
        "ops": [],
        "unified": "",
        "coarse": False,
    }


@handles("ArticlePublished")
def text_version_published(batch: Batch, recorded: Recorded) -> None:
    """The first version has nothing to diff against (registered after ``article_text``: the row exists)."""
    row = _row(recorded)
    row["title_after"] = recorded.event.title  # type: ignore[attr-defined]
    batch.add(TextVersion, row)


@handles("ArticleRevised", "CorrectionIssued", "ArticleRetracted")
def text_version_changed(batch: Batch, recorded: Recorded) -> None:
    """A later version, diffed against the text before it (registered before ``article_text``, which changes it)."""
    before = state_of(batch.get(Article, recorded.stream_id))
    after = article_state.apply(before, recorded)
    diff = text_diff.diff_text(before.body, after.body)
    row = _row(recorded)
    row["from_version"] = before.text_version
    row["title_before"], row["title_after"] = before.title, after.title
    row["ops"] = [[op.op, op.text] for op in diff.ops]
    row["coarse"] = diff.coarse
    row["unified"] = text_diff.unified(
        before.body, after.body, f"version {before.text_version}", f"version {recorded.version}"
    )
    batch.add(TextVersion, row)
