"""A rebuild on PostgreSQL while readers keep commenting and reporting: nothing is lost, the desk keeps working."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import OperationalError, connection
from psycopg.errors import DeadlockDetected
from rest_framework.test import APIClient

from corrections import integrity, services, store
from corrections.models import Article, Stream
from corrections.projections import rebuild as rebuild_module
from corrections.projections.rebuild import rebuild
from corrections.services import comments as comment_services
from corrections.services import suggestions as suggestion_services

from .conftest import ARTICLE_BODY, require_postgres
from .test_rebuild_projections import snapshot

META = {"actor": {"kind": "reader"}}


@pytest.mark.postgres
def test_appends_during_a_rebuild_land_in_the_rebuilt_read_models(live_db: Any, editor_api: APIClient) -> None:
    """Comments and reports posted while a rebuild runs are all in its read models, equal to a quiet replay."""
    require_postgres()
    slugs = [f"story-{n}" for n in range(3)]
    for slug in slugs:
        services.article_publish(slug=slug, title="Story", body=ARTICLE_BODY, meta={"actor": {"kind": "editor"}})
        for n in range(20):
            comment_services.comment_post(slug=slug, body=f"Early {n}.", author_name="Ann", meta=META)
    stop = threading.Event()
    written: list[int] = []

    def desk() -> None:
        try:
            n = 0
            while not stop.is_set():
                slug = slugs[n % len(slugs)]
                comment_services.comment_post(slug=slug, body=f"During {n}.", author_name="Bo", meta=META)
                if n % 7 == 0:
                    suggestion_services.suggestion_submit(
                        slug=slug, exact="Jon Smith", suggestion=f"John Smith {n}", meta=META
                    )
                n += 1
                written.append(n)
        finally:
            connection.close()

    seen_during: list[int] = []
    writer = threading.Thread(target=desk)
    writer.start()
    try:
        # Small batches, each a moment apart, so that the writer's appends fall between and after them.
        rebuild(store, batch_size=10, progress=lambda n: (seen_during.append(len(written)), stop.wait(0.02)))
    finally:
        stop.set()
        writer.join(30)
    assert len(written) > seen_during[0], "the writer must have appended while the rebuild ran"

    for article in Article.objects.all():
        assert article.version == Stream.objects.get(id=article.id).version
    raced = snapshot()
    rebuild(store)  # a quiet replay of the same log
    assert snapshot() == raced

    version = Article.objects.get(slug=slugs[0]).version
    response = editor_api.post(
        f"/api/v1/articles/{slugs[0]}/revisions/",
        {"title": "Story, updated", "expected_version": version, "note": "Updated."},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert integrity.verify()[1] is None


class Interrupted(Exception):
    pass


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_interrupted_rebuild_resumes_where_it_stopped(article: str) -> None:
    """A rebuild stopped after its first batch picks up from there and ends with the same read models."""
    require_postgres()
    for n in range(30):
        comment_services.comment_post(slug=article, body=f"Comment {n}.", author_name="Ann", meta=META)
    inline = snapshot()
    batches: list[int] = []

    def stop_after_one(count: int) -> None:
        batches.append(count)
        raise Interrupted

    with pytest.raises(Interrupted):
        rebuild(store, batch_size=10, progress=stop_after_one)
    folded: list[int] = []
    rebuild(store, batch_size=10, progress=folded.append)
    assert sum(folded) == 31 - 10  # only what the first run had not done
    assert snapshot() == inline


@pytest.mark.postgres
def test_a_rebuild_in_parallel_shares_resumes_where_each_share_stopped(live_db: Any) -> None:
    """Two worker processes fold a share of the articles each; stopped early, the rebuild resumes both shares."""
    require_postgres()
    for n in range(6):
        slug = f"shared-{n}"
        services.article_publish(slug=slug, title="Story", body=ARTICLE_BODY, meta={"actor": {"kind": "editor"}})
        for m in range(12):
            comment_services.comment_post(slug=slug, body=f"Comment {m}.", author_name="Ann", meta=META)
    inline = snapshot()
    total = len(store.read_after(0, 10_000))
    batches: list[int] = []

    def stop_after_one(count: int) -> None:
        batches.append(count)
        raise Interrupted

    with pytest.raises(Interrupted):
        rebuild(store, batch_size=10, progress=stop_after_one, workers=2)
    folded: list[int] = []
    assert rebuild(store, batch_size=10, progress=folded.append, workers=2) <= total - batches[0]
    assert sum(folded) < total, "the second run resumed: it did not fold the whole log again"
    assert snapshot() == inline
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('corrections_rebuild_shares')")
        assert cursor.fetchone() == (None,), "a finished rebuild leaves no progress behind"


class BrokenLog:
    """A log whose scan fails in the worker processes (their catch-up would read the real one)."""

    read_streams_after = staticmethod(store.read_streams_after)

    @staticmethod
    def read_after(position: int, limit: int, part: tuple[int, int] | None = None) -> list:
        raise ValueError("the disk is on fire")


@pytest.mark.postgres
def test_a_failing_rebuild_worker_stops_the_rebuild_with_its_error(live_db: Any, article: str) -> None:
    require_postgres()
    comment_services.comment_post(slug=article, body="A comment.", author_name="Ann", meta=META)
    inline = snapshot()
    with pytest.raises(RuntimeError, match="ValueError: the disk is on fire"):
        rebuild(BrokenLog, workers=2)
    assert snapshot() == inline, "the live read models are untouched"
    rebuild(store, workers=2)  # resumes the fresh tables and swaps them in
    assert snapshot() == inline


@pytest.mark.postgres
def test_a_swap_caught_in_a_lock_cycle_gives_way_and_comes_back(live_db: Any, article: str, monkeypatch: Any) -> None:
    """PostgreSQL refuses one side of a deadlock; when it is the swap, the rebuild tries the swap again."""
    require_postgres()
    comment_services.comment_post(slug=article, body="A comment.", author_name="Ann", meta=META)
    inline = snapshot()
    swap = rebuild_module._Fresh._swap
    refusals = []

    def refused_once(self: Any) -> int:
        if not refusals:
            refusals.append(1)
            raise OperationalError("deadlock detected") from DeadlockDetected("deadlock detected")
        return swap(self)

    monkeypatch.setattr(rebuild_module._Fresh, "_swap", refused_once)
    rebuild(store)
    assert refusals == [1] and snapshot() == inline
