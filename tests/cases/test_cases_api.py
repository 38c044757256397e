"""The case API: record contacts and assessments with a token; bad input is a 422 per field, never a 500."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.cases.models import Assessment, Case, Contact
from safetynet.core.tokens import issue_token

pytestmark = pytest.mark.django_db


def open_case_of(username: str) -> Case:
    return Case.objects.open().filter(lead__user__username=username).order_by("pk").first()  # type: ignore[return-value]


@pytest.fixture
def api(client):  # type: ignore[no-untyped-def]
    def call(
        username: str,
        path: str,
        body: Any = None,
        scopes: tuple[str, ...] = ("read", "cases:write"),
        **headers: str,
    ):  # type: ignore[no-untyped-def]
        _, token = issue_token(get_user_model().objects.get(username=username), scopes=list(scopes))
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if body is None:
            return client.get(path, **auth)
        text = body if isinstance(body, str) else json.dumps(body)
        return client.post(path, text, content_type="application/json", **auth, **extra)

    return call


def visit(**changes: Any) -> dict[str, Any]:
    at = timezone.localtime() - datetime.timedelta(hours=1)
    return {"kind": "home_visit", "occurred_at": at.isoformat(), "minutes": 40, "place": "案家", **changes}


def test_it_records_a_home_visit_and_answers_with_the_next_visit_due(api) -> None:  # type: ignore[no-untyped-def]
    case = open_case_of("worker")
    response = api("worker", f"/api/v1/cases/{case.pk}/contacts", visit())
    assert response.status_code == 201, response.content
    body = response.json()
    contact = Contact.objects.get(pk=body["id"])
    assert contact.case_id == case.pk and contact.by.username == "worker"
    assert body["next_visit_due"] is not None
    assert datetime.datetime.fromisoformat(body["next_visit_due"]) > contact.occurred_at


def test_the_same_idempotency_key_returns_the_same_contact(api) -> None:  # type: ignore[no-untyped-def]
    case = open_case_of("worker")
    first = api("worker", f"/api/v1/cases/{case.pk}/contacts", visit(), **{"Idempotency-Key": "visit-1"})
    again = api("worker", f"/api/v1/cases/{case.pk}/contacts", visit(), **{"Idempotency-Key": "visit-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert Contact.objects.filter(idempotency_key="visit-1").count() == 1


def test_it_scores_a_bsrs5_and_raises_the_case_risk(api) -> None:  # type: ignore[no-untyped-def]
    case = open_case_of("worker")
    at = (timezone.localtime() - datetime.timedelta(minutes=30)).isoformat()
    body = {"instrument": "bsrs5", "assessed_at": at, "answers": {"items": [3, 3, 3, 3, 3], "suicide": 0}}
    response = api("worker", f"/api/v1/cases/{case.pk}/assessments", body)
    assert response.status_code == 201, response.content
    assert response.json() | {"id": 0, "next_visit_due": None} == {
        "id": 0,
        "case": case.pk,
        "instrument": "bsrs5",
        "total": 15,
        "band": "severe",
        "label": Assessment.objects.get(pk=response.json()["id"]).label,
        "risk": "high",
        "risk_level": "high",
        "next_visit_due": None,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("not json", "$"),
        ([1, 2], "$"),
        (visit(kind="letter"), "kind"),
        (visit(minutes=0), "minutes"),
        (visit(minutes="ten"), "minutes"),
        (visit(occurred_at="yesterday"), "occurred_at"),
        (visit(occurred_at=(timezone.now() + datetime.timedelta(days=2)).isoformat()), "occurred_at"),
        (visit(occurred_at="1999-01-01T10:00:00+08:00"), "occurred_at"),
        (visit(note=7), "note"),
    ],
)
def test_bad_contacts_answer_422_on_the_field_and_save_nothing(api, body: Any, field: str) -> None:  # type: ignore[no-untyped-def]
    case = open_case_of("worker")
    before = Contact.objects.count()
    response = api("worker", f"/api/v1/cases/{case.pk}/contacts", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert Contact.objects.count() == before


@pytest.mark.parametrize(
    "answers",
    [{"items": [5, 0, 0, 0, 0], "suicide": 0}, {"items": [1, 1, 1, 1], "suicide": 0}, {"items": "x"}, None],
)
def test_out_of_range_scores_answer_422_on_answers(api, answers: Any) -> None:  # type: ignore[no-untyped-def]
    case = open_case_of("worker")
    at = (timezone.localtime() - datetime.timedelta(minutes=5)).isoformat()
    body = {"instrument": "bsrs5", "assessed_at": at, "answers": answers}
    response = api("worker", f"/api/v1/cases/{case.pk}/assessments", body)
    assert response.status_code == 422
    assert "answers" in response.json()["errors"]


def test_a_case_of_another_unit_is_not_found_and_a_read_token_cannot_write(api) -> None:  # type: ignore[no-untyped-def]
    case = open_case_of("worker")
    assert api("otherunit", f"/api/v1/cases/{case.pk}").status_code == 404
    assert api("otherunit", f"/api/v1/cases/{case.pk}/contacts", visit()).status_code == 404
    assert api("worker", f"/api/v1/cases/{case.pk}").json()["id"] == case.pk
    assert api("worker", f"/api/v1/cases/{case.pk}/contacts", visit(), scopes=("read",)).status_code == 401


def test_an_administrator_edits_the_follow_up_frequencies_and_route_services(as_user) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin")
    assert admin.get("/admin/cases/followuprule/").status_code == 200
    assert admin.get("/admin/intake/routeservice/").status_code == 200
    assert admin.get("/admin/org/role/").status_code == 200
    assert as_user("manager").get("/admin/cases/followuprule/").status_code in (302, 403)


# --- correcting a contact (PATCH) -------------------------------------------------------------------


def patch(client, username: str, path: str, body: Any):  # type: ignore[no-untyped-def]
    _, token = issue_token(get_user_model().objects.get(username=username), scopes=["cases:write"])
    text = body if isinstance(body, str) else json.dumps(body)
    return client.patch(path, text, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def recorded(api) -> tuple[Case, int]:  # type: ignore[no-untyped-def]
    case = open_case_of("worker")
    response = api("worker", f"/api/v1/cases/{case.pk}/contacts", visit(note="原本的紀錄"))
    return case, response.json()["id"]


def test_its_author_corrects_a_contact_and_the_fields_left_out_keep_their_values(api, client) -> None:  # type: ignore[no-untyped-def]
    case, pk = recorded(api)
    response = patch(
        client, "worker", f"/api/v1/cases/{case.pk}/contacts/{pk}", {"version": 1, "minutes": 55}
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2 and response.json()["id"] == pk
    contact = Contact.objects.get(pk=pk)
    assert (contact.minutes, contact.note, contact.place, contact.kind) == (
        55,
        "原本的紀錄",
        "案家",
        "home_visit",
    )
    assert contact.revisions.get().minutes == 40


def test_a_stale_version_answers_409_with_the_current_one(api, client) -> None:  # type: ignore[no-untyped-def]
    case, pk = recorded(api)
    path = f"/api/v1/cases/{case.pk}/contacts/{pk}"
    assert patch(client, "worker", path, {"version": 1, "note": "第一次更正"}).status_code == 200
    stale = patch(client, "worker", path, {"version": 1, "note": "第二台裝置"})
    assert stale.status_code == 409 and stale.json()["version"] == 2
    assert Contact.objects.get(pk=pk).note == "第一次更正"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "version"),
        ({"version": "1"}, "version"),
        ({"version": 1, "minutes": "many"}, "minutes"),
        ({"version": 1, "minutes": 0}, "minutes"),
        ({"version": 1, "kind": "telepathy"}, "kind"),
        ({"version": 1, "occurred_at": "yesterday"}, "occurred_at"),
        ({"version": 1, "place": "x" * 101}, "place"),
        ({"version": 1, "note": 5}, "note"),
        ({"version": 1, "note": "a\x00b"}, "note"),
        ([1, 2], "$"),
        ("{", "$"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(api, client, body, field) -> None:  # type: ignore[no-untyped-def]
    case, pk = recorded(api)
    response = patch(client, "worker", f"/api/v1/cases/{case.pk}/contacts/{pk}", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert Contact.objects.get(pk=pk).version == 1


def test_another_accounts_contact_is_not_found(api, client) -> None:  # type: ignore[no-untyped-def]
    case, pk = recorded(api)
    assert (
        patch(client, "supervisor", f"/api/v1/cases/{case.pk}/contacts/{pk}", {"version": 1}).status_code
        == 404
    )
    other = Case.objects.open().exclude(pk=case.pk).filter(lead__user__username="worker").first()
    assert other is not None  # the worker's own other case: the contact is not on it
    assert (
        patch(client, "worker", f"/api/v1/cases/{other.pk}/contacts/{pk}", {"version": 1}).status_code == 404
    )
