"""Two editors accept conflicting suggestions at the same moment on PostgreSQL: one wins, the other gets 409."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from corrections import integrity, services
from corrections.domain.errors import StaleVersion
from corrections.models import Article, Event, Suggestion
from corrections.services import review as review_services

from .conftest import ARTICLE_BODY, require_postgres
from .review_support import make_editor, report, version_of
from .test_concurrent_edits import run_together

META = {"actor": {"kind": "system"}}


def conflicting_reports() -> tuple[str, str, int]:
    """Two readers' fixes for overlapping words, and the version both editors see."""
    services.article_publish(slug="race", title="Race", body=ARTICLE_BODY, meta=META)
    first = report("race", "Jon Smith", "John Smith")
    second = report("race", "mayor, Jon", "mayor, Jonathan", category="factual")
    return first, second, version_of("race")


def assert_nothing_lost(winner: str, loser: str, seen: int) -> None:
    versions = list(
        Event.objects.filter(stream_id=Article.objects.get(slug="race").id).values_list("version", flat=True)
    )
    # The winner's acceptance and correction, and the loser's passage re-anchored (it was edited under it).
    assert versions == list(range(1, seen + 4)), "gapless: the winner's three events and nothing else"
    assert Event.objects.filter(type="SuggestionReanchored", data__suggestion_id=loser).count() == 1
    assert integrity.verify()[1] is None
    assert Suggestion.objects.get(id=winner).status == "accepted"
    assert Suggestion.objects.get(id=loser).status == "new", "the loser's suggestion is still in the queue"
    assert Event.objects.filter(type="CorrectionIssued").count() == 1


@pytest.mark.postgres
def test_two_editors_accepting_overlapping_suggestions_exactly_one_wins(live_db: Any) -> None:
    require_postgres()
    alice, bob = make_editor("alice"), make_editor("bob")
    first, second, seen = conflicting_reports()

    def accept(item: str, editor: Any, note: str) -> Callable[[], Any]:
        return lambda: review_services.suggestion_accept(
            suggestion_id=item, expected_version=seen, note=note, meta=services.actor_meta(editor)
        )

    results = run_together(accept(first, alice, ""), accept(second, bob, "We had the mayor's name wrong."))
    wins = [i for i, r in enumerate(results) if not isinstance(r, Exception)]
    conflicts = [r for r in results if isinstance(r, StaleVersion)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    assert conflicts[0].details["current_version"] == seen + 3
    winner, loser = (first, second) if wins == [0] else (second, first)
    assert_nothing_lost(winner, loser, seen)


@pytest.mark.postgres
def test_two_editors_accepting_over_http_one_gets_409(live_db: Any) -> None:
    """The same race through the API: one 200, one 409 with the current version."""
    require_postgres()
    clients = []
    for name in ("alice", "bob"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=make_editor(name)).key}")
        clients.append(client)
    first, second, seen = conflicting_reports()

    def accept(client: APIClient, item: str, note: str) -> Callable[[], Any]:
        return lambda: client.post(
            f"/api/v1/review/suggestions/{item}/accept/", {"expected_version": seen, "note": note}, format="json"
        )

    results = run_together(accept(clients[0], first, ""), accept(clients[1], second, "Name corrected."))
    codes = sorted(response.status_code for response in results)
    assert codes == [200, 409], [getattr(r, "content", r) for r in results]
    conflict = next(r for r in results if r.status_code == 409).json()
    assert conflict["error"] == "stale_version" and conflict["current_version"] == seen + 3
    winner = first if results[0].status_code == 200 else second
    assert_nothing_lost(winner, second if winner == first else first, seen)
