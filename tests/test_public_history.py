"""Readers follow an article's history in versions of its text, with diffs that keep words whole."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from corrections import selectors
from corrections.domain.diff import DiffOp
from corrections.models import Article, TextVersion
from corrections.selectors import history as history_selectors
from corrections.selectors.history import PAGE_SIZE
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


def shows(page: str, number: int) -> bool:
    return re.search(rf"Version {number}\s", page) is not None


def revised_times(slug: str, times: int) -> None:
    """``times`` revisions, some announced, with comments between them in the log."""
    for n in range(times):
        body = Article.objects.get(slug=slug).body + f" Update {n}."
        note = f"Update {n}." if n % 2 else ""
        meta = actor_meta(kind="system")
        article_revise(slug=slug, expected_version=version_of(slug), body=body, note=note, meta=meta)
        comment_post(slug=slug, body=f"Comment {n}.", author_name="Ann", meta=actor_meta(kind="reader"))


def test_a_long_history_is_shown_a_page_of_versions_at_a_time(client: Client, article: str) -> None:
    """Newest first, PAGE_SIZE versions a page, numbered as versions of the text, with links between pages."""
    revised_times(article, PAGE_SIZE + 5)  # 26 versions of the text: 20 on page 1, 6 on page 2
    first = client.get(f"/articles/{article}/history/").content.decode()
    assert "26 versions of the text" in first and "Page 1 of 2" in first
    assert shows(first, 26) and shows(first, 7) and not shows(first, 6)
    assert 'href="?page=2" rel="next"' in first and 'rel="prev"' not in first
    second = client.get(f"/articles/{article}/history/?page=2").content.decode()
    assert shows(second, 6) and shows(second, 1) and "First published." in second
    assert not shows(second, 7) and 'href="?page=1" rel="prev"' in second


def test_a_link_to_one_version_opens_the_page_that_shows_it(client: Client, article: str) -> None:
    """?v= (the corrections index links so) picks the page; a page number out of range or not a number is clamped."""
    revised_times(article, PAGE_SIZE + 5)
    published = TextVersion.objects.get(article__slug=article, type="ArticlePublished").version
    page = client.get(f"/articles/{article}/history/?v={published}").content.decode()
    assert f'id="v{published}"' in page and "Page 2 of 2" in page
    for bad in ("0", "99", "-1", "x", "²", "9" * 30):
        response = client.get(f"/articles/{article}/history/?page={bad}&v={bad}")
        assert response.status_code == 200, bad
        assert "Page 1 of 2" in response.content.decode() or "Page 2 of 2" in response.content.decode()


def test_a_history_page_costs_the_same_however_many_versions_came_before(article: str) -> None:
    """The same queries and no article text read beyond the page's own rows, for 25 versions or 65."""
    revised_times(article, 24)
    with CaptureQueriesContext(connection) as few:
        short = selectors.article_history(article)
    revised_times(article, 40)
    with CaptureQueriesContext(connection) as many:
        long = selectors.article_history(article)
    assert (short.total, long.total) == (25, 65) and len(long.entries) == PAGE_SIZE
    assert len(many.captured_queries) == len(few.captured_queries)
    assert not any('"data"' in q["sql"] and "ArticleRevised" in q["sql"] for q in many.captured_queries)


def test_a_page_of_stored_versions_says_what_the_folded_log_says(client: Client, article: str) -> None:
    """The paged history (stored rows) and the history folded from the log agree on every entry."""
    revised_times(article, 3)
    item = report(article, "Jon", "John")
    suggestion_accept(suggestion_id=item, expected_version=version_of(article), meta=actor_meta(kind="system"))
    paged = selectors.article_history(article).entries
    assert [entry.reader_fix for entry in paged][:1] == [True]
    assert paged == history_selectors._folded(Article.objects.get(slug=article))


def test_an_article_older_than_its_stored_diffs_still_shows_every_version(client: Client, article: str) -> None:
    """Versions without a stored row (a log from before them, until a rebuild): folded from the log, one page."""
    revised_times(article, PAGE_SIZE + 1)
    TextVersion.objects.filter(article__slug=article, type="ArticlePublished").delete()
    page = client.get(f"/articles/{article}/history/").content.decode()
    assert "22 versions of the text" in page and shows(page, 1) and "Page 1 of" not in page
