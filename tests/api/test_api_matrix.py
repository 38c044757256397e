"""Every operation of the JSON API against every persona: the expected status of each cell is declared here.

An operation added to the API without a row in MATRIX fails `test_it_declares_every_operation`.
Each persona calls with a bearer token carrying exactly the scope the operation needs; anonymous sends
none. Operations on a case run against a case of each kind: the worker's own (朴子), a case of the other
unit (民雄), and a 家防中心 (FPC) case from an IPV report, which none of the demo personas works on.
Statuses: 200/201 ok, 401 no usable token, 403 a role without that kind of work, 404 out of scope
(a case or county the account may not see answers as one that does not exist).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from safetynet.api import api
from safetynet.core.tokens import issue_token
from safetynet.demo.generator import PERSONAS
from safetynet.org.models import AccessKind, Staff
from tests import test_access_matrix as pages
from tests.test_access_matrix import ALL, ANON, routed_case, screened_report, worker_case


def row(default: int, anonymous: int = 401, **overrides: int) -> dict[str, int]:
    """A row of the page matrix's shape; the API answers the anonymous caller 401, not a redirect."""
    return pages.row(default, anonymous, **overrides)


def other_unit_case():  # type: ignore[no-untyped-def]
    """A 民雄 case worked by the `otherunit` persona (lead, or co-worker if the unit's auto-dispatch chose
    someone else)."""
    from safetynet.cases.services import assign_case, set_co_workers
    from safetynet.domain.casestatus import CaseStatus

    case = screened_report(town="10010050").case_links.get().case
    mine = Staff.objects.get(user__username="otherunit")
    admin = get_user_model().objects.get(username="admin")
    if case.status == CaseStatus.PENDING:
        return assign_case(case, mine, by=admin)
    if case.lead_id != mine.pk:
        return set_co_workers(case, [mine], version=case.version, by=admin)
    return case


def fpc_case():  # type: ignore[no-untyped-def]
    """A 家防中心 case opened from a violence report in 朴子: the 朴子 supervisor and workers are not on it."""
    return routed_case("FPC", ["IPV"])


REPORT = {
    "received_at": "2021-11-24T09:00:00+08:00",
    "area": "10010",
    "source": "113",
    "subjects": [{"ref": "c", "role": "child", "types": ["VF"], "town": "10010020"}],
}


def contact() -> dict[str, Any]:
    return {"kind": "phone", "occurred_at": timezone.now().isoformat(), "minutes": 5}


def assessment() -> dict[str, Any]:
    return {"instrument": "psychiatric", "answers": {"level": 3}, "assessed_at": timezone.now().isoformat()}


CASES: dict[str, Callable[[], Any]] = {"worker": worker_case, "other_unit": other_unit_case, "fpc": fpc_case}
# Roles without case work (screener, manager, partner, reviewer, admin) get 403 whatever the case;
# case staff get 404 for a case that is not theirs to see.
NO_CASE_WORK = {"screener": 403, "manager": 403, "partner": 403, "reviewer": 403, "admin": 403}
CASE_READ = {
    "worker": row(404, worker=200, supervisor=200, **NO_CASE_WORK),
    "other_unit": row(404, otherunit=200, **NO_CASE_WORK),
    "fpc": row(404, **NO_CASE_WORK),
}
CASE_WRITE = {
    "worker": row(404, worker=201, supervisor=201, **NO_CASE_WORK),
    "other_unit": row(404, otherunit=201, **NO_CASE_WORK),
    "fpc": row(404, **NO_CASE_WORK),
}
# A contact is corrected by its author only: anyone else who sees the case gets the 404 of a missing one.
CONTACT_AUTHOR = {"worker": "worker", "other_unit": "otherunit", "fpc": "admin"}
CONTACT_EDIT = {
    "worker": row(404, worker=200, **NO_CASE_WORK),
    "other_unit": row(404, otherunit=200, **NO_CASE_WORK),
    "fpc": row(404, **NO_CASE_WORK),
}


def contact_on(case: Any, target: str) -> str:
    """A contact recorded on the target case by its author (on the FPC case, by an account that is none
    of the case staff personas), for a correction to name."""
    from safetynet.cases.services import record_contact

    author = get_user_model().objects.get(username=CONTACT_AUTHOR[target])
    return str(record_contact(case, kind="phone", occurred_at=timezone.now(), minutes=5, by=author).pk)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as the schema publishes it; `{pk}` is the target case's key
    scope: str | None  # None: public, no token sent
    expected: dict[str, dict[str, int]]  # target ("-" when the operation takes no case) → persona → status
    body: Callable[[], Any] | None = None
    query: dict[str, str] = field(default_factory=dict)
    path_params: dict[str, str] = field(default_factory=dict)


