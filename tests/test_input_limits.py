"""Input that used to end in a 500: ids beyond what the database stores in the forms that pick records,
JSON nested without end or holding text no column stores. Each is a field error naming the limit, and
nothing is saved.
"""

from __future__ import annotations

import json

import pytest
from django.http import HttpRequest
from django.utils import timezone

from safetynet.cases.models import Case, Contact, SupervisionSession
from safetynet.intake.models import Report
from tests.cases.test_contacts import worker_case
from tests.cases.test_supervision import form_data as supervision_form
from tests.intake.test_report_form import form_data as report_form
from tests.test_bad_input import api_post

pytestmark = pytest.mark.django_db

MAX_DEPTH = 32  # the API's limit, as its message names it

# One past the largest id SQLite and PostgreSQL store (a signed 64-bit integer), and its mirror.
HUGE_IDS = ["9223372036854775808", "-9223372036854775809", "1" + "0" * 40]


# --- ids beyond the database's integers -------------------------------------------------------------


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_a_co_worker_id_beyond_the_databases_integers_is_a_field_error(as_user, huge: str) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    response = as_user("worker").post(
        f"/cases/{case.pk}/co-workers/", {"cw-version": case.version, "cw-co_workers": [huge]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["co_workers"]
    assert not Case.objects.get(pk=case.pk).co_workers.exists()


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_an_attendee_id_beyond_the_databases_integers_is_a_field_error(as_user, huge: str) -> None:  # type: ignore[no-untyped-def]
    before = SupervisionSession.objects.count()
    response = as_user("supervisor").post("/cases/supervision/new/", supervision_form(attendees=[huge]))
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"]
    assert SupervisionSession.objects.count() == before


def test_a_person_picked_by_an_id_beyond_the_databases_integers_is_a_field_error(as_user) -> None:  # type: ignore[no-untyped-def]
    before = Report.objects.count()
    response = as_user("screener").post("/intake/new/", report_form(person=HUGE_IDS[0]))
    assert response.status_code == 200
    assert response.context["subjects"].forms[0].errors["person"]
    assert Report.objects.count() == before


# --- JSON nested without end ----------------------------------------------------------------------------


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_a_body_nested_100000_deep_is_refused_naming_the_limit() -> None:
    case = worker_case()
    body = '{"kind": "phone", "minutes": 5, "note": ' + nested(100_000) + "}"
    response = api_post(f"/api/v1/cases/{case.pk}/contacts", body, "worker", "cases:write")
    assert response.status_code == 422
    assert response.json() == {"errors": {"$": f"nested deeper than {MAX_DEPTH} levels"}}
    assert not Contact.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("url", "username", "scope"),
    [
        ("/api/v1/reports", "screener", "reports:write"),
        ("/api/v1/cases/{case}/assessments", "worker", "cases:write"),
        ("/api/v1/cases/{case}/contacts", "worker", "cases:write"),
    ],
)
def test_every_operation_that_reads_json_refuses_it_nested_too_deep(
    url: str, username: str, scope: str
) -> None:
    target = url.format(case=worker_case().pk) if "{case}" in url else url
    response = api_post(target, nested(MAX_DEPTH + 1), username, scope)
    assert response.status_code == 422
    assert response.json() == {"errors": {"$": f"nested deeper than {MAX_DEPTH} levels"}}


def test_brackets_inside_text_are_not_nesting() -> None:
    case = worker_case()
    body = {
        "kind": "phone",
        "occurred_at": timezone.now().isoformat(),
        "minutes": 5,
        "note": "[" * 100 + '{"' + "\\" * 3,
    }
    response = api_post(f"/api/v1/cases/{case.pk}/contacts", json.dumps(body), "worker", "cases:write")
    assert response.status_code == 201
    assert Contact.objects.get(case=case).note == body["note"]


def test_text_with_an_unpaired_surrogate_is_refused_naming_the_field() -> None:
    case = worker_case()
    body = {"kind": "phone", "occurred_at": timezone.now().isoformat(), "minutes": 5, "note": "a\ud800b"}
    response = api_post(f"/api/v1/cases/{case.pk}/contacts", json.dumps(body), "worker", "cases:write")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["note"]
    assert not Contact.objects.filter(case=case).exists()


def request_with(body: bytes) -> HttpRequest:
    request = HttpRequest()
    request._body = body  # noqa: SLF001 - what Django keeps as the read body
    return request


def test_the_apis_own_parser_keeps_the_same_limits() -> None:
    from safetynet.core.schemas import BadBody, JsonParser

    parser = JsonParser()
    with pytest.raises(BadBody, match="nested deeper"):
        parser.parse_body(request_with(nested(100_000).encode()))
    assert parser.parse_body(request_with(b'{"a": [[1]]}')) == {"a": [[1]]}


def test_the_api_reads_bodies_with_that_parser() -> None:
    from safetynet.api import api
    from safetynet.core.schemas import JsonParser

    assert isinstance(api.parser, JsonParser)
