"""A real ``celery worker`` against Redis delivers the outbox: once each, and nothing lost while the broker is down.

These tests start ``celery -A newsdesk worker`` as a subprocess that reads the
test database, so they need PostgreSQL (on SQLite pytest-django's database is
in memory, invisible to another process) and Redis; they run in CI's
PostgreSQL pass (CELERY_TEST_BROKER_URL) and skip on a laptop without them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from kombu import pools

from corrections.models import Notification
from corrections.tasks import deliver_notification, relay_pending
from newsdesk.celery import app

from .conftest import require, require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.broker]

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
CLOSED_PORT = "redis://127.0.0.1:6390/15"  # nothing listens here: the broker is "down"
DESK = "desk@paper.example"
WAIT = 60.0


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def database_url() -> str:
    """The test database, as the worker process must reach it."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def reset_broker_connections() -> None:
    """Drop the in-test app's cached connections so the next publish uses the current broker_url."""
    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()  # kombu keeps its pools per broker URL, process-wide


@contextmanager
def broker(url: str) -> Iterator[None]:
    """Make this process publish to ``url`` for real (not eagerly) for the duration."""
    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.update(broker_url=url, task_always_eager=False)
    reset_broker_connections()
    try:
        yield
    finally:
        app.conf.update(**saved)
        reset_broker_connections()


class Worker:
    def __init__(self, mail_dir: Path, log: Path) -> None:
        self.mail_dir = mail_dir
        self.log = log

    def message_ids(self) -> Counter[str]:
        """Message-ID of every e-mail the file backend wrote (a file can hold several)."""
        found: Counter[str] = Counter()
        for path in self.mail_dir.glob("*.log"):
            found.update(re.findall(r"^Message-ID: (<[^>]+>)", path.read_text(errors="replace"), re.MULTILINE))
        return found

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for(self, done: Callable[[], bool], what: str) -> None:
        """Poll until ``done()``, for at most WAIT seconds."""
        deadline = time.monotonic() + WAIT
        while not done():
            if time.monotonic() > deadline:
                pytest.fail(f"Timed out after {WAIT:.0f} s waiting for {what}. Worker log:\n{self.log_text()[-4000:]}")
            time.sleep(0.2)


@pytest.fixture
def queue_turn(live_db: Any) -> Iterator[None]:
    """PostgreSQL and Redis present, and this test's turn with the Redis test queue."""
    require_postgres()
    require(redis_answers(BROKER), f"it needs Redis at {BROKER} (set CELERY_TEST_BROKER_URL)")
    client = redis.Redis.from_url(BROKER)
    # Test processes sharing this Redis (pytest-xdist, two checkouts) take turns with the queue.
    turn = client.lock("newsdesk-tests:celery-worker", timeout=600, blocking_timeout=600)
    if not turn.acquire():
        pytest.fail("Another test run held the Redis test queue for ten minutes.")
    try:
        # Left-overs of an interrupted run must not be delivered against this run's rows.
        client.delete("celery", "unacked", "unacked_index")
        yield
    finally:
        turn.release()


@pytest.fixture
def worker(queue_turn: None, tmp_path: Path, settings: Any) -> Iterator[Worker]:
    """A real Celery worker on Redis, reading the test database and writing e-mails to files."""
    settings.DESK_EMAIL = [DESK]
    settings.NOTIFY_DESK_IMMEDIATELY = True
    settings.NOTIFY_WEBHOOK_URL = ""
    settings.SITE_URL = "https://news.example"
    mail_dir, log = tmp_path / "mail", tmp_path / "worker.log"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "DESK_EMAIL": DESK,
        "NOTIFY_DESK_IMMEDIATELY": "1",
        "NOTIFY_WEBHOOK_URL": "",
        "SITE_URL": "https://news.example",
        "DB_POOL_MIN_SIZE": "1",
    }
    command = [sys.executable, "-m", "celery", "-A", "newsdesk", "worker", "-l", "info", "--pool", "solo"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"test-{uuid.uuid4().hex[:8]}@%h"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=django_settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            yield Worker(mail_dir, log)
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def suggest(api: Any, slug: str, exact: str, fix: str) -> dict[str, Any]:
    response = api.post(f"/api/v1/articles/{slug}/suggestions/", {"exact": exact, "suggestion": fix}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


SUGGESTIONS = [("Jon Smith", "John Smith"), ("two years", "three years"), ("Tuesday", "Wednesday")]


def test_a_real_worker_emails_the_desk_once_about_a_suggestion_made_over_http(
    worker: Worker, api: Any, article: str
) -> None:
    """A reader suggests a fix over HTTP; a separate Celery worker sends the desk one e-mail, however often asked."""
    with broker(BROKER):
        suggest(api, article, "Jon Smith", "John Smith")
        worker.wait_for(lambda: sum(worker.message_ids().values()) >= 1, "the desk e-mail")
        [row] = Notification.objects.all()
        row.refresh_from_db()
        assert row.status == "sent" and row.attempts == 1
        # The broker delivers the same task again (a redelivery after a lost ack): nothing more is sent.
        deliver_notification.apply_async(args=[row.id])
        deliver_notification.apply_async(args=[row.id])
        worker.wait_for(lambda: worker.log_text().count("'not claimed'") >= 2, "the repeated tasks to finish")
    [(message_id, count)] = worker.message_ids().items()
    assert count == 1 and message_id == f"<event.{row.event_position}.desk_suggestion.desk@news.example>"
    text = "".join(path.read_text() for path in worker.mail_dir.glob("*.log"))
    assert f"To: {DESK}" in text and "Jon Smith" in text


def test_with_the_broker_down_nothing_is_lost_and_the_relay_delivers_each_notice_once(
    worker: Worker, api: Any, article: str, settings: Any
) -> None:
    """Suggestions made while the broker is unreachable succeed; once it is back the relay delivers each notice once."""
    with broker(CLOSED_PORT):
        for exact, fix in SUGGESTIONS:
            suggest(api, article, exact, fix)  # 201 at once: the publish error is logged, not raised
    rows = list(Notification.objects.order_by("id"))
    assert len(rows) == len(SUGGESTIONS)
    assert all(row.status == "pending" and row.enqueued_at is None for row in rows)
    assert worker.message_ids() == Counter()

    settings.NOTIFY_RELAY_GRACE_SECONDS = 0
    with broker(BROKER):
        assert relay_pending() == len(rows)
        assert relay_pending() == 0  # already handed over: the second run sends nothing again
        # Even a task for every row published twice more sends nothing twice.
        for row in rows:
            deliver_notification.apply_async(args=[row.id])
        worker.wait_for(lambda: sum(worker.message_ids().values()) >= len(rows), "every pending notice")
        worker.wait_for(lambda: worker.log_text().count("'not claimed'") >= len(rows), "the repeated tasks")
    expected = {f"<event.{row.event_position}.desk_suggestion.desk@news.example>" for row in rows}
    assert worker.message_ids() == Counter(dict.fromkeys(expected, 1))
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
