from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from safetynet.core.models import ApiToken
from safetynet.core.tokens import issue_token, revoke_token

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


@pytest.mark.parametrize("problem", ["none", "garbled", "expired", "revoked", "scope", "inactive"])
def test_it_answers_401_to_every_unusable_token(client, problem: str) -> None:  # type: ignore[no-untyped-def]
    user = get_user_model().objects.get(username="teammate")
    record, token = issue_token(user, scopes=["reports:write"] if problem == "scope" else ["read"])
    if problem == "expired":
        ApiToken.objects.filter(pk=record.pk).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
    if problem == "revoked":
        revoke_token(record)
    if problem == "inactive":
        get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    headers = {} if problem == "none" else bearer(token + "x" if problem == "garbled" else token)
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_it_refuses_unknown_users_and_impossible_lifetimes() -> None:
    with pytest.raises(CommandError, match="no user"):
        call_command("create_token", "nobody", stdout=io.StringIO())
    with pytest.raises(CommandError, match="366"):
        call_command("create_token", "worker", "--days", "0", stdout=io.StringIO())
