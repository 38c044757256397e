"""`GET /api/v1/cases`: the token's account's cases as 我的個案 lists them; bad query values are a 422 per
field, never a 500; the listing is logged like the page's."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from safetynet.audit.models import Action, AuditEntry
from safetynet.cases.models import OPEN_STATUSES, Case
from safetynet.core.access import cases_in_scope
from safetynet.core.tokens import issue_token
from safetynet.domain.casestatus import CaseStatus
from tests.cases.test_mine import add_cases, clock, listed, staff

pytestmark = pytest.mark.django_db


def get(
    username: str | None, query: dict[str, str] | None = None, scopes: tuple[str, ...] = ("read",)
) -> Any:
    headers = {}
    if username:
        _, token = issue_token(get_user_model().objects.get(username=username), scopes=list(scopes))
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client().get("/api/v1/cases", query or {}, **headers)


def test_it_lists_the_workers_open_cases_in_the_order_of_the_page(as_user) -> None:  # type: ignore[no-untyped-def]
    late, soon = add_cases(staff("worker"), 2, route="MHSW", risk="medium", name="介面個案")
    clock(late, -1)
    clock(soon, 2)
    response = get("worker", {"limit": "200"})
    assert response.status_code == 200
    body = response.json()
    own = cases_in_scope(staff("worker")).filter(status__in=OPEN_STATUSES)
    assert body["count"] == own.count() == len(body["items"])
    assert [item["id"] for item in body["items"]] == listed(as_user("worker").get("/cases/"))
    item = next(i for i in body["items"] if i["id"] == late.pk)
    assert set(item) == {"id", "person", "route", "status", "risk", "next_due"}
    assert item["person"] == {"id": late.person_id, "name": late.person.name}
    assert item["route"] == {"code": "MHSW", "name": "心衛社工"}
    assert (item["status"], item["risk"]) == ("serving", "medium")
    assert item["next_due"] == late.clocks.get().due_at.isoformat()
    assert body["items"].index(item) < [i["id"] for i in body["items"]].index(soon.pk)


def test_a_case_without_risk_or_clock_answers_null() -> None:
    bare = add_cases(staff("worker"), 1, name="空白個案")[0]
    item = next(i for i in get("worker", {"limit": "200"}).json()["items"] if i["id"] == bare.pk)
    assert item["risk"] is None and item["next_due"] is None


def test_it_filters_by_status_and_pages_with_limit_and_offset() -> None:
    worker = staff("worker")
    closed = add_cases(worker, 3, status=CaseStatus.CLOSED, name="結案個案")
    everything = get("worker", {"status": "all", "limit": "200"}).json()
    assert everything["count"] == cases_in_scope(worker).count()
    gone = get("worker", {"status": "closed", "limit": "200"}).json()
    assert {c.pk for c in closed} <= {i["id"] for i in gone["items"]}
    assert all(i["status"] in ("closed", "not_opened") for i in gone["items"])
    ids = [i["id"] for i in everything["items"]]
    window = get("worker", {"status": "all", "limit": "2", "offset": "1"}).json()
    assert [i["id"] for i in window["items"]] == ids[1:3] and window["count"] == everything["count"]
    past = get("worker", {"status": "all", "offset": "999999999999"}).json()
    assert past == {"items": [], "count": everything["count"]}


def test_a_supervisor_lists_the_unit_and_a_role_without_case_work_gets_403() -> None:
    unit = staff("supervisor").unit
    body = get("supervisor", {"limit": "200"}).json()
    assert body["count"] == Case.objects.filter(unit=unit, status__in=OPEN_STATUSES).count()
    for persona in ("manager", "screener", "partner", "reviewer", "admin"):
        response = get(persona)
        assert response.status_code == 403 and response.json() == {"detail": "Forbidden"}, persona


def test_it_takes_a_read_or_a_case_writing_token_and_nothing_else() -> None:
    assert get("worker", scopes=("cases:write",)).status_code == 200
    for response in (get("worker", scopes=("reports:write",)), get(None)):
        assert response.status_code == 401 and response.json() == {"detail": "Unauthorized"}


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"status": "zzz"}, {"status": "expected one of open, closed, all"}),
        ({"limit": "0"}, {"limit": "expected 1 to 200"}),
        ({"limit": "201"}, {"limit": "expected 1 to 200"}),
        (
            {"limit": "ten", "offset": "-1"},
            {"limit": "expected 1 to 200", "offset": "expected a whole number"},
        ),
        ({"offset": "9" * 5000}, {"offset": "expected a whole number"}),
        (
            {"status": "open\x00", "limit": "１０"},
            {"status": "expected one of open, closed, all", "limit": "expected 1 to 200"},
        ),
    ],
)
def test_it_answers_bad_values_with_a_message_per_field(
    query: dict[str, str], errors: dict[str, str]
) -> None:
    response = get("worker", query)
    assert response.status_code == 422
    assert response.json() == {"errors": errors}


def test_it_logs_the_persons_it_listed() -> None:
    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    body = get("worker", {"limit": "3"}).json()
    named = {
        pk
        for e in AuditEntry.objects.filter(seq__gt=last, action=Action.READ, object_type="cases.case")
        for pk in e.subject_ids
    }
    assert named == {i["person"]["id"] for i in body["items"]} and named
    assert AuditEntry.objects.filter(seq__gt=last, action=Action.API).exists()
