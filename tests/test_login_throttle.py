"""Password guessing at the admin login is cut off after a few failures (django-axes)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from .review_support import make_editor


@pytest.fixture
def staff(db: Any) -> Any:
    return make_editor("desk")  # password s3cret-pass!


def attempt(client: Client, password: str, address: str = "203.0.113.5") -> Any:
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "desk", "password": password},
        REMOTE_ADDR=address,
    )


def test_the_admin_login_locks_out_after_repeated_failures(staff: Any, settings: Any) -> None:
    """After AXES_FAILURE_LIMIT wrong passwords even the right one is refused for a while, with a 429."""
    client = Client()
    answers = [attempt(client, f"guess-{n}").status_code for n in range(settings.AXES_FAILURE_LIMIT)]
    assert set(answers) <= {200, 429}
    locked = attempt(client, "s3cret-pass!")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_holds_one_address_not_the_account_everywhere(staff: Any, settings: Any) -> None:
    """Someone guessing from one address does not lock the editor out from theirs."""
    guesser = Client()
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        attempt(guesser, f"guess-{n}")
    response = attempt(Client(), "s3cret-pass!", address="198.51.100.20")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_few_mistakes_do_not_lock_anyone_out(staff: Any) -> None:
    """Two typos and then the right password logs in."""
    client = Client()
    attempt(client, "typo-1")
    attempt(client, "typo-2")
    assert attempt(client, "s3cret-pass!").status_code == 302
