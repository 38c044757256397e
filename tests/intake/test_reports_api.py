from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safetynet.core.tokens import issue_token
from safetynet.domain import nationalid
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


# --- no national-ID oracle: a refusal is the same whether the ID is on file or not ----------------------


def known_national_id() -> str:
    person = Person.objects.exclude(national_id_index="").order_by("pk").first()
    assert person is not None
    return person.national_id


def unknown_national_id() -> str:
    for serial in range(10_000_000, 10_001_000):
        prefix = f"A1{serial:07d}"[:9]
        candidate = prefix + str(nationalid.check_digit(prefix))
        if not Person.objects.with_national_id(candidate).exists():
            return candidate
    raise AssertionError("no free national ID")


# Faults of a subject that only a person record (never the registers) could notice.
FAULTS = [
    pytest.param({"birth_date": "2021-02-30"}, id="impossible-birth-date"),
    pytest.param({"birth_date": "2999-01-01"}, id="future-birth-date"),
    pytest.param({"name": "\ud800"}, id="unstorable-name"),  # JSON's escape of an unpaired surrogate
]


def with_ids(*subjects: dict[str, Any]) -> dict[str, Any]:
    return {**REPORT, "subjects": list(subjects)}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_refused_report_answers_the_same_for_a_known_and_an_unknown_national_id(post, fault) -> None:  # type: ignore[no-untyped-def]
    before = (Report.objects.count(), Person.objects.count(), ReportSubject.objects.count())
    victim = REPORT["subjects"][0]
    answers = [
        post(with_ids({**victim, "national_id": nid, **fault}))
        for nid in (known_national_id(), unknown_national_id())
    ]
    assert [a.status_code for a in answers] == [422, 422]
    assert answers[0].json() == answers[1].json()
    assert (Report.objects.count(), Person.objects.count(), ReportSubject.objects.count()) == before


@pytest.mark.parametrize("fault", FAULTS)
def test_with_two_subjects_the_refusal_does_not_say_which_is_on_file(post, fault) -> None:  # type: ignore[no-untyped-def]
    before = (Report.objects.count(), Person.objects.count(), ReportSubject.objects.count())
    victim, respondent = REPORT["subjects"]
    known, unknown = known_national_id(), unknown_national_id()
    answers = [
        post(
            with_ids(
                {**victim, "national_id": first, **fault}, {**respondent, "national_id": second, **fault}
            )
        )
        for first, second in ((known, unknown), (unknown, known))
    ]
    assert [a.status_code for a in answers] == [422, 422]
    assert answers[0].json() == answers[1].json()
    assert (Report.objects.count(), Person.objects.count(), ReportSubject.objects.count()) == before


def test_a_refused_report_looks_nobody_up_by_national_id(post) -> None:  # type: ignore[no-untyped-def]
    subject = {**REPORT["subjects"][0], "national_id": known_national_id(), "birth_date": "2021-02-30"}
    with CaptureQueriesContext(connection) as queries:
        response = post(with_ids(subject))
    assert response.status_code == 422
    assert [q["sql"] for q in queries if "national_id_index" in q["sql"]] == []


def test_it_needs_a_token_with_the_write_scope(client) -> None:  # type: ignore[no-untyped-def]
    _, token = issue_token(get_user_model().objects.get(username="screener"), scopes=["read"])
    response = client.post(
        "/api/v1/reports",
        json.dumps(REPORT),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 401


# --- report types: a respondent or family member may leave them to the report ----------------------


def ipv(*subjects: dict[str, Any]) -> dict[str, Any]:
    return {**REPORT, "subjects": list(subjects)}


VICTIM = {"ref": "v", "role": "victim", "types": ["IPV"], "town": "10010050", "name": "林曉薇"}


def test_a_respondent_without_types_takes_the_victims_type_of_violence(post) -> None:  # type: ignore[no-untyped-def]
    response = post(ipv(VICTIM, {"ref": "r", "role": "respondent", "name": "張志豪"}))
    assert response.status_code == 201, response.json()
    report = Report.objects.get(pk=response.json()["id"])
    assert dict(report.subjects.values_list("ref", "types")) == {"v": ["IPV"], "r": ["IPV"]}
    assert {(r["subject"], r["route"]) for r in response.json()["decision"]["routes"]} == {
        ("v", "FPC"),
        ("r", "NONE"),
    }


def test_an_empty_list_of_types_is_the_same_as_none(post) -> None:  # type: ignore[no-untyped-def]
    response = post(ipv(VICTIM, {"ref": "f", "role": "family", "types": []}))
    assert response.status_code == 201
    assert ReportSubject.objects.get(report_id=response.json()["id"], ref="f").types == ["IPV"]


def test_only_the_types_of_violence_pass_not_the_victims_own(post) -> None:  # type: ignore[no-untyped-def]
    victim = {**VICTIM, "types": ["IPV", "SU"]}  # 合併自殺意念: the victim's, not the respondent's
    response = post(ipv(victim, {"ref": "r", "role": "respondent"}))
    assert ReportSubject.objects.get(report_id=response.json()["id"], ref="r").types == ["IPV"]
    assert not any(r["subject"] == "r" and r["route"] == "CV" for r in response.json()["decision"]["routes"])


def test_a_respondent_keeps_the_types_given_to_them(post) -> None:  # type: ignore[no-untyped-def]
    response = post(ipv(VICTIM, {"ref": "r", "role": "respondent", "types": ["DR"]}))
    assert ReportSubject.objects.get(report_id=response.json()["id"], ref="r").types == ["DR"]


@pytest.mark.parametrize(
    ("subjects", "field"),
    [
        ([{"ref": "v", "role": "victim"}], "subjects[0].types"),
        ([{"ref": "c", "role": "child", "types": []}], "subjects[0].types"),
        ([{"ref": "r", "role": "respondent"}], "subjects[0].types"),
        (
            [{"ref": "c", "role": "child", "types": ["VF"]}, {"ref": "f", "role": "family"}],
            "subjects[1].types",
        ),
        ([{"ref": "v", "role": "victim", "types": "IPV"}], "subjects[0].types"),
    ],
)
def test_a_report_where_a_subject_has_no_type_to_take_is_refused_at_that_path(post, subjects, field) -> None:  # type: ignore[no-untyped-def]
    before = Report.objects.count()
    response = post(ipv(*subjects))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert Report.objects.count() == before


def test_the_contract_says_types_are_optional_for_the_others(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/reports"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    subject = body["properties"]["subjects"]["items"]
    assert subject["required"] == ["ref", "role"]
    assert "respondent or family member" in subject["properties"]["types"]["description"]
