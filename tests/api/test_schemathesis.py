"""The API against its own OpenAPI document: schemathesis generates inputs for every operation from
`/api/v1/openapi.json` (valid and invalid ones) and sends them to the WSGI application in process,
with a worker's and a screener's token carrying every scope.

Checks: no 5xx, every answer's status is one the schema documents and its body matches the schema
given for that status, and the content type is the documented one. Every path also answers 405, with
the methods it serves in `Allow`, to each method the schema does not document for it (OPTIONS, TRACE,
PUT, DELETE, PATCH, HEAD).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from safetynet.core.tokens import SCOPES, issue_token
from safetynet.intake.api import REPORT_EXAMPLE
from safetynet.wsgi import application
from tests.test_access_matrix import worker_case

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def requests_keep_the_test_transaction() -> Iterator[None]:
    """Django's test client keeps the test's transaction open across requests by not closing the
    connection at the end of each; a WSGI call runs those handlers, so leave them out likewise."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    users = get_user_model().objects.filter(username__in=["worker", "screener"])
    return {user.username: issue_token(user, scopes=list(SCOPES))[1] for user in users}


@pytest.fixture
def own_case(db):  # type: ignore[no-untyped-def]
    return worker_case()


# Loaded when the module is collected (the document needs no database). Not through
# `schemathesis.pytest.from_fixture`: with pytest 9 it fails (`Function` has no `_nodeid`).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_answers_every_input_as_its_schema_says(case, tokens, own_case) -> None:  # type: ignore[no-untyped-def]
    # The screener works on no case: every key generated answers 404, every other operation in full.
    case.call_and_validate(headers=bearer(tokens["screener"]), checks=CHECKS)
    # The worker, on a case of their own and at a time the case allows, so that the rest of the body
    # is read and judged field by field.
    if "pk" in (case.path_parameters or {}):
        case.path_parameters["pk"] = own_case.pk
        if isinstance(case.body, dict):
            for moment in ("occurred_at", "assessed_at"):
                if moment in case.body:
                    case.body[moment] = timezone.now().isoformat()
    case.call_and_validate(headers=bearer(tokens["worker"]), checks=CHECKS)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


NOW = "now"  # replaced by the time of the request: a contact or an assessment cannot predate its case
# Each operation's success, answered to an account it serves, against the schema of that answer.
SUCCESSES = {
    ("GET", "/api/v1/me"): ("worker", {}),
    ("GET", "/api/v1/geo/counties"): (None, {}),
    ("GET", "/api/v1/geo/counties/{code}/towns"): (None, {"path_parameters": {"code": "10010"}}),
    ("POST", "/api/v1/reports"): ("screener", {"body": {**REPORT_EXAMPLE, "external_id": "x"}}),
    ("GET", "/api/v1/cases"): ("worker", {"query": {"status": "all", "limit": "5"}}),
    ("GET", "/api/v1/cases/{pk}"): ("worker", {}),
    ("POST", "/api/v1/cases/{pk}/contacts"): (
        "worker",
        {"body": {"kind": "home_visit", "minutes": 30, "occurred_at": NOW}},
    ),
    ("PATCH", "/api/v1/cases/{pk}/contacts/{contact_id}"): (
        "worker",
        {"body": {"version": 1, "minutes": 40, "note": "更正的紀錄"}},
    ),
    ("POST", "/api/v1/cases/{pk}/assessments"): (
        "worker",
        {
            "body": {
                "instrument": "bsrs5",
                "answers": {"items": [1, 2, 0, 1, 3], "suicide": 1},
                "assessed_at": NOW,
            }
        },
    ),
    ("GET", "/api/v1/directory/services"): ("worker", {"query": {"per_page": "2"}}),
    ("GET", "/api/v1/indicators"): ("manager", {"query": {"area": "10010", "year": "110"}}),
}


def test_it_tries_the_success_of_every_operation() -> None:
    operations = [result.ok() for result in schema.get_all_operations()]
    assert set(SUCCESSES) == {(operation.method.upper(), operation.path) for operation in operations}


@pytest.mark.parametrize(("method", "path"), sorted(SUCCESSES))
def test_its_successes_match_their_schema(method: str, path: str, own_case) -> None:  # type: ignore[no-untyped-def]
    username, data = SUCCESSES[(method, path)]
    data = {key: dict(value) for key, value in data.items()}
    if "{pk}" in path:
        data["path_parameters"] = {"pk": own_case.pk}
    if "{contact_id}" in path:  # a contact the worker recorded on their case, to correct
        from safetynet.cases.services import record_contact

        worker = get_user_model().objects.get(username="worker")
        recorded = record_contact(own_case, kind="phone", occurred_at=timezone.now(), minutes=5, by=worker)
        data["path_parameters"]["contact_id"] = recorded.pk
    now = timezone.now().isoformat()
    body = data.get("body", {})
    body.update({key: now for key, value in body.items() if value == NOW})
    headers = {}
    if username:
        token = issue_token(get_user_model().objects.get(username=username), scopes=list(SCOPES))[1]
        headers = bearer(token)
    response = schema[path][method].Case(**data).call_and_validate(headers=headers, checks=CHECKS)
    assert 200 <= response.status_code < 300, response.text


UNDOCUMENTED = ("OPTIONS", "TRACE", "PUT", "DELETE", "PATCH", "HEAD")
DOCUMENTED: dict[str, set[str]] = {}
for _operation in schema.get_all_operations():
    DOCUMENTED.setdefault(_operation.ok().path, set()).add(_operation.ok().method.upper())
REFUSALS = sorted(
    (path, method) for path, served in DOCUMENTED.items() for method in UNDOCUMENTED if method not in served
)


@pytest.mark.parametrize(("path", "method"), REFUSALS)
def test_it_answers_an_undocumented_method_with_405(path: str, method: str, tokens, own_case) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    url = path.replace("{pk}", str(own_case.pk)).replace("{contact_id}", "1").replace("{code}", "10010")
    response = Client().generic(method, url, HTTP_AUTHORIZATION=f"Bearer {tokens['worker']}")
    assert response.status_code == 405, f"{method} {path}"
    assert set(response["Allow"].replace(" ", "").split(",")) >= DOCUMENTED[path] - {"HEAD"}
