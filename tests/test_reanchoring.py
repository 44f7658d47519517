"""Re-anchoring open reports as events when the text changes, without a database."""

from __future__ import annotations

from corrections.domain.events import ArticleRevised
from corrections.domain.reanchoring import with_reanchoring
from corrections.domain.review import SuggestionState
from corrections.domain.state import ArticleState
from corrections.domain.suggestions import SuggestionAccepted, SuggestionReanchored

BODY = "The council met. The mayor, Jon Smith, spoke. Work starts in March."
ARTICLE = ArticleState(id="a", slug="s", body=BODY, status="published", version=3, text_version=1)


def item(item_id: str, quote: str, fix: str = "", status: str = "new") -> SuggestionState:
    start = BODY.index(quote)
    return SuggestionState(
        id=item_id,
        article_id="a",
        status=status,
        category="typo",
        exact=quote,
        start=start,
        end=start + len(quote),
        current_exact=quote,
        suggestion=fix,
    )


def test_only_reports_whose_passage_moved_or_changed_get_an_event() -> None:
    """A revision inside one sentence re-anchors the reports after it and the one it edits, no others."""
    new = BODY.replace("Jon Smith", "John Smith")
    items = [item("1", "council met"), item("2", "Jon Smith", fix="John Smith"), item("3", "in March")]
    events = with_reanchoring(ARTICLE, [ArticleRevised(body=new)], items)
    assert isinstance(events[0], ArticleRevised)
    reanchored = {e.suggestion_id: e for e in events[1:] if isinstance(e, SuggestionReanchored)}
    assert set(reanchored) == {"2", "3"}
    assert (reanchored["2"].state, reanchored["2"].exact, reanchored["2"].probably_resolved) == (
        "edited",
        "John Smith",
        True,
    )
    assert (reanchored["3"].state, new[reanchored["3"].start : reanchored["3"].end]) == ("intact", "in March")
    assert reanchored["3"].prefix == new[reanchored["3"].start - 32 : reanchored["3"].start]


def test_closed_and_just_accepted_items_are_left_alone() -> None:
    """Items already resolved, and the one accepted in the same command, get no re-anchoring event."""
    new = "Breaking. " + BODY
    items = [item("1", "council met", status="rejected"), item("2", "Jon Smith")]
    events = with_reanchoring(ARTICLE, [SuggestionAccepted(suggestion_id="2"), ArticleRevised(body=new)], items)
    assert [type(e).__name__ for e in events] == ["SuggestionAccepted", "ArticleRevised"]


def test_a_deleted_passage_is_recorded_once_and_then_left() -> None:
    """A passage deleted by one revision is recorded deleted; later revisions do not touch it again."""
    new = BODY.replace(" The mayor, Jon Smith, spoke.", "")
    events = with_reanchoring(ARTICLE, [ArticleRevised(body=new)], [item("2", "Jon Smith")])
    assert [(e.state, e.exact) for e in events[1:]] == [("deleted", "")]
    gone = SuggestionState(**{**item("2", "Jon Smith").__dict__, "anchor_state": "deleted"})
    assert with_reanchoring(ARTICLE, [ArticleRevised(body="Other.")], [gone])[1:] == []
