"""A comment on PostgreSQL is one round trip when this process wrote the article last, and never wrong when not."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from psycopg._pipeline_base import BasePipeline
from rest_framework.test import APIClient

from corrections import heads, integrity, store
from corrections.domain.errors import StreamMoved
from corrections.models import Article, Comment, Event, Notification, PersonalDatum, Suggestion
from corrections.services import comments as comment_services
from corrections.services import suggestions as suggestion_services

from .conftest import require_postgres
from .test_concurrent_edits import run_together
from .test_notifications import comment, confirm_address

pytestmark = pytest.mark.postgres
READER = {"actor": {"kind": "reader"}}


def post(slug: str, body: str) -> Any:
    return comment_services.comment_post(slug=slug, body=body, author_name="Ann", meta=READER)


def state(slug: str) -> tuple[int, int, int, int]:
    article = Article.objects.get(slug=slug)
    return (
        article.version,
        Event.objects.filter(stream_id=article.id).count(),
        Comment.objects.filter(article=article).count(),
        PersonalDatum.objects.count(),
    )


def test_a_comment_after_this_process_wrote_the_article_reads_nothing_before_its_commit(
    live_db: Any, article: str, monkeypatch: Any
) -> None:
    """The second comment sends its writes and COMMIT together: one pipeline sync, no read awaited before it."""
    require_postgres()
    post(article, "First.")
    syncs: list[int] = []
    enqueue = BasePipeline._enqueue_sync
    monkeypatch.setattr(BasePipeline, "_enqueue_sync", lambda self: (syncs.append(1), enqueue(self))[1])
    with CaptureQueriesContext(connection) as queries:
        recorded = post(article, "Second.")
    monkeypatch.undo()
    statements = [q["sql"] for q in queries.captured_queries]
    assert (statements[0], statements[-1]) == ("BEGIN", "COMMIT")
    # The article's row is locked before anything else, as every append and a rebuild's swap lock it.
    assert statements[1].startswith("SELECT 1 FROM corrections_article") and statements[1].endswith("FOR UPDATE")
    # The one SELECT locks the article's row (its answer is never read); everything else is a write.
    assert [sql for sql in statements if sql.startswith("SELECT")] == [
        next(sql for sql in statements if sql.startswith("SELECT") and sql.endswith("FOR UPDATE"))
    ]
    assert len(syncs) == 1, f"{len(syncs)} round trips"
    assert Comment.objects.get(id=recorded.event.comment_id).body == "Second."
    assert Article.objects.get(slug=article).comment_count == 2
    assert integrity.verify()[1] is None


def test_a_comment_on_an_article_this_process_has_not_written_reads_it_under_lock_first(
    live_db: Any, article: str
) -> None:
    """Without a remembered head, the article and its head are read under lock before the writes."""
    require_postgres()
    post(article, "First.")
    heads.forget()
    with CaptureQueriesContext(connection) as queries:
        post(article, "Second.")
    statements = [q["sql"] for q in queries.captured_queries]
    assert statements[0] == "BEGIN" and " JOIN corrections_stream h " in statements[1], statements[:2]
    assert statements[1].endswith("FOR UPDATE") and statements[-1] == "COMMIT"
    assert Article.objects.get(slug=article).comment_count == 2


def test_a_head_moved_by_another_process_is_refused_whole_and_the_comment_posted_again(
    live_db: Any, article: str
) -> None:
    """Another process appended since: the guess is refused, nothing of it stays, and the comment lands after."""
    require_postgres()
    post(article, "First.")
    stale = dict(heads._RECENT)
    post(article, "Second, as if from another process.")
    heads._RECENT.update(stale)  # this process now remembers the head from before the second comment
    before = state(article)

    recorded = post(article, "Third.")

    version, events, comments, personal = state(article)
    assert recorded.version == before[0] + 1 == version
    assert (events, comments) == (before[1] + 1, before[2] + 1)
    assert personal == before[3] + 2  # this comment's name and text, and no leftovers from the refused try
    versions = list(Event.objects.filter(stream_id=recorded.stream_id).values_list("version", flat=True))
    assert sorted(versions) == list(range(1, version + 1))
    assert integrity.verify()[1] is None


def locked_read_first(slug: str, body: str) -> bool:
    """Post a comment; did it read the article under the lock before its writes?"""
    with CaptureQueriesContext(connection) as queries:
        post(slug, body)
    return " JOIN corrections_stream h " in queries.captured_queries[1]["sql"]


def test_an_article_another_process_writes_to_is_read_under_the_lock_until_it_calms_down(
    live_db: Any, article: str, monkeypatch: Any
) -> None:
    """On a hot article a remembered head is nearly always stale: after a refusal, no guessing for a while."""
    require_postgres()
    post(article, "First.")
    assert not locked_read_first(article, "Guessed: this process wrote the article last.")
    stale = dict(heads._RECENT)
    post(article, "As if from another process.")
    heads._RECENT.update(stale)
    post(article, "Guessed, refused, then posted under the lock.")
    assert locked_read_first(article, "Contended: read under the lock, though this process wrote last.")
    clock = heads.time.monotonic() + heads.CONTENDED_SECONDS
    monkeypatch.setattr(heads.time, "monotonic", lambda: clock)
    assert not locked_read_first(article, "Calm again: guessed.")
    assert Article.objects.get(slug=article).comment_count == 6


def test_a_refused_guess_is_a_conflict_with_the_current_version_and_leaves_the_connection_clean(
    live_db: Any, article: str
) -> None:
    """The optimistic try alone: StreamMoved (409) with the version the article is at; nothing is written."""
    require_postgres()
    post(article, "First.")
    stale = dict(heads._RECENT)
    post(article, "Second.")
    heads._RECENT.update(stale)
    before = state(article)
    once = comment_services._post.__wrapped__  # type: ignore[attr-defined]  # without optimistically's retry
    with pytest.raises(StreamMoved) as raised:
        once(
            slug=article,
            body="Lost?",
            author_name="Ann",
            email="",
            parent_id=None,
            user=None,
            member=None,
            meta=READER,
            recent=True,
        )
    assert raised.value.details["current_version"] == before[0]
    assert state(article) == before
    assert not connection.in_atomic_block and connection.connection.autocommit
    assert post(article, "Next.").version == before[0] + 1


def test_a_command_that_fails_halfway_writes_nothing(live_db: Any, article: str) -> None:
    """An error after writes were queued rolls all of them back; the next command works."""
    require_postgres()
    post(article, "First.")
    before = state(article)
    with pytest.raises(RuntimeError), store.atomic():
        post(article, "Never committed.")
        raise RuntimeError("the request failed after the append")
    assert state(article) == before
    assert post(article, "After.").version == before[0] + 1


def test_a_reply_notice_names_the_position_of_its_event(live_db: Any, article: str, mailoutbox: Any) -> None:
    """The outbox row of a reply sent in one round trip carries its event's global position (its Message-ID)."""
    require_postgres()
    api = APIClient()
    parent = comment(api, article, "Is the bridge closed?", email="ann@example.com")
    confirm_address(parent["id"], mailoutbox)
    comment(api, article, "Warming the head.")
    reply = comment(api, article, "It reopens in May.", parent=parent["id"])
    notice = Notification.objects.get(kind=Notification.COMMENT_REPLY)
    event = Event.objects.get(type="CommentPosted", data__comment_id=reply["id"])
    assert notice.event_position == event.position


