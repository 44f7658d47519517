"""Editors see desk metrics: time to resolution, acceptance rate, open items by age, reports per article."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from corrections.selectors.metrics import desk_metrics, percentile
from corrections.services import actor_meta, article_publish
from corrections.services import review as review_services

from .review_support import make_editor, report, version_of

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday
NOW = START + timedelta(days=12)


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([], 50) is None
    assert percentile([7.0], 90) == 7.0
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([2.0, 10.0, 30.0], 90) == pytest.approx(26.0)


@pytest.fixture
def clock(monkeypatch: Any) -> Callable[[timedelta], None]:
    """Set the time the store stamps on events, relative to START."""

    def set_to(offset: timedelta) -> None:
        monkeypatch.setattr(timezone, "now", lambda: START + offset)

    set_to(timedelta(0))
    return set_to


@pytest.fixture
def history(clock: Callable[[timedelta], None]) -> dict[str, str]:
    """Reports over twelve days: three resolved after 2, 10 and 30 hours, two still open (10 days and 2 hours old)."""
    desk = make_editor("desk")
    meta = actor_meta(desk)
    article_publish(slug="bridge", title="Bridge", body="Jon Smith said the cost was £12 million.", meta=meta)
    article_publish(slug="park", title="Park", body="The park opens on Tuesday at nine.", meta=meta)
    ids = {}
    ids["accepted"] = report("bridge", "Jon Smith", "John Smith")
    ids["rejected"] = report("park", "Tuesday", "Monday")
    clock(timedelta(hours=2))
    review_services.suggestion_accept(suggestion_id=ids["accepted"], expected_version=version_of("bridge"), meta=meta)
    clock(timedelta(hours=10))
    review_services.suggestion_reject(suggestion_id=ids["rejected"], reason="It is Tuesday.", meta=meta)
    clock(timedelta(days=2))
    ids["open_old"] = report("bridge", "£12 million", "£14 million", category="factual")
    report("bridge", "£12 million", "£14 million", category="factual")  # a second reader: seconded
    ids["duplicate"] = report("bridge", "cost", "price")
    clock(timedelta(days=2, hours=30))
    review_services.suggestion_mark_duplicate(suggestion_id=ids["duplicate"], of=ids["open_old"], meta=meta)
    clock(timedelta(days=12) - timedelta(hours=2))
    ids["open_new"] = report("park", "nine", "ten")
    clock(timedelta(days=12))
    return ids


def test_metrics_figures(history: dict[str, str]) -> None:
    """Median and 90th percentile of resolution times, acceptance rate, open items by age, reports per day."""
    m = desk_metrics(days=30, now=NOW)
    assert (m.resolution.count, m.resolution.median_hours, m.resolution.p90_hours) == (3, 10.0, 26.0)
    assert [b.count for b in m.resolution.histogram] == [0, 1, 1, 1, 0, 0]
    assert (m.outcomes.accepted, m.outcomes.rejected, m.outcomes.duplicate) == (1, 1, 1)
    assert m.outcomes.acceptance_rate == 0.5
    assert m.open_total == 2
    assert {b.label: b.count for b in m.open_by_age} == {
        "under 1 day": 1,
        "1–3 days": 0,
        "3–7 days": 0,
        "1–4 weeks": 1,
        "over 4 weeks": 0,
    }
    reports = m.reports
    assert reports.total == 6 and reports.bucket == "day"
    assert [s.slug for s in reports.series] == ["bridge", "park"]
    bridge = reports.series[0]
    assert bridge.total == 4
    assert dict(zip(reports.periods, bridge.counts, strict=True))[START.date()] == 1
    assert dict(zip(reports.periods, bridge.counts, strict=True))[(START + timedelta(days=2)).date()] == 3
    weekly = desk_metrics(days=30, bucket="week", now=NOW).reports
    assert all(period.weekday() == 0 for period in weekly.periods)
    assert sum(weekly.series[0].counts) == 4


def test_a_short_window_leaves_out_older_resolutions(history: dict[str, str]) -> None:
    m = desk_metrics(days=1, now=NOW)
    assert m.resolution.count == 0 and m.resolution.median_hours is None
    assert m.outcomes.acceptance_rate is None
    assert m.open_total == 2  # open items are counted whatever the window
    assert m.reports.total == 1


def test_metrics_api_is_for_editors_and_matches(history: dict[str, str], api: APIClient, clock: Any) -> None:
    """GET /api/v1/review/metrics/ gives the same figures as JSON; anyone but an editor gets 403."""
    assert api.get("/api/v1/review/metrics/").status_code == 403
    api.force_authenticate(make_editor("metrics"))
    data = api.get("/api/v1/review/metrics/?days=30").json()
    assert data["resolution"]["median_hours"] == 10.0 and data["resolution"]["p90_hours"] == 26.0
    assert data["outcomes"]["acceptance_rate"] == 0.5
    assert [b["count"] for b in data["open_by_age"]] == [1, 0, 0, 1, 0]
    assert data["reports"]["series"][0]["slug"] == "bridge" and data["reports"]["total"] == 6
    assert len(data["reports"]["periods"]) == len(data["reports"]["series"][0]["counts"])
    response = api.get("/api/v1/review/metrics/?bucket=month")
    assert response.status_code == 400 and "bucket" in response.json()["fields"]
    assert api.get("/api/v1/review/metrics/?days=0").status_code == 400


def test_metrics_page_in_the_admin_draws_svg_charts(history: dict[str, str], client: Client) -> None:
    """The admin page shows the figures and four server-rendered SVG charts, nothing from a CDN."""
    client.force_login(make_editor("viewer"))
    response = client.get("/admin/corrections/suggestion/metrics/?days=30&bucket=week")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 4
    assert "10 hours" in html and "26 hours" in html and "50%" in html
    assert "Reports per article, by week" in html and "Bridge (4)" in html
    assert "cdn" not in html.lower() and '<script src="http' not in html
    assert "/admin/corrections/suggestion/metrics/" in client.get("/admin/corrections/suggestion/").content.decode()


def test_metrics_with_no_data(db: Any) -> None:
    m = desk_metrics()
    assert m.resolution.count == 0 and m.open_total == 0 and m.reports.series == []
