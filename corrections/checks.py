"""Deployment checks (`manage.py check --deploy`): what a production site must not forget."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def production_services(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    problems = []
    if settings.CELERY_TASK_ALWAYS_EAGER:
        problems.append(
            Warning(
                "CELERY_BROKER_URL is not set: notifications are sent inside readers' requests and no beat runs "
                "(no relay, no digest).",
                hint="Set CELERY_BROKER_URL to redis://… or amqp://… and run the Procfile's worker and beat.",
                id="newsdesk.W001",
            )
        )
    if not settings.DESK_EMAIL:
        problems.append(
            Warning(
                "DESK_EMAIL is empty: the desk is not told about readers' suggestions.",
                hint="Set DESK_EMAIL to the desk's address(es), comma-separated.",
                id="newsdesk.W002",
            )
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        problems.append(
            Warning(
                "DATABASE_URL points at SQLite: one writer at a time, no least-privileged role.",
                hint="Set DATABASE_URL=postgres://… for production.",
                id="newsdesk.W003",
            )
        )
    return problems
