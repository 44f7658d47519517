"""Editors read durations as people say them: minutes, hours or days, never '0.01 h'."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from corrections.templatetags.desk import age, duration, hours_in_words, in_words


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (5, "under a minute"),
        (60, "1 minute"),
        (36, "under a minute"),
        (600, "10 minutes"),
        (3600, "1 hour"),
        (5 * 3600, "5 hours"),
        (47 * 3600, "47 hours"),
        (3 * 86400, "3 days"),
    ],
)
def test_durations_in_one_unit(seconds: float, words: str) -> None:
    """A duration is said in the one unit that fits it."""
    assert in_words(seconds) == words


def test_metrics_hours_and_ages_in_words() -> None:
    assert hours_in_words(0.01) == "under a minute" and hours_in_words(None) == "—"
    assert duration(timedelta(minutes=90)) == "2 hours"
    assert age(timezone.now() - timedelta(days=2)) == "2 days ago" and age(timezone.now()) == "just now"
