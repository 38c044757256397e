"""The screening desk's form: typed fields in, a report and its suggestion out; bad input on its field."""

from __future__ import annotations

import pytest

from safetynet.intake.models import Report
from safetynet.people.models import Person

pytestmark = pytest.mark.django_db


def form_data(**subject: str) -> dict[str, object]:
    data: dict[str, object] = {
        "received_on": "115/1/5",
        "received_time": "08:30",
        "source": "113",
        "narrative": "學童多日未到校",
        "reporter": "",
        "subjects-TOTAL_FORMS": "3",
        "subjects-INITIAL_FORMS": "0",
        "subjects-MIN_NUM_FORMS": "1",
        "subjects-MAX_NUM_FORMS": "1000",
    }
    base = {"role": "child", "name": "林測試", "birth_date": "105/3/4", "town": "10010020", "types": "VF"}
    data.update({f"subjects-0-{k}": v for k, v in {**base, **subject}.items()})
    return data


def test_a_typed_report_is_recorded_with_its_suggestion(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("screener").post("/intake/new/", form_data())
    assert response.status_code == 302, response.context and response.context["subjects"].errors
    report = Report.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert report.channel == "web" and report.source == "113"
    assert [r["route"] for r in report.suggestion["routes"]] == ["SWC"]
    subject = report.subjects.get()
    assert subject.person.name == "林測試" and subject.town_id == "10010020"


def test_a_person_picked_among_the_candidates_is_used_not_duplicated(as_user) -> None:  # type: ignore[no-untyped-def]
    person = Person.objects.filter(town_id="10010020", birth_date__isnull=False).order_by("pk").first()
    assert person is not None
    birth = f"{person.birth_date.year - 1911}/{person.birth_date.month}/{person.birth_date.day}"
    found = as_user("screener").get(
        "/intake/candidates/",
        {"prefix": "subjects-0", "subjects-0-name": person.name, "subjects-0-birth_date": birth},
    )
    assert person in found.context["found"]
    before = Person.objects.count()
    data = form_data(name=person.name, birth_date=birth, person=str(person.pk))
    assert as_user("screener").post("/intake/new/", data).status_code == 302
    assert Person.objects.count() == before
    assert Report.objects.latest("pk").subjects.get().person == person


@pytest.mark.parametrize(
    ("field", "value", "error_on"),
    [
        ("subjects-0-national_id", "A123456788", "national_id"),
        ("subjects-0-birth_date", "105/2/30", "birth_date"),
        ("subjects-0-types", "", "types"),
        ("received_on", "130/1/1", "received_on"),
    ],
)
def test_bad_input_is_shown_on_its_field_and_saves_nothing(as_user, field, value, error_on) -> None:  # type: ignore[no-untyped-def]
    before = Report.objects.count()
    data = form_data()
    data[field] = value
    response = as_user("screener").post("/intake/new/", data)
    assert response.status_code == 200
    errors = {**response.context["form"].errors, **response.context["subjects"].forms[0].errors}
    assert error_on in errors
    assert Report.objects.count() == before