def test_readers_reporting_the_same_mistake_at_once_make_one_item_seconded_by_the_rest(
    live_db: Any, article: str
) -> None:
    """Eight identical reports at the same moment, each from a remembered head: one item, seven seconds."""
    require_postgres()
    post(article, "Priming this process's memory of the article.")

    def report() -> Any:
        return suggestion_services.suggestion_submit(
            slug=article, exact="£12 million", suggestion="£15 million", category="factual", meta=READER
        )

    results = run_together(*(report for _ in range(8)))
    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(r.seconded for r in results) == [False] + [True] * 7
    assert len({r.suggestion_id for r in results}) == 1
    assert Suggestion.objects.get().reporter_count == 8
    assert integrity.verify()[1] is None


def test_a_report_from_a_remembered_head_locks_the_article_before_it_reads_the_queue(
    live_db: Any, article: str
) -> None:
    """The duplicate lookup reads the queue after the article's row is locked: the order a rebuild's swap
    takes, so the two cannot wait for each other in a circle (they did: a deadlock in CI)."""
    require_postgres()
    suggestion_services.suggestion_submit(slug=article, exact="Jon Smith", suggestion="John Smith", meta=READER)
    with CaptureQueriesContext(connection) as queries:
        suggestion_services.suggestion_submit(slug=article, exact="£12 million", suggestion="£14 million", meta=READER)
    statements = [q["sql"] for q in queries.captured_queries]
    locks = [n for n, sql in enumerate(statements) if sql.startswith("SELECT 1 FROM corrections_article")]
    queue = [n for n, sql in enumerate(statements) if 'FROM "corrections_suggestion"' in sql]
    assert statements[0] == "BEGIN" and locks == [1] and queue and min(queue) > 1, statements
