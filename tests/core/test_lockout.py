"""Repeated wrong passwords lock the login of that username from that address (django-axes)."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


WRONG = "wrong-password-123"


def attempt(client: Client, username: str, password: str = WRONG, address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_it_locks_the_account_after_five_wrong_passwords_even_for_the_right_one() -> None:
    client = Client()
    for _ in range(4):
        response = attempt(client, "worker")
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
    locked = attempt(client, "worker")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert 'data-testid="locked-out"' in html and "15" in html
    assert "core/locked_out.html" in [t.name for t in locked.templates]
    right = attempt(client, "worker", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_leaves_other_accounts_and_other_addresses_alone() -> None:
    for _ in range(5):
        attempt(Client(), "worker")
    assert attempt(Client(), "worker", PASSWORD).status_code == 429
    assert attempt(Client(), "teammate", PASSWORD).status_code == 302
    assert attempt(Client(), "worker", PASSWORD, address="10.0.0.2").status_code == 302


def test_it_lets_the_account_in_again_after_fifteen_minutes() -> None:
    for _ in range(5):
        attempt(Client(), "worker")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert attempt(Client(), "worker", PASSWORD).status_code == 302


def test_a_right_password_forgets_the_earlier_wrong_ones() -> None:
    for _ in range(4):
        attempt(Client(), "worker")
    assert attempt(Client(), "worker", PASSWORD).status_code == 302
    for _ in range(4):
        assert attempt(Client(), "worker").status_code == 200
    assert attempt(Client(), "worker", PASSWORD).status_code == 302
