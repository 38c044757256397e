"""What a sexual-assault case leaves in the database's own columns: ciphertext with its key id, never
the national ID, phone, address or the notes; the ID is found through its blind index only."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldError
from django.db import connection
from django.utils import timezone

from safetynet.cases.services import assign_case, record_contact
from safetynet.intake.services import receive_report, screen_report
from safetynet.org.models import AccessKind, Staff
from safetynet.people.models import Person
from safetynet.people.services import PersonData, update_person

pytestmark = pytest.mark.django_db
NATIONAL_ID = "A223456781"
SECRETS = {
    "national_id": NATIONAL_ID,
    "phone": "0912-345-678",
    "address": "嘉義縣朴子市開元路 99 號",
    "narrative": "案主於宿舍遭學長性侵",
    "note": "案主表示加害人仍在宿舍出入",
}


def sexual_assault_case():  # type: ignore[no-untyped-def]
    users = get_user_model().objects
    screener = users.get(username="screener")
    subject = {
        "ref": "v",
        "role": "victim",
        "types": ["SA"],
        "town": "10010020",
        "name": "王小萍",
        "national_id": NATIONAL_ID,
    }
    document = {
        "received_at": timezone.localtime().isoformat(),
        "area": "10010",
        "source": "113",
        "narrative": SECRETS["narrative"],
        "subjects": [subject],
    }
    report = receive_report(document, by=screener).report
    person = report.subjects.get().person
    update_person(
        person,
        PersonData(
            name=person.name,
            sex=person.sex,
            national_id=NATIONAL_ID,
            phones=[SECRETS["phone"]],
            town=person.town,
            address=SECRETS["address"],
        ),
    )
    screen_report(report, by=screener)
    case = report.case_links.get(case__route="FPC").case
    if case.lead is None:
        worker = Staff.objects.filter(
            unit=case.unit, role__kind=AccessKind.CASEWORKER, user__isnull=False
        ).first()
        boss = Staff.objects.filter(
            unit=case.unit, role__kind=AccessKind.SUPERVISOR, user__isnull=False
        ).first()
        case = assign_case(case, worker, by=boss.user)
    worker = case.lead
    record_contact(
        case, kind="home_visit", occurred_at=timezone.now(), minutes=40, note=SECRETS["note"], by=worker.user
    )
    return report, case


def raw(table: str, column: str, where: str, value: object) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {where} = %s", [value])  # noqa: S608 - fixed names
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def test_a_sexual_assault_case_is_ciphertext_in_every_sensitive_column() -> None:
    report, case = sexual_assault_case()
    person = case.person
    contact = case.contacts.get()
    active = settings.FIELD_KEYS.active_id
    columns = [
        ("people_person", "national_id", "id", person.pk),
        ("people_person", "phones", "id", person.pk),
        ("people_person", "address", "id", person.pk),
        ("intake_report", "narrative", "id", report.pk),
        ("cases_contact", "note", "id", contact.pk),
    ]
    stored = {column: raw(table, column, key, value) for table, column, key, value in columns}
    for column, text in stored.items():
        assert text.startswith(f"v1:{active}:"), column
        for secret in SECRETS.values():
            assert secret not in text, column
    # The instance reads the plain text back.
    person.refresh_from_db()
    assert (person.national_id, person.address) == (NATIONAL_ID, SECRETS["address"])
    assert contact.note == SECRETS["note"]


def test_a_national_id_is_found_through_the_blind_index_only() -> None:
    _, case = sexual_assault_case()
    assert Person.objects.with_national_id(NATIONAL_ID).get() == case.person
    index = raw("people_person", "national_id_index", "id", case.person.pk)
    assert NATIONAL_ID not in index and len(index) == 32
    with pytest.raises(FieldError):
        Person.objects.filter(national_id=NATIONAL_ID).exists()
    with pytest.raises(FieldError):
        Person.objects.filter(national_id__contains="A2").exists()
