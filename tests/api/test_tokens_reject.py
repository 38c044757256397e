"""A token that is not exactly one we issued, still usable, of an active account and carrying the scope
answers 401 on every protected operation, with the same generic body whatever the reason.

tests/core/test_tokens.py checks the reasons one by one on `/api/v1/me`; here each reason is tried on
every operation that needs a token, and the answer is checked for what it must not tell. A token
lacking the operation's scope is refused as the others are, 401 rather than 403: telling it apart
would confirm to whoever holds it that the token itself is good.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from safetynet.core.models import ApiToken
from safetynet.core.tokens import issue_token, revoke_token
from tests.api.test_api_matrix import MATRIX, Operation, contact_on
from tests.test_access_matrix import worker_case

pytestmark = pytest.mark.django_db

PROTECTED = {oid: op for oid, op in sorted(MATRIX.items()) if op.scope is not None}
PROBLEMS = ["tampered", "other_prefix", "expired", "revoked", "inactive", "scope"]


def send(operation: Operation, url: str, token: str | None) -> object:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    if operation.method == "get":
        return Client().get(url, operation.query, **headers)
    body = json.dumps(operation.body() if operation.body else {})
    return getattr(Client(), operation.method)(url, body, content_type="application/json", **headers)


def tampered(token: str) -> str:
    """The same token with the last character of its secret changed."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def spoiled(problem: str, operation: Operation) -> tuple[str, ApiToken]:
    """A token of the worker that would do for `operation`, spoiled as `problem` says."""
    worker = get_user_model().objects.get(username="worker")
    needed = operation.scope or "read"
    scopes = ["reports:write" if needed == "read" else "read"] if problem == "scope" else [needed]
    record, token = issue_token(worker, scopes=scopes)
    if problem == "tampered":
        token = tampered(token)
    elif problem == "other_prefix":
        _, other = issue_token(worker, scopes=[needed])
        token = f"sn_{record.prefix}_{other.split('_', 2)[2]}"  # this prefix, another token's secret
    elif problem == "expired":
        ApiToken.objects.filter(pk=record.pk).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
    elif problem == "revoked":
        revoke_token(record)
    elif problem == "inactive":
        get_user_model().objects.filter(pk=worker.pk).update(is_active=False)
    return token, record


def url_for(operation: Operation) -> str:
    params = dict(operation.path_params)
    if "{pk}" in operation.path:
        case = worker_case()
        params["pk"] = str(case.pk)
        if "{contact_id}" in operation.path:  # a contact of the worker's, for a correction to name
            params["contact_id"] = contact_on(case, "worker")
    return operation.path.format(**params)


@pytest.mark.parametrize("operation_id", sorted(PROTECTED))
def test_it_serves_the_intact_token_it_then_refuses(operation_id: str) -> None:
    """The control for the test below: the worker's intact token is accepted on each operation."""
    operation = PROTECTED[operation_id]
    _, token = issue_token(get_user_model().objects.get(username="worker"), scopes=[operation.scope or ""])
    assert send(operation, url_for(operation), token).status_code != 401


@pytest.mark.parametrize("problem", PROBLEMS)
def test_it_answers_401_with_nothing_to_learn_from(problem: str) -> None:
    for operation_id, operation in PROTECTED.items():
        url = url_for(operation)
        token, record = spoiled(problem, operation)
        response = send(operation, url, token)
        assert response.status_code == 401, (operation_id, problem)
        assert response.json() == {"detail": "Unauthorized"}, (operation_id, problem)
        said = response.content.decode() + json.dumps(dict(response.headers))
        for secret in (record.prefix, token, "worker", "expired", "revoked", "scope", "inactive"):
            assert secret not in said, (operation_id, problem, secret)
        assert ApiToken.objects.get(pk=record.pk).last_used_at is None  # a refused token was not "used"
        get_user_model().objects.filter(username="worker").update(is_active=True)  # for the next operation


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Bearer sn_",
        "Bearer sn__",
        "Bearer sn_x",
        "Bearer sn_' OR '1'='1_x",
        "Bearer sn_%_x",
        "Bearer " + "sn_" + "a" * 8 + "_" + "b" * 10_000,
        "Basic d29ya2VyOnRlc3QtcGFzc3dvcmQtMTIz",
        "Token sn_abc_def",
    ],
    ids=range(10),
)
def test_it_answers_401_to_malformed_authorization(header: str) -> None:
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_it_refuses_a_real_prefix_matched_by_pattern() -> None:
    """A prefix is matched exactly, never as a pattern: `sn_%_…` or a shortened prefix finds no token."""
    record, token = issue_token(get_user_model().objects.get(username="worker"), scopes=["read"])
    secret = token.split("_", 2)[2]
    # An all-digit prefix is its own upper case: that variant is then the real prefix, not a trick.
    tricks = {"%", record.prefix[:-1], record.prefix.upper(), record.prefix + "0"} - {record.prefix}
    for prefix in sorted(tricks):
        response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer sn_{prefix}_{secret}")
        assert response.status_code == 401, prefix
