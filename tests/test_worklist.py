"""Editors work the queue most urgent first: kind of report, readers, age; overlapping reports are marked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from corrections.domain.suggestions import priority
from corrections.models import Suggestion
from corrections.selectors.review import next_open, worklist
from corrections.services import actor_meta
from corrections.services.review import suggestion_assign, suggestion_reject
from tests.review_support import make_editor, report

pytestmark = pytest.mark.django_db


def test_a_factual_or_legal_error_outranks_a_typo() -> None:
    """Legal above factual above clarification above typo, for one reader each."""
    assert priority("legal", 1) > priority("factual", 1) > priority("clarification", 1) > priority("typo", 1)


def test_more_readers_raise_priority_up_to_a_limit() -> None:
    assert priority("typo", 3) > priority("typo", 2) > priority("typo", 1)
    assert priority("typo", 50) == priority("typo", 6) < priority("factual", 1)


def test_a_second_reader_raises_the_items_priority(article: str) -> None:
    """The same report from another reader joins the item and raises its priority."""
    item = report(article, "Jon", "John")
    report(article, "Jon", "John")
    row = Suggestion.objects.get(id=item)
    assert (row.reporter_count, row.priority) == (2, priority("typo", 2))


def test_worklist_orders_by_kind_readers_and_age(article: str) -> None:
    """A factual report comes first; among typos the one more readers sent, then the older."""
    typo_old = report(article, "harbour", "Harbour")
    typo_two = report(article, "council", "Council")
    report(article, "council", "Council")
    factual = report(article, "£12 million", "£15 million", category="factual", comment="Budget says 15.")
    order = [str(row.id) for row in worklist()]
    assert order == [factual, typo_two, typo_old]


def test_waiting_adds_urgency(article: str) -> None:
    """A typo waiting a week is listed before a fresh one."""
    fresh = report(article, "harbour", "Harbour")
    week = report(article, "council", "Council")
    later = timezone.now() + timedelta(days=8)
    Suggestion.objects.filter(id=fresh).update(received_at=later)
    assert str(worklist(now=later)[0].id) == week


def test_overlapping_reports_are_marked_related_and_different_fixes_conflicting(article: str) -> None:
    """Two readers fixing the same words differently conflict; a report elsewhere is neither."""
    one = report(article, "Jon Smith", "John Smith")
    two = report(article, "Jon", "Jonathan")
    alone = report(article, "harbour", "Harbour")
    rows = {str(row.id): row for row in worklist()}
    assert rows[one].related and rows[one].conflicting
    assert rows[two].related and rows[two].conflicting
    assert not rows[alone].related and not rows[alone].conflicting


def test_a_resolved_report_no_longer_marks_its_neighbour(article: str) -> None:
    one = report(article, "Jon Smith", "John Smith")
    two = report(article, "Jon", "Jonathan")
    suggestion_reject(suggestion_id=two, reason="No.", meta=actor_meta())
    assert not worklist().get(id=one).related


def test_the_worklist_costs_one_query(article: str, django_assert_num_queries: Any) -> None:
    for word in ("harbour", "council", "Jon", "Residents"):
        report(article, word, word.upper())
    with django_assert_num_queries(1):
        rows = list(worklist())
    assert len(rows) == 4 and rows[0].article.title


def test_next_open_item_skips_the_current_one_and_others_work(article: str) -> None:
    """After a decision the editor lands on the most urgent open item nobody else has taken."""
    alice, bob = make_editor("alice"), make_editor("bob")
    factual = report(article, "£12 million", "£15 million", category="factual", comment="15.")
    typo = report(article, "harbour", "Harbour")
    other = report(article, "council", "Council")
    suggestion_assign(suggestion_id=typo, editor=bob, meta=actor_meta())
    current = Suggestion.objects.get(id=factual)
    assert str(next_open(current, editor=alice).id) == other
    assert str(next_open(current, editor=bob).id) == typo
    for item in (typo, other):
        suggestion_reject(suggestion_id=item, reason="No.", meta=actor_meta())
    assert next_open(current, editor=alice) is None
