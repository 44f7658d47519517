"""Readers follow an article's history in versions of its text, with diffs that keep words whole."""

from __future__ import annotations

import pytest
from django.test import Client

from corrections.domain.diff import DiffOp
from corrections.models import Article
from corrections.services import actor_meta, article_revise
from corrections.services.comments import comment_post
from corrections.services.review import suggestion_accept
from corrections.templatetags.newsdesk import elide
from tests.review_support import report, version_of

pytestmark = pytest.mark.django_db

LONG = " ".join(["The builders worked on the roof and the walls while the council argued."] * 4)


def test_elided_context_keeps_the_space_next_to_a_change_and_whole_words() -> None:
    """A long unchanged run is cut between words, and never glues to the change beside it."""
    ops = [
        DiffOp("equal", "The old "),
        DiffOp("delete", "libary"),
        DiffOp("insert", "library"),
        DiffOp("equal", f" reopened. {LONG} It cost £"),
        DiffOp("delete", "4.2"),
        DiffOp("insert", "4.5"),
        DiffOp("equal", f" million. {LONG}"),
    ]
    out = elide(ops, keep=30)
    middle, last = out[3]["text"], out[6]["text"]
    assert middle.startswith(" reopened.") and middle.endswith(" It cost £")
    assert " … " in middle
    assert last.startswith(" million.") and last.endswith(" …")
    words = set(LONG.split()) | {"reopened.", "It", "cost", "£", "million.", "…"}
    assert all(word in words for word in middle.split() + last.split())


def test_elided_opening_keeps_the_words_before_the_first_change() -> None:
    """An unchanged opening is shortened to its last whole words before the change."""
    out = elide([DiffOp("equal", LONG + " "), DiffOp("insert", "New")], keep=30)
    assert out[0]["text"].startswith("… ") and out[0]["text"].endswith("argued. ")
    assert out[0]["text"].split()[1] in LONG.split()


def test_history_numbers_versions_of_the_text_not_of_the_log(client: Client, article: str) -> None:
    """Comments and reports share the log, but history says Version 1, 2 of the text."""
    comment_post(slug=article, body="Good news.", author_name="Ann", meta=actor_meta(kind="reader"))
    report(article, "Jon", "John")
    article_revise(
        slug=article,
        expected_version=version_of(article),
        body="The council voted.",
        note="Shortened.",
        meta=actor_meta(kind="system"),
    )
    page = client.get(f"/articles/{article}/history/").content.decode()
    assert "Version 2" in page and "Version 1" in page
    assert "Version 3" not in page and "Version 4" not in page


def test_a_readers_typo_fix_is_not_called_unannounced(client: Client, article: str) -> None:
    """A typo the desk fixed from a reader's report reads 'typo corrected after a reader's report'."""
    item = report(article, "Jon", "John")
    suggestion_accept(suggestion_id=item, expected_version=version_of(article), meta=actor_meta(kind="system"))
    page = client.get(f"/articles/{article}/history/").content.decode()
    assert "Typo corrected after a reader’s report." in page
    assert "Unannounced" not in page
    assert "<del>Jon</del><ins>John</ins>" in page


def test_a_changed_number_shows_as_one_whole_word(client: Client, article: str) -> None:
    """£12 million → £12.5 million shows the whole number deleted and inserted."""
    text = Article.objects.get(slug=article).body.replace("£12 million", "£12.5 million")
    article_revise(
        slug=article, expected_version=version_of(article), body=text, note="Cost.", meta=actor_meta(kind="system")
    )
    page = client.get(f"/articles/{article}/history/").content.decode()
    assert "£<del>12</del><ins>12.5</ins> million" in page
