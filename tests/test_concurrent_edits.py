"""Two editors at once on PostgreSQL: one wins, the other gets a conflict, nothing is lost."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from corrections import integrity, services
from corrections.domain.errors import StaleVersion
from corrections.models import Event

from .conftest import ARTICLE_BODY, require_postgres

META = {"actor": {"kind": "editor"}}


def run_together(*jobs: Callable[[], Any]) -> list[Any]:
    """Start the jobs at the same moment, each on its own thread and database connection."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = job()
        except Exception as error:  # the outcome under test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.postgres
def test_two_editors_revising_one_version_exactly_one_wins(live_db: Any) -> None:
    require_postgres()
    services.article_publish(slug="race", title="Race", body=ARTICLE_BODY, meta=META)

    def revise(body: str) -> Callable[[], Any]:
        return lambda: services.article_revise(slug="race", expected_version=1, body=body, meta=META)

    results = run_together(revise("Editor A's text."), revise("Editor B's text."))
    wins = [r for r in results if not isinstance(r, Exception)]
    conflicts = [r for r in results if isinstance(r, StaleVersion)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    assert [e.version for e in Event.objects.order_by("version")] == [1, 2]
    assert integrity.verify()[1] is None


@pytest.mark.postgres
def test_publishing_one_slug_twice_at_once_gives_one_article(live_db: Any) -> None:
    require_postgres()

    def publish() -> Any:
        return services.article_publish(slug="same", title="Same", body="Body.", meta=META)

    results = run_together(publish, publish)
    assert sum(not isinstance(r, Exception) for r in results) == 1, results
    assert Event.objects.count() == 1
