"""The production shape: settings from the environment, health checks, request logs, roles, CSP."""

from __future__ import annotations

import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.test import override_settings

from corrections import services
from corrections.models import Notification
from corrections.services import comments as comment_services
from newsdesk.celery import app

ROOT = Path(settings.BASE_DIR)
PRODUCTION_ENV = ROOT / "deploy" / "production.env"


def production_env(tmp_path: Path) -> dict[str, str]:
    """deploy/production.env as documented, with its placeholders filled in for this machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET_", "DEBUG"))}
    for line in PRODUCTION_ENV.read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    # Checks never connect: a PostgreSQL URL is enough, as in production.
    env["DATABASE_URL"] = "postgres://newsdesk_app:secret@127.0.0.1:5432/newsdesk_checks"
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_readme_shows_the_production_environment_verbatim() -> None:
    """An operator copying the README's production environment gets exactly deploy/production.env."""
    assert PRODUCTION_ENV.read_text().strip() in (ROOT / "README.md").read_text()


def test_check_deploy_is_clean_with_the_documented_production_environment(tmp_path: Path) -> None:
    """`check --deploy` finds nothing to warn about in the documented production settings."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_names_a_forgotten_broker_desk_address_or_sqlite(tmp_path: Path) -> None:
    """An operator who forgets the broker, the desk's address or PostgreSQL is told by check --deploy."""
    env = production_env(tmp_path)
    env.update(CELERY_BROKER_URL="", DESK_EMAIL="", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    for check_id in ["newsdesk.W001", "newsdesk.W002", "newsdesk.W003"]:
        assert check_id in result.stderr


def test_every_https_setting_is_read_from_the_environment(tmp_path: Path) -> None:
    """Each setting check --deploy names is the environment variable of the same name."""
    env = production_env(tmp_path)
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
        " s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = manage("shell", "-c", code, env=env)
    assert (
        result.stdout.strip().splitlines()[-1]
        == "31536000 True True True True True ('HTTP_X_FORWARDED_PROTO', 'https')"
    )
    env.update(SECURE_HSTS_SECONDS="60", SECURE_SSL_REDIRECT="0", SECURE_PROXY_SSL_HEADER="")
    result = manage("shell", "-c", code, env=env)
    assert result.stdout.strip().splitlines()[-1] == "60 True True False True True None"


def test_without_secret_key_and_debug_off_the_process_refuses_to_start(tmp_path: Path) -> None:
    """A forgotten SECRET_KEY stops the process with a message that says what to do."""
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "token_urlsafe" in result.stderr


def test_with_debug_on_the_development_key_is_allowed(tmp_path: Path) -> None:
    """A laptop with DEBUG=1 runs without any SECRET_KEY (make run)."""
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    env["DEBUG"] = "1"
    assert manage("check", env=env).returncode == 0


def test_healthz_answers_while_the_process_lives(client: Any) -> None:
    """A load balancer's liveness probe gets a small JSON 200."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_database_broker_and_the_oldest_pending_notification(client: Any) -> None:
    """Readiness shows each dependency and how long the oldest notification has waited."""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "eager",
        "oldest_pending_notification_seconds": None,
    }
    Notification.objects.create(key="k1", kind=Notification.WEBHOOK, recipient="webhook")
    assert client.get("/readyz").json()["oldest_pending_notification_seconds"] == 0


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_unreachable(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without its database a process is taken out of the load balancer."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert response.json()["status"] == "unavailable"


@pytest.mark.django_db
def test_readyz_stays_200_but_degraded_when_the_broker_is_down(
    client: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broker outage is reported, not a reason to turn readers away (the outbox keeps their notices)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["broker"] == "unreachable"
    assert response.json()["status"] == "degraded"


def test_each_request_logs_one_line_with_its_request_id(client: Any, caplog: pytest.LogCaptureFixture) -> None:
    """Operators can follow one request through the logs by the id it was answered with."""
    with caplog.at_level(logging.INFO, logger="newsdesk.request"):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-42.a")
    assert response["X-Request-ID"] == "edge-42.a"
    [line] = [r for r in caplog.records if r.name == "newsdesk.request"]
    assert line.request_id == "edge-42.a"
    assert (line.method, line.path, line.status) == ("GET", "/healthz", 200)


def test_an_unsafe_or_oversized_request_id_is_replaced(client: Any) -> None:
    """A request id with markup or 60 KB of junk never reaches the logs or the event log."""
    for given in ["<script>", "x" * 60_000, "a b"]:
        answered = client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", answered)


def test_json_logs_are_one_object_per_line() -> None:
    """LOG_FORMAT=json gives a log shipper one JSON object per line, with the request's fields."""
    import json

    from newsdesk.logs import JsonFormatter

    record = logging.LogRecord("newsdesk.request", logging.INFO, __file__, 1, "GET %s", ("/x",), None)
    record.request_id = "abc"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /x"
    assert line["request_id"] == "abc"
    assert line["level"] == "INFO"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/admin/login/", "/api/docs/", "/api/v1/articles/"])
def test_every_page_carries_a_content_security_policy(client: Any, path: str) -> None:
    """Pages, the admin, the API and its docs all forbid inline and foreign scripts."""
    policy = dict(rule.strip().split(" ", 1) for rule in client.get(path)["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


@pytest.mark.django_db
def test_api_docs_load_their_script_from_our_origin(client: Any) -> None:
    """The Swagger page has no inline script: its set-up script is a separate same-origin file."""
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page.replace(" ", "")
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


@pytest.mark.django_db
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "newsdesk.cache.FallbackRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
)
def test_readers_still_post_when_the_throttle_cache_is_down(
    api: Any, article: str, caplog: pytest.LogCaptureFixture
) -> None:
    """With Redis unreachable a reader's comment is accepted, a warning is logged and throttling goes on locally."""
    body = {"body": "A fine piece.", "name": "Reader", "website": ""}
    with caplog.at_level(logging.WARNING, logger="newsdesk.cache"):
        statuses = [
            api.post(f"/api/v1/articles/{article}/comments/", body, format="json").status_code for _ in range(11)
        ]
    assert statuses == [201] * 10 + [429]
    assert any("unreachable" in r.getMessage() for r in caplog.records)


def test_setup_roles_creates_the_editors_group_without_demo_data(db: Any) -> None:
    """A new production database gets the Editors group and its permissions from one command."""
    from django.contrib.auth.models import Group

    call_command("setup_roles")
    group = Group.objects.get(name="Editors")
    assert set(group.permissions.values_list("codename", flat=True)) >= {"work_desk", "view_suggestion"}


def test_create_editor_makes_a_staff_editor_with_a_token(db: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    """The first editor can log in to the admin and use the API."""
    monkeypatch.setenv("EDITOR_PASSWORD", "a-long-enough-passphrase")
    call_command("create_editor", "alice", "--email", "alice@news.example", "--token")
    user = get_user_model().objects.get(username="alice")
    assert user.is_staff and user.check_password("a-long-enough-passphrase")
    assert user.has_perm("corrections.work_desk")
    assert re.search(r"API token: [0-9a-f]{40}", capsys.readouterr().out)


def test_create_editor_refuses_a_weak_password(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A weak password is refused with the validators' words."""
    monkeypatch.setenv("EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="too short"):
        call_command("create_editor", "bob")


def test_database_roles_need_postgresql(db: Any) -> None:
    """On SQLite the role option says why it cannot work."""
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("setup_roles", "--database-role", "newsdesk_app")


@pytest.mark.postgres
def test_the_runtime_role_cannot_rewrite_or_unprotect_the_log(db: Any, article: str) -> None:
    """Web and worker credentials can append events but never change, delete, truncate or unprotect them."""
    from tests.conftest import require_postgres

    require_postgres()
    from psycopg import errors as pg

    role = f"newsdesk_test_app_{secrets.token_hex(4)}"
    call_command("setup_roles", "--database-role", role)
    table = "corrections_event"
    attacks = [
        f"UPDATE {table} SET data = '{{}}'",
        f"DELETE FROM {table}",
        f"TRUNCATE {table}",
        f"ALTER TABLE {table} DISABLE TRIGGER ALL",
        f"DROP TABLE {table}",
    ]
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
        for attack in attacks:
            cursor.execute("SAVEPOINT attack")
            with pytest.raises(DatabaseError) as refused:
                cursor.execute(attack)
            assert isinstance(refused.value.__cause__, pg.InsufficientPrivilege), attack
            cursor.execute("ROLLBACK TO SAVEPOINT attack")
    # The same role appends through the services as usual.
    comment_services.comment_post(
        slug=article, body="Still works.", author_name="Reader", meta=services.actor_meta(kind="reader")
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == role
        cursor.execute("RESET ROLE")


def test_a_conflict_is_logged_with_its_request_id(
    editor_api: Any, article: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Operators see each 409 in the logs, tied to the request that met it."""
    body = {"body": "New text.", "expected_version": 1}
    editor_api.post(f"/api/v1/articles/{article}/revisions/", body, format="json")
    with caplog.at_level(logging.INFO, logger="newsdesk.conflict"):
        response = editor_api.post(
            f"/api/v1/articles/{article}/revisions/", body, format="json", HTTP_X_REQUEST_ID="rev-2"
        )
    assert response.status_code == 409
    [line] = [r for r in caplog.records if r.name == "newsdesk.conflict"]
    assert line.request_id == "rev-2"
    assert line.path == f"/api/v1/articles/{article}/revisions/"
