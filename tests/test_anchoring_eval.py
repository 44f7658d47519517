"""The anchoring evaluation: generated revisions of long texts, with thresholds per kind of edit (issue 13).

Run with ``-s`` to see the table; ``make bench`` prints it over more cases.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.anchoring_eval_support import (
    DEFAULT_KEPT_AT_LEAST,
    KEPT_AT_LEAST,
    KINDS,
    TEXTS,
    WRONG_AT_MOST,
    Tally,
    make_case,
    run,
    table,
)

#: Cases per kind: enough for the thresholds to mean something, few enough for a quick suite.
CASES = 100

TALLIES: dict[str, Tally] = {}


@pytest.fixture(scope="module", autouse=True)
def print_table():
    yield
    if TALLIES:
        print("\n" + table(TALLIES))


@pytest.mark.parametrize("kind", list(KINDS))
def test_reports_follow_their_passage_through_a_revision(kind: str) -> None:
    """A report stays on its passage (or says it is gone) through each kind of revision, as often as promised."""
    tally = Tally(Counter())

    @settings(
        max_examples=CASES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(rng=st.randoms(use_true_random=False), text=st.sampled_from(sorted(TEXTS)))
    def revise(rng: random.Random, text: str) -> None:
        case = make_case(kind, rng, text)
        verdict, result = run(case)
        tally.add(case, verdict, result)

    revise()
    TALLIES[kind] = tally
    assert tally.total >= CASES * 0.9
    assert tally.share("right") >= KEPT_AT_LEAST.get(kind, DEFAULT_KEPT_AT_LEAST), table({kind: tally})
    assert tally.share("wrong") <= WRONG_AT_MOST, table({kind: tally})
