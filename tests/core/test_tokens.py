from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from safetynet.core.models import ApiToken

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_it_prints_a_token_once_and_stores_only_its_hash(client) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("create_token", "worker", stdout=out)
    token = out.getvalue().strip()
    record = ApiToken.objects.get(user__username="worker")
    assert token.startswith(f"sn_{record.prefix}_")
    assert token not in record.digest and len(record.digest) == 64
    response = client.get("/api/v1/me", **bearer(token))
    assert response.status_code == 200
    assert response.json() == {
        "username": "worker",
        "role": "social_worker",
        "unit": "嘉義縣朴子社會福利服務中心",
    }


def test_it_refuses_unknown_users_and_impossible_lifetimes() -> None:
    with pytest.raises(CommandError, match="no user"):
        call_command("create_token", "nobody", stdout=io.StringIO())
    with pytest.raises(CommandError, match="366"):
        call_command("create_token", "worker", "--days", "0", stdout=io.StringIO())
