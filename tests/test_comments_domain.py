"""The comment rules as pure functions: no database, just the article's state and the comment's facts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corrections.domain import comments as c
from corrections.domain.errors import ArticleRetractedError, InvalidCommand, NotFound
from corrections.domain.state import PUBLISHED, RETRACTED, ArticleState
from corrections.domain.text import has_control_characters, is_blank

NOW = datetime(2026, 11, 24, tzinfo=UTC)
ARTICLE = ArticleState(id="a1", slug="s", title="T", body="B", status=PUBLISHED, version=3, published_at=NOW)


def facts(status: str = c.VISIBLE, article_id: str = "a1", **extra: object) -> c.CommentFacts:
    return c.CommentFacts(id="c1", article_id=article_id, status=status, **extra)  # type: ignore[arg-type]


def post(state: ArticleState = ARTICLE, **kwargs: object) -> c.CommentPosted:
    args = {"comment_id": "new", "body": "Hello.", "author_name": "Ann", "mode": c.POST_MODERATION, **kwargs}
    return c.post(state, **args)[0]  # type: ignore[arg-type]


@given(
    body=st.text(min_size=1, max_size=c.BODY_MAX).filter(lambda t: not is_blank(t) and not has_control_characters(t))
)
def test_any_visible_plain_comment_within_the_limit_is_accepted_stripped(body: str) -> None:
    """Any plain-text comment with something visible, within the length limit, is accepted, outer space stripped."""
    assert post(body=body).body == body.strip()


@given(body=st.text(max_size=50), bad=st.sampled_from(["\x00", "\x1b", "\x9b", "\u202e", "\u2066"]))
def test_a_comment_with_control_or_bidi_override_characters_is_refused(body: str, bad: str) -> None:
    """Control characters and direction overrides anywhere in a comment are refused, whatever surrounds them."""
    with pytest.raises(InvalidCommand, match="plain text"):
        post(body=f"x{body}{bad}{body}x")


def test_pre_moderation_holds_readers_but_not_editors() -> None:
    """Under pre-moderation a reader's comment is pending; an editor's is not."""
    assert post(mode=c.PRE_MODERATION).pending is True
    assert post(mode=c.PRE_MODERATION, trusted=True).pending is False
    assert post(mode=c.POST_MODERATION).pending is False


def test_comments_close_on_a_retracted_article() -> None:
    """A retracted article takes no comments, and a missing one is not found."""
    with pytest.raises(ArticleRetractedError, match="Comments are closed"):
        post(ArticleState(id="a1", status=RETRACTED, version=2))
    with pytest.raises(NotFound):
        post(ArticleState())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"body": " "}, "comment cannot be empty"),
        ({"body": "x" * (c.BODY_MAX + 1)}, "limit is 5000"),
        ({"author_name": ""}, "name cannot be empty"),
        ({"author_name": "n" * 101}, "limit is 100"),
        ({"parent_id": "p", "parent": None}, "no comment p"),
        ({"parent_id": "c1", "parent": facts(article_id="elsewhere")}, "no comment c1"),
        ({"parent_id": "c1", "parent": facts(c.HIDDEN)}, "hidden or awaiting approval"),
        ({"parent_id": "c1", "parent": facts(c.PENDING)}, "hidden or awaiting approval"),
        ({"parent_id": "c1", "parent": facts(thread_visible=False)}, "hidden or awaiting approval"),
    ],
)
def test_refused_posts_say_why(kwargs: dict[str, object], message: str) -> None:
    """Each refused comment or reply comes with a message a person understands."""
    with pytest.raises(InvalidCommand, match=message):
        post(**kwargs)


def test_moderation_moves() -> None:
    """Approve shows pending or keeps flagged comments; hide needs a reason and is final."""
    assert c.approve(ARTICLE, facts(c.PENDING))[0].comment_id == "c1"
    assert c.approve(ARTICLE, facts(flag_count=2))
    with pytest.raises(InvalidCommand, match="nothing to approve"):
        c.approve(ARTICLE, facts())
    with pytest.raises(InvalidCommand, match="restore it to show it again"):
        c.approve(ARTICLE, facts(c.HIDDEN))
    with pytest.raises(InvalidCommand, match="reason for hiding cannot be empty"):
        c.hide(ARTICLE, facts(), reason="  ")
    assert c.hide(ARTICLE, facts(), reason=" Abuse. ")[0].reason == "Abuse."
    with pytest.raises(InvalidCommand, match="already hidden"):
        c.hide(ARTICLE, facts(c.HIDDEN), reason="Again.")
    with pytest.raises(NotFound):
        c.flag(ARTICLE, facts(c.PENDING))
    with pytest.raises(NotFound):
        c.hide(ARTICLE, facts(article_id="elsewhere"), reason="x")


def test_moderation_mode_falls_back_to_the_site_default() -> None:
    """An article without its own mode follows the site's; setting the mode it already has is refused."""
    assert c.effective_mode("", "pre") == "pre"
    assert c.effective_mode("post", "pre") == "post"
    assert c.set_moderation(ARTICLE, current="", mode="pre")[0].mode == "pre"
    with pytest.raises(InvalidCommand, match="already"):
        c.set_moderation(ARTICLE, current="", mode="default")
    with pytest.raises(InvalidCommand, match="Unknown moderation mode"):
        c.set_moderation(ARTICLE, current="", mode="sometimes")
