from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from safetynet.core.tokens import issue_token
from safetynet.intake.models import Report, ReportSubject
from safetynet.people.models import Person, Registry, RegistryEntry

pytestmark = pytest.mark.django_db

REPORT: dict[str, Any] = {
    "received_at": "2021-11-24T09:00:00+08:00",
    "area": "10010",
    "source": "113",
    "narrative": "鄰居聽到孩子哭喊",
    "subjects": [
        {"ref": "c1", "role": "victim", "types": ["CP"], "town": "10010020", "flags": ["imminent_danger"]},
        {"ref": "p1", "role": "respondent", "types": ["CP"], "town": "10010020", "name": "某甲"},
    ],
}


@pytest.fixture
def post(client):  # type: ignore[no-untyped-def]
    _, token = issue_token(get_user_model().objects.get(username="screener"), scopes=["reports:write"])

    def send(body: Any, **headers: str):  # type: ignore[no-untyped-def]
        text = body if isinstance(body, str) else json.dumps(body)
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        return client.post(
            "/api/v1/reports",
            text,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            **extra,
        )

    return send


def test_it_records_a_report_with_its_suggested_decision(post) -> None:  # type: ignore[no-untyped-def]
    response = post(REPORT)
    assert response.status_code == 201
    body = response.json()
    report = Report.objects.get(pk=body["id"])
    assert report.rule_set == "v1"
    assert report.narrative == "鄰居聽到孩子哭喊"
    assert {r["route"] for r in body["decision"]["routes"]} >= {"FPC"}
    assert report.screening_due.isoformat() == "2021-11-25T01:00:00+00:00"
    assert list(report.subjects.values_list("ref", "matched_by")) == [("c1", "new"), ("p1", "new")]


@pytest.mark.parametrize("username", ["worker", "partner", "reviewer"])
def test_a_reporter_outside_the_screening_desk_does_not_learn_the_decision(client, username: str) -> None:  # type: ignore[no-untyped-def]
    # The decision reads the registers: it would tell whether this national ID is a psychiatric patient's.
    registered = RegistryEntry.objects.filter(registry=Registry.PSYCHIATRIC).first()
    assert registered is not None
    subject = {**REPORT["subjects"][0], "national_id": registered.national_id}
    _, token = issue_token(get_user_model().objects.get(username=username), scopes=["reports:write"])
    response = client.post(
        "/api/v1/reports",
        json.dumps({**REPORT, "subjects": [subject]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["decision"] is None
    assert Report.objects.get(pk=body["id"]).suggestion["routes"]  # decided all the same, for the desk


def test_it_matches_a_known_person_by_national_id(post) -> None:  # type: ignore[no-untyped-def]
    known = Person.objects.exclude(national_id_index="").first()
    body = {**REPORT, "subjects": [{**REPORT["subjects"][0], "national_id": known.national_id.lower()}]}
    report_id = post(body).json()["id"]
    subject = ReportSubject.objects.get(report_id=report_id)
    assert (subject.person, subject.matched_by) == (known, "national_id")


def test_it_returns_the_same_report_for_the_same_idempotency_key(post) -> None:  # type: ignore[no-untyped-def]
    first = post(REPORT, **{"Idempotency-Key": "abc-1"})
    again = post(REPORT, **{"Idempotency-Key": "abc-1"})
    assert first.json()["id"] == again.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert Report.objects.filter(pk=first.json()["id"]).count() == 1
    assert post(REPORT, **{"Idempotency-Key": "abc-2"}).json()["id"] != first.json()["id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{oops", "$"),
        ("[]", "$"),
        ({**REPORT, "received_at": "2999-01-01T00:00:00+08:00"}, "received_at"),
        ({**REPORT, "area": "1"}, "area"),
        ({**REPORT, "subjects": [{"ref": "x", "role": "king", "types": ["CP"]}]}, "subjects[0].role"),
        (
            {
                **REPORT,
                "subjects": [{"ref": "x", "role": "victim", "types": ["CP"], "birth_date": "2999-01-01"}],
            },
            "subjects[0].birth_date",
        ),
        ({**REPORT, "narrative": 5}, "narrative"),
    ],
)
def test_it_answers_422_naming_the_field_and_saves_nothing(post, body: Any, field: str) -> None:  # type: ignore[no-untyped-def]
    before = (Report.objects.count(), Person.objects.count())
    response = post(body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert (Report.objects.count(), Person.objects.count()) == before


def test_it_needs_a_token_with_the_write_scope(client) -> None:  # type: ignore[no-untyped-def]
    _, token = issue_token(get_user_model().objects.get(username="screener"), scopes=["read"])
    response = client.post(
        "/api/v1/reports",
        json.dumps(REPORT),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 401
