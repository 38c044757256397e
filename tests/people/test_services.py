from __future__ import annotations

import datetime

import pytest
from django.db import connection

from safetynet.core.errors import DomainError
from safetynet.geo.models import Town
from safetynet.people import services
from safetynet.people.models import HouseholdMember, Person, Relation
from safetynet.people.services import PersonData

pytestmark = pytest.mark.django_db


def data(**overrides: object) -> PersonData:
    values: dict[str, object] = {
        "name": "測試人",
        "sex": "F",
        "birth_date": datetime.date(1990, 5, 1),
        "national_id": "A223456781",
        "town": Town.objects.get(code="10010020"),
        "phones": ["0912345678"],
        "address": "朴子市測試里中正路1號",
    }
    values.update(overrides)
    return PersonData(**values)  # type: ignore[arg-type]


def test_it_stores_the_national_id_encrypted_and_finds_it_by_blind_index() -> None:
    person = services.register_person(data(national_id=" a223456781 "))
    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id, phones, address FROM people_person WHERE id = %s", [person.pk])
        stored = cursor.fetchone()
    assert all(value.startswith("v1:") for value in stored)
    assert "A223456781" not in stored[0]
    assert Person.objects.with_national_id("Ａ２２３４５６７８１").get() == person
    assert Person.objects.get(pk=person.pk).national_id == "A223456781"


@pytest.mark.parametrize(
    ("national_id", "message"),
    [("A12345678", "格式錯誤"), ("A123456788", "檢查碼錯誤")],
)
def test_it_names_the_failed_national_id_rule(national_id: str, message: str) -> None:
    with pytest.raises(DomainError) as error:
        services.register_person(data(national_id=national_id))
    assert error.value.field == "national_id"
    assert message in error.value.message


def test_it_refuses_a_second_person_with_the_same_national_id() -> None:
    services.register_person(data())
    before = Person.objects.count()
    with pytest.raises(DomainError, match="相同身分證"):
        services.register_person(data(name="另一人"))
    assert Person.objects.count() == before


def test_it_refuses_a_birth_date_in_the_future() -> None:
    with pytest.raises(DomainError) as error:
        services.register_person(data(birth_date=datetime.date.today() + datetime.timedelta(days=1)))  # noqa: DTZ011
    assert error.value.field == "birth_date"


def test_it_builds_a_household_and_keeps_members_who_move_out() -> None:
    head = services.register_person(data())
    child = services.register_person(data(name="小孩", national_id="", birth_date=datetime.date(2015, 1, 1)))
    household = services.create_household(head)
    member = services.add_household_member(household, child, "child")
    with pytest.raises(DomainError):
        services.add_household_member(household, child, "child")
    services.remove_household_member(member, left_on=datetime.date(2024, 1, 1))
    assert HouseholdMember.objects.filter(household=household).count() == 2
    assert household.members.filter(left_on__isnull=True).count() == 1


def test_it_records_a_relation_once_and_never_with_oneself() -> None:
    parent = services.register_person(data())
    child = services.register_person(data(name="小孩", national_id=""))
    services.relate_persons(parent, child, "parent")
    with pytest.raises(DomainError):
        services.relate_persons(parent, child, "parent")
    with pytest.raises(DomainError):
        services.relate_persons(parent, parent, "spouse")
    assert Relation.objects.filter(person=parent).count() == 1
