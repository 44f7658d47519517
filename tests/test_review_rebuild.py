"""A rebuild from the log reproduces the review queue exactly: statuses, assignees, replies, duplicates."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corrections import services
from corrections.domain.errors import DomainError
from corrections.models import Suggestion
from corrections.services import review as review_services

from .review_support import make_editor, report, version_of
from .test_rebuild_projections import snapshot

pytestmark = pytest.mark.django_db

SERIAL = itertools.count()
WORDS = ["harbour", "bridge", "mayor", "council", "vote", "river", "budget", "school"]
META = {"actor": {"kind": "editor", "id": 1, "username": "desk"}}


def rebuilt_equals_inline() -> None:
    inline = snapshot()
    assert inline["Suggestion"], "the scenario should have queue items"
    call_command("rebuild_projections", "--no-progress")
    assert snapshot() == inline


def test_rebuild_reproduces_every_review_transition(db: Any) -> None:
    """Assign, accept, reject and duplicate, then a deleted assignee: the rebuilt queue equals the inline one."""
    desk, leaver = make_editor("desk"), make_editor("leaver")
    services.article_publish(slug="s", title="S", body=" ".join(WORDS), meta=META)
    a, b, c, d = (report("s", word, word.upper()) for word in WORDS[:4])
    review_services.suggestion_assign(suggestion_id=a, editor=desk, meta=META)
    review_services.suggestion_assign(suggestion_id=d, editor=leaver, meta=META)
    review_services.suggestion_accept(suggestion_id=a, expected_version=version_of("s"), reply="Thanks!", meta=META)
    review_services.suggestion_reject(suggestion_id=b, reason="No.", reply="It is right.", meta=META)
    review_services.suggestion_mark_duplicate(suggestion_id=c, of=d, meta=META)
    leaver.delete()  # SET_NULL inline; the rebuild must agree
    assert Suggestion.objects.get(id=d).assignee is None and Suggestion.objects.get(id=d).reporter_count == 2
    rebuilt_equals_inline()


step = st.one_of(
    st.tuples(st.just("report"), st.sampled_from(WORDS), st.integers(0, 2)),
    st.tuples(st.just("assign"), st.integers(0, 30), st.integers(0, 1)),
    st.tuples(st.just("accept"), st.integers(0, 30), st.integers(0, 1)),
    st.tuples(st.just("reject"), st.integers(0, 30), st.integers(0, 1)),
    st.tuples(st.just("duplicate"), st.integers(0, 30), st.integers(0, 30)),
    st.tuples(st.just("revise"), st.sampled_from(WORDS), st.integers(0, 1)),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=5, max_size=40))
def test_rebuild_reproduces_generated_review_histories(steps: list[tuple]) -> None:
    """Generated reports and reviews on one article: replaying the log gives identical read models."""
    slug = f"review-{next(SERIAL)}"
    editors = [make_editor(f"ed-{slug}-{i}", staff=False) for i in range(2)]
    services.article_publish(slug=slug, title="Story", body=" ".join(WORDS), meta=META)
    items: list[str] = []

    def pick(index: int) -> str:
        return items[index % len(items)]

    for action, x, y in steps:
        try:
            if action == "report":
                items.append(report(slug, x, f"{x} fix {y}", category=("typo", "factual", "other")[y]))
            elif not items and action != "revise":
                continue
            elif action == "assign":
                review_services.suggestion_assign(suggestion_id=pick(x), editor=editors[y], meta=META)
            elif action == "accept":
                review_services.suggestion_accept(
                    suggestion_id=pick(x), expected_version=version_of(slug), note="Fixed." if y else "", meta=META
                )
            elif action == "reject":
                review_services.suggestion_reject(suggestion_id=pick(x), reason="No.", reply="r" * y, meta=META)
            elif action == "duplicate":
                review_services.suggestion_mark_duplicate(suggestion_id=pick(x), of=pick(y), meta=META)
            else:
                body = " ".join(w for w in WORDS if w != x) if y else " ".join([x, *WORDS])
                services.article_revise(slug=slug, expected_version=version_of(slug), body=body, meta=META)
        except DomainError:
            pass  # refused transitions write nothing
    inline = snapshot()
    call_command("rebuild_projections", "--no-progress")
    assert snapshot() == inline
