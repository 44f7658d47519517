"""A rebuild from the log reproduces exactly what the inline projections hold."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corrections import projections, services
from corrections.domain.commands import ChangeRequest
from corrections.domain.errors import DomainError
from corrections.models import Article, Suggestion
from corrections.services import suggestions as suggestion_services

pytestmark = pytest.mark.django_db

META = {"actor": {"kind": "editor", "id": 1, "username": "desk"}}
SERIAL = itertools.count()
WORDS = ["harbour", "bridge", "mayor", "council", "vote", "river", "budget", "school"]


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every read model, in a stable order, as plain values."""
    out = {}
    for model in projections.READ_MODELS:
        rows = [model_to_dict(row, exclude=["id"]) | {"pk": str(row.pk)} for row in model.objects.order_by("pk")]
        if model.__name__ != "Article":
            for row in rows:
                row.pop("pk")
        out[model.__name__] = sorted(rows, key=repr)
    return out


step = st.one_of(
    st.tuples(st.just("revise"), st.integers(0, 3), st.sampled_from(WORDS), st.booleans()),
    st.tuples(st.just("correct"), st.integers(0, 3), st.sampled_from(WORDS), st.sampled_from(WORDS)),
    st.tuples(st.just("retract"), st.integers(0, 3), st.just(""), st.just("")),
    # A reader suggests replacing word a with word b, against the first or the current version.
    st.tuples(st.just("suggest"), st.integers(0, 3), st.sampled_from(WORDS), st.sampled_from(WORDS)),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=5, max_size=40))
def test_rebuild_reproduces_the_inline_read_models(steps: list[tuple]) -> None:
    """Generated histories over several articles: replaying the log gives identical read models."""
    # Examples share one test transaction, so the log grows across them: all the better.
    slugs = []
    for i in range(4):
        slug = f"story-{next(SERIAL)}"
        services.article_publish(slug=slug, title=f"Story {i}", body=" ".join(WORDS), meta=META)
        slugs.append(slug)
    for action, which, a, b in steps:
        slug = slugs[which]
        version = Article.objects.get(slug=slug).version
        try:
            if action == "revise":
                services.article_revise(
                    slug=slug,
                    expected_version=version,
                    body=f"{a} {' '.join(WORDS)}",
                    note="Updated." if b else "",
                    meta=META,
                )
            elif action == "correct":
                services.correction_issue(
                    slug=slug,
                    expected_version=version,
                    kind="correction",
                    note=f"Fixed {a}.",
                    changes=[ChangeRequest(exact=a, replacement=b, start=None)],
                    meta=META,
                )
            elif action == "suggest":
                suggestion_services.suggestion_submit(
                    slug=slug,
                    exact=a,
                    suggestion=b.upper(),
                    version=1 if a < b else None,
                    meta={"actor": {"kind": "reader"}},
                )
            else:
                services.article_retract(slug=slug, expected_version=version, note="Withdrawn.", meta=META)
        except DomainError:
            pass  # e.g. revising a retracted article, or a quote that is ambiguous: refused, nothing written
    assert Suggestion in projections.READ_MODELS
    inline = snapshot()
    call_command("rebuild_projections", "--no-progress")
    assert snapshot() == inline


def test_the_indexes_a_rebuild_needs_while_it_scans_are_the_ones_projectors_look_rows_up_by() -> None:
    """Every non-key column a projector asks rows by (``Want``) keeps its index during a rebuild's scan."""
    from pathlib import Path

    from django.apps import apps

    from corrections.projections import rebuild

    source = "\n".join(p.read_text() for p in Path(projections.__file__).parent.glob("*.py"))
    wanted = set(re.findall(r'Want\((\w+), "(\w+)"', source))
    lookups = set()
    for model_name, column in wanted:
        if model_name in {"cls", "model", "HEAD_MODEL"} or column == "id":
            continue
        model = next(m for m in apps.get_app_config("corrections").get_models() if m.__name__ == model_name)
        lookups.add((model._meta.db_table, model._meta.get_field(column).column))
    assert lookups == rebuild.LOOKUP_COLUMNS
