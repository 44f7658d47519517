"""Health checks for a load balancer and for operators.

``/healthz`` says the process answers (liveness: restart it if not). ``/readyz`` says
whether it can serve (readiness: send it traffic or not). Only the database decides
readiness: with the broker down readers' requests still succeed (the outbox keeps
their notifications), so a broker outage is reported, not a reason to turn readers away.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from corrections.selectors.health import oldest_pending_notification_age
from newsdesk.celery import app

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:  # any driver error means "not reachable" to a load balancer
        logger.warning("Readiness: database unreachable: %s", error)
        return "unreachable"


def _broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=2)
        return "ok"
    except Exception as error:  # kombu raises per transport; all mean "not reachable"
        logger.warning("Readiness: broker unreachable: %s", error)
        return "unreachable"


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, Any] = {"database": _database(), "broker": _broker()}
    if checks["database"] == "ok":
        age = oldest_pending_notification_age()
        checks["oldest_pending_notification_seconds"] = None if age is None else round(age)
    ready = checks["database"] == "ok"
    degraded = checks["broker"] == "unreachable"
    status = "degraded" if ready and degraded else "ok" if ready else "unavailable"
    return JsonResponse({"status": status, **checks}, status=200 if ready else 503)
