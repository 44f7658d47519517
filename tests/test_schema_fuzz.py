"""schemathesis against the live OpenAPI schema: generated requests to every operation never get a 5xx.

Bounded (``EXAMPLES`` per operation and client), anonymously and with an editor's
token, through Django's test client, so it runs on SQLite and in CI's PostgreSQL pass.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.core import NotSet

from corrections.services import actor_meta
from corrections.services.suggestions import suggestion_submit

EXAMPLES = 12


def operations(client: APIClient) -> list[Any]:
    schema = schemathesis.openapi.from_dict(client.get("/api/schema/?format=json").json())
    return [result.ok() for result in schema.get_all_operations()]


def send(client: APIClient, case: Any) -> Any:
    query = urlencode(case.query or {}, doseq=True)
    url = case.formatted_path + (f"?{query}" if query else "")
    body = "" if isinstance(case.body, NotSet) else case.body
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    content_type = case.media_type or "application/json"
    return client.generic(case.method.upper(), url, data=data, content_type=content_type)


@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_no_generated_request_gets_a_5xx(who: str, article: str, editor_api: APIClient) -> None:
    """Every operation in the schema, fed schemathesis' examples, answers below 500."""
    suggestion_submit(slug=article, exact="Jon Smith", suggestion="John Smith", meta=actor_meta(kind="reader"))
    client = editor_api if who == "editor" else APIClient()
    failures: list[str] = []
    statuses: list[int] = []
    all_operations = operations(APIClient())
    for operation in all_operations:
        # Valid requests and invalid ones (wrong types, missing fields, odd strings): neither may be a 5xx.
        @given(case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            response = send(client, case)
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} → {response.status_code}")

        check()
    assert not failures, "\n".join(sorted(set(failures)))
    assert len(statuses) >= len(all_operations) >= 20


def test_the_fuzzer_reaches_every_documented_operation(db: Any) -> None:
    """The schema lists the API's operations, so the fuzz test above covers them."""
    paths = {operation.path for operation in operations(APIClient())}
    assert {"/api/v1/articles/", "/api/v1/review/suggestions/{suggestion_id}/assign/"} <= paths