# operationId → the operation and its expected statuses
MATRIX: dict[str, Operation] = {
    "safetynet_core_api_me": Operation("get", "/api/v1/me", "read", {"-": row(200)}),
    # Reference geography is public data: anyone, with or without a token.
    "safetynet_geo_api_list_counties": Operation("get", "/api/v1/geo/counties", None, {"-": row(200, 200)}),
    "safetynet_geo_api_list_towns": Operation(
        "get", "/api/v1/geo/counties/{code}/towns", None, {"-": row(200, 200)}, path_params={"code": "10010"}
    ),
    # Any account holding a `reports:write` token may report (責任通報 comes from every kind of staff).
    "safetynet_intake_api_receive": Operation(
        "post", "/api/v1/reports", "reports:write", {"-": row(201)}, body=lambda: REPORT
    ),
    # 我的個案: case staff list their own cases (a supervisor the unit's); other roles have none to list.
    "safetynet_cases_api_case_list": Operation(
        "get", "/api/v1/cases", "read", {"-": row(200, **NO_CASE_WORK)}
    ),
    "safetynet_cases_api_case_detail": Operation("get", "/api/v1/cases/{pk}", "read", CASE_READ),
    "safetynet_cases_api_record_contact": Operation(
        "post", "/api/v1/cases/{pk}/contacts", "cases:write", CASE_WRITE, body=contact
    ),
    "safetynet_cases_api_edit_contact": Operation(
        "patch",
        "/api/v1/cases/{pk}/contacts/{contact_id}",
        "cases:write",
        CONTACT_EDIT,
        body=lambda: {"version": 1, "minutes": 45, "note": "更正"},
    ),
    "safetynet_cases_api_record_assessment": Operation(
        "post", "/api/v1/cases/{pk}/assessments", "cases:write", CASE_WRITE, body=assessment
    ),
    # The partner directory is open to every account, as its web page is.
    "safetynet_referrals_api_directory_services": Operation(
        "get", "/api/v1/directory/services", "read", {"-": row(200)}
    ),
    # Aggregates: supervisors, managers, administrators and central reviewers; others see no county.
    "safetynet_indicators_api_indicators": Operation(
        "get",
        "/api/v1/indicators",
        "read",
        {"-": row(403, supervisor=200, manager=200, reviewer=200, admin=200)},
        query={"area": "10010", "year": "110"},
    ),
}


def schema_operations() -> dict[str, str]:
    """operationId → "METHOD path" of every operation the OpenAPI schema publishes."""
    return {
        spec["operationId"]: f"{method.upper()} {path}"
        for path, methods in api.get_openapi_schema()["paths"].items()
        for method, spec in methods.items()
    }


def test_it_declares_every_operation() -> None:
    assert set(schema_operations()) == set(MATRIX)


def test_it_declares_each_operation_at_its_published_path() -> None:
    assert schema_operations() == {oid: f"{op.method.upper()} {op.path}" for oid, op in MATRIX.items()}


def call(operation: Operation, persona: str, url: str) -> int:
    headers = {}
    if persona != ANON and operation.scope is not None:
        user = get_user_model().objects.get(username=persona)
        _, token = issue_token(user, scopes=[operation.scope])
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    client = Client()
    if operation.method == "get":
        response = client.get(url, operation.query, **headers)
    else:
        body = json.dumps(operation.body() if operation.body else {})
        send = getattr(client, operation.method)
        response = send(url, body, content_type="application/json", **headers)
    if response.status_code == 401:
        assert response.json() == {"detail": "Unauthorized"}  # nothing about why, whose, or which token
    return response.status_code


TARGETS = [(oid, target) for oid in sorted(MATRIX) for target in MATRIX[oid].expected]


@pytest.mark.django_db
@pytest.mark.parametrize(("operation_id", "target"), TARGETS, ids=[f"{o}-{t}" for o, t in TARGETS])
def test_it_answers_each_persona_as_declared(operation_id: str, target: str) -> None:
    operation = MATRIX[operation_id]
    params = dict(operation.path_params)
    if target != "-":
        case = CASES[target]()
        params["pk"] = str(case.pk)
        if "{contact_id}" in operation.path:
            params["contact_id"] = contact_on(case, target)
    url = operation.path.format(**params)
    answered = {persona: call(operation, persona, url) for persona in ALL}
    assert answered == operation.expected[target]


@pytest.mark.django_db
def test_it_builds_the_cases_it_claims() -> None:
    """The targets are what their names say, so a cell of 404 means "not theirs", not "no such case"."""
    mine, other, fpc = worker_case(), other_unit_case(), fpc_case()
    assert mine.lead.user.username == "worker"
    assert other.unit_id == Staff.objects.get(user__username="otherunit").unit_id != mine.unit_id
    assert "otherunit" in {
        other.lead.user.username,
        *other.co_workers.values_list("user__username", flat=True),
    }
    assert fpc.route == "FPC" and fpc.unit.kind != mine.unit.kind
    assert not Staff.objects.filter(unit=fpc.unit, user__username__in=[p.username for p in PERSONAS]).exists()
    assert Staff.objects.get(user__username="supervisor").role.kind == AccessKind.SUPERVISOR
