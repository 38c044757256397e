from __future__ import annotations

import pytest

from safetynet.people.models import Person

pytestmark = pytest.mark.django_db

FORM = {
    "name": "王小明",
    "sex": "M",
    "birth_date": "110.11.24",
    "national_id": "",
    "phones": "0912-345-678",
    "town": "10010020",
    "address": "朴子市",
}


def test_it_registers_a_person_from_roc_dates_and_full_width_ids(as_user) -> None:  # type: ignore[no-untyped-def]
    from safetynet.domain import nationalid

    valid = "Q1" + "2345678" + str(nationalid.check_digit("Q12345678"))
    response = as_user("worker").post("/people/new/", {**FORM, "national_id": valid.lower()})
    assert response.status_code == 302
    person = Person.objects.with_national_id(valid).get()
    assert person.birth_date.isoformat() == "2021-11-24"
    assert response["Location"] == f"/people/{person.pk}/"


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        ("national_id", "Q12345", "格式"),
        ("national_id", "A123456788", "檢查碼"),
        ("birth_date", "110/02/30", "只有 28 天"),
        ("birth_date", "2021-11-24", "請輸入民國年（西元 2021 年即民國 110 年）"),
        ("birth_date", "199/01/01", "出生日期不可晚於今天"),
    ],
)
def test_it_names_the_field_and_rule_that_failed(as_user, field: str, value: str, text: str) -> None:  # type: ignore[no-untyped-def]
    before = Person.objects.count()
    response = as_user("worker").post("/people/new/", {**FORM, field: value})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert text in " ".join(errors[field])
    assert Person.objects.count() == before


def test_it_offers_only_towns_of_the_workers_service_area(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("worker").post("/people/new/", {**FORM, "national_id": "", "town": "10010050"})
    assert "town" in response.context["form"].errors


def test_it_finds_a_person_by_national_id_only_inside_the_service_area(  # type: ignore[no-untyped-def]
    as_user, person_in_worker_area, person_elsewhere
) -> None:
    worker = as_user("worker")
    found = worker.get("/people/", {"q": person_in_worker_area.national_id})
    assert [p.pk for p in found.context["page"]] == [person_in_worker_area.pk]
    hidden = worker.get("/people/", {"q": person_elsewhere.national_id})
    assert list(hidden.context["page"]) == []


def test_it_shows_roc_dates_and_masks_ids_in_lists(as_user, person_in_worker_area) -> None:  # type: ignore[no-untyped-def]
    from safetynet.domain import rocdate

    response = as_user("worker").get("/people/", {"q": person_in_worker_area.name})
    html = response.content.decode()
    assert rocdate.format(person_in_worker_area.birth_date, "slash") in html
    assert person_in_worker_area.national_id not in html
    assert person_in_worker_area.masked_national_id in html


def test_it_answers_htmx_searches_with_the_rows_only(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("worker").get("/people/", {"q": "王"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert b"<table" in response.content


def test_it_hides_a_person_of_another_unit_as_not_found(as_user, person_in_worker_area) -> None:  # type: ignore[no-untyped-def]
    assert as_user("otherunit").get(f"/people/{person_in_worker_area.pk}/").status_code == 404
    assert as_user("otherunit").get("/people/999999/").status_code == 404


def test_it_records_who_changed_a_person_without_copying_protected_fields(  # type: ignore[no-untyped-def]
    as_user, person_in_worker_area
) -> None:
    from auditlog.models import LogEntry

    person = person_in_worker_area
    form = {
        "name": person.name + "測",
        "sex": person.sex,
        "birth_date": "",
        "national_id": person.national_id,
        "phones": "0900000000",
        "town": person.town_id,
        "address": "新地址",
    }
    assert as_user("worker").post(f"/people/{person.pk}/edit/", form).status_code == 302
    entry = LogEntry.objects.get_for_object(person).latest("timestamp")
    assert entry.actor.username == "worker"
    assert set(entry.changes_dict) == {"name", "birth_date"}
    assert "0900000000" not in str(entry.changes) and "新地址" not in str(entry.changes)


def test_it_answers_503_in_one_sentence_when_the_keys_cannot_read_the_data(  # type: ignore[no-untyped-def]
    as_user, person_in_worker_area, settings
) -> None:
    from safetynet.core.crypto import KeyRing, generate_key_ring

    settings.FIELD_KEYS = KeyRing.parse(generate_key_ring())
    response = as_user("worker").get(f"/people/{person_in_worker_area.pk}/")
    assert response.status_code == 503
    assert "系統管理員" in response.content.decode()
