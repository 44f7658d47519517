"""One exception handler: domain errors become HTTP statuses here and nowhere else."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..domain import errors
from .parsers import RequestTooLarge

logger = logging.getLogger("newsdesk.conflict")

STATUS_FOR: list[tuple[type[errors.DomainError], int]] = [
    (errors.NotFound, status.HTTP_404_NOT_FOUND),
    (errors.Unauthenticated, status.HTTP_401_UNAUTHORIZED),
    (errors.Conflict, status.HTTP_409_CONFLICT),
    (errors.InvalidCommand, status.HTTP_422_UNPROCESSABLE_ENTITY),
    (errors.DomainError, status.HTTP_400_BAD_REQUEST),
]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (= API_MAX_BODY_BYTES) while DRF reads it.
        exc = RequestTooLarge()
    if isinstance(exc, errors.DomainError):
        code = next(code for kind, code in STATUS_FOR if isinstance(exc, kind))
        if code == status.HTTP_409_CONFLICT:
            request = context.get("request")
            logger.info(
                "Conflict: %s",
                exc.message,
                extra={
                    "error": exc.code,
                    "path": getattr(request, "path", ""),
                    "request_id": getattr(request, "request_id", ""),
                    **{key: value for key, value in exc.details.items() if isinstance(value, int | str)},
                },
            )
        return Response({"error": exc.code, "detail": exc.message, **exc.details}, status=code)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        response.data = {"error": "invalid", "detail": _summary(response.data), "fields": response.data}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data["error"] = getattr(getattr(exc, "detail", None), "code", None) or getattr(
            exc, "default_code", "error"
        )
    return response


def _summary(fields: Any) -> str:
    """One readable sentence out of DRF's field errors: 'title: This field is required.'"""
    if isinstance(fields, dict):
        parts = []
        for name, problems in fields.items():
            text = _summary(problems)
            parts.append(text if name == "non_field_errors" else f"{name}: {text}")
        return " ".join(parts)
    if isinstance(fields, list):
        return " ".join(_summary(item) for item in fields)
    return str(fields)


def endpoint_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any /api/ address that matches no endpoint: a JSON 404 like every other API error, even with DEBUG on."""
    return JsonResponse(
        {"error": "not_found", "detail": f"There is no API endpoint at {request.path}; see /api/docs/."},
        status=status.HTTP_404_NOT_FOUND,
    )
