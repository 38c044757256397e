"""Adding to a household, or relating to a person, anyone the worker may see, found by a search, or
registered on the spot; moving out asks first; members read with their age."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from safetynet.audit.models import Action, AuditEntry
from safetynet.core.errors import DomainError
from safetynet.domain import nationalid, rocdate
from safetynet.geo.models import Town
from safetynet.people import services
from safetynet.people.models import Household, HouseholdMember, Person, Relation, RelationKind
from safetynet.people.services import PersonData
from tests.html_forms import form_with

pytestmark = pytest.mark.django_db


def national_id(stem: str) -> str:
    return stem + str(nationalid.check_digit(stem))


def a_person(name: str, town: str, stem: str, born: datetime.date = datetime.date(1985, 3, 4)) -> Person:
    return services.register_person(
        PersonData(
            name=name, sex="F", birth_date=born, national_id=national_id(stem), town=Town.objects.get(pk=town)
        )
    )


@pytest.fixture
def family() -> tuple[Household, Person, Person]:
    """A child's household in 朴子 (the worker's area), and the mother met on the visit: she lives in
    六腳 (also the worker's area), in a household of her own."""
    child = a_person("陳小芸", "10010020", "F22887700", datetime.date(2015, 6, 1))
    household = services.create_household(child)
    mother = a_person("吳美惠", "10010080", "F22887701")
    services.create_household(mother)
    return household, child, mother


def test_it_finds_the_mother_by_name_in_another_town_and_household_and_adds_her(as_user, family) -> None:  # type: ignore[no-untyped-def]
    household, _child, mother = family
    client = as_user("worker")
    found = client.get(
        f"/people/households/{household.pk}/members/search/", {"q": "吳美惠"}, HTTP_HX_REQUEST="true"
    )
    html = found.content.decode()
    assert found.status_code == 200 and "<html" not in html
    assert f'name="person" value="{mother.pk}"' in html
    assert mother.national_id not in html and mother.masked_national_id in html  # never shown whole
    assert rocdate.format(mother.birth_date, "slash") in html
    page = client.get(
        f"/people/households/{household.pk}/", {"q": "吳美惠"}
    ).content.decode()  # without scripts
    add = form_with(page, action=f"/people/households/{household.pk}/")
    response = client.post(add.action, {**add.data(), "person": mother.pk, "role": "parent"})
    assert response.status_code == 302
    assert household.members.filter(person=mother, role="parent", left_on__isnull=True).exists()
    # Her own household keeps her: adding is not moving out of the other one.
    assert mother.memberships.filter(left_on__isnull=True).count() == 2


def test_it_finds_by_national_id_exactly_and_by_roc_birth_date(as_user, family) -> None:  # type: ignore[no-untyped-def]
    household, _child, mother = family
    url = f"/people/households/{household.pk}/members/search/"
    client = as_user("worker")
    by_id = client.get(url, {"q": mother.national_id.lower()}).content.decode()
    assert f'value="{mother.pk}"' in by_id and mother.national_id not in by_id
    partly = client.get(url, {"q": mother.national_id[:6]}).content.decode()
    assert f'value="{mother.pk}"' not in partly  # an ID is matched whole, never by its beginning
    by_birth = client.get(url, {"q": "吳", "birth_date": "74/03/04"}).content.decode()
    assert f'value="{mother.pk}"' in by_birth


def test_the_search_is_logged_with_the_persons_it_showed_never_the_query(as_user, family) -> None:  # type: ignore[no-untyped-def]
    household, _child, mother = family
    as_user("worker").get(f"/people/households/{household.pk}/members/search/", {"q": mother.national_id})
    entry = (
        AuditEntry.objects.filter(action=Action.SEARCH, object_type="people.person").order_by("-seq").first()
    )
    assert entry is not None and entry.username == "worker"
    assert f"|{mother.pk}|" in entry.subjects
    assert mother.national_id not in str(entry.detail) and mother.national_id not in entry.path


def test_a_person_outside_the_service_area_is_neither_offered_nor_accepted(  # type: ignore[no-untyped-def]
    as_user, family, person_elsewhere
) -> None:
    household, _child, _mother = family
    client = as_user("worker")
    found = client.get(
        f"/people/households/{household.pk}/members/search/", {"q": person_elsewhere.national_id}
    )
    assert f'value="{person_elsewhere.pk}"' not in found.content.decode()
    refused = client.post(
        f"/people/households/{household.pk}/", {"person": person_elsewhere.pk, "role": "other"}
    )
    assert refused.status_code == 200 and "person" in refused.context["member_form"].errors
    assert not household.members.filter(person=person_elsewhere).exists()


def test_a_refused_pick_comes_back_chosen_with_every_problem(as_user, family) -> None:  # type: ignore[no-untyped-def]
    household, _child, mother = family
    response = as_user("worker").post(
        f"/people/households/{household.pk}/", {"person": mother.pk, "role": "", "joined_on": "115/02/30"}
    )
    assert response.status_code == 200
    assert set(response.context["member_form"].errors) == {"role", "joined_on"}
    html = response.content.decode()
    assert 'data-testid="error-summary"' in html
    add = form_with(html, action=f"/people/households/{household.pk}/")
    assert add.data()["person"] == str(mother.pk) and add.data()["joined_on"] == "115/02/30"
    assert not household.members.filter(person=mother).exists()


NEW = {
    "new-name": "吳美惠",
    "new-sex": "F",
    "new-birth_date": "74/03/04",
    "new-national_id": "",
    "new-phones": "0912-345-678",
    "new-town": "10010020",
    "new-address": "朴子市山通路1號",
    "new-role": "parent",
    "new-joined_on": "",
}


def test_it_registers_the_mother_inline_and_adds_her_in_one_step(as_user, family) -> None:  # type: ignore[no-untyped-def]
    household, _child, _mother = family
    stem = national_id("F22887702")
    response = as_user("worker").post(
        f"/people/households/{household.pk}/members/new/", {**NEW, "new-national_id": stem}
    )
    assert response.status_code == 302 and response["Location"] == f"/people/households/{household.pk}/"
    person = Person.objects.with_national_id(stem).get()
    assert (person.name, person.birth_date, person.town_id) == (
        "吳美惠",
        datetime.date(1985, 3, 4),
        "10010020",
    )
    assert household.members.filter(person=person, role="parent").exists()


def test_a_refused_inline_registration_keeps_what_was_typed_and_saves_nothing(as_user, family) -> None:  # type: ignore[no-untyped-def]
    household, _child, mother = family
    before = Person.objects.count()
    data = {**NEW, "new-national_id": "A123456788", "new-role": "", "new-town": ""}
    response = as_user("worker").post(f"/people/households/{household.pk}/members/new/", data)
    assert response.status_code == 200
    assert set(response.context["new_form"].errors) == {"national_id", "role", "town"}  # all in one round
    html = response.content.decode()
    again = form_with(html, action=f"/people/households/{household.pk}/members/new/")
    kept = again.data()
    for name in ("new-name", "new-sex", "new-birth_date", "new-phones", "new-address", "new-national_id"):
        assert kept[name] == data[name], name
    assert 'id="register-member" open' in html and 'data-testid="error-summary"' in html
    # The same national ID as someone on record: the form says so, and registers no one.
    taken = as_user("worker").post(
        f"/people/households/{household.pk}/members/new/", {**NEW, "new-national_id": mother.national_id}
    )
    assert "national_id" in taken.context["new_form"].errors
    assert Person.objects.count() == before


def test_the_registration_and_the_membership_are_one_transaction(as_user, family, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    household, _child, _mother = family
    before = Person.objects.count()

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise DomainError("成員無法加入", field="role")

    monkeypatch.setattr(services, "add_household_member", refuse)
    response = as_user("worker").post(f"/people/households/{household.pk}/members/new/", NEW)
    assert response.status_code == 200 and "成員無法加入" in response.content.decode()
    assert Person.objects.count() == before  # the person registered first was rolled back with it


def test_members_read_with_their_age_and_moving_out_asks_first_naming_the_person(as_user, family) -> None:  # type: ignore[no-untyped-def]
    household, child, _mother = family
    client = as_user("worker")
    html = client.get(f"/people/households/{household.pk}/").content.decode()
    age = child.age_on(timezone.localdate())
    member = household.members.get(person=child)
    row = html.split(f'data-testid="member-{member.pk}"')[1].split("</tr>")[0]
    assert f"{age} 歲" in row
    leave = form_with(html, action=f"/people/households/{household.pk}/members/{member.pk}/leave/")
    assert leave.text_fields() == [] and child.name in leave.buttons[0].attrs["data-confirm"]
    assert client.post(leave.action).status_code == 302
    member.refresh_from_db()
    assert member.left_on == timezone.localdate()


def test_a_member_outside_the_service_area_cannot_be_moved_out_by_the_worker(
    as_user, person_elsewhere
) -> None:  # type: ignore[no-untyped-def]
    child = a_person("林小安", "10010020", "F22887703", datetime.date(2016, 1, 1))
    household = services.create_household(child)
    outside = services.add_household_member(household, person_elsewhere, "parent")
    client = as_user("worker")
    html = client.get(f"/people/households/{household.pk}/").content.decode()
    assert person_elsewhere.name not in html and f"/members/{outside.pk}/leave/" not in html
    assert client.post(f"/people/households/{household.pk}/members/{outside.pk}/leave/").status_code == 404
    outside.refresh_from_db()
    assert outside.left_on is None


# --- relations -------------------------------------------------------------------------------------


def test_a_relation_is_added_by_search_and_reads_both_ways(as_user, family) -> None:  # type: ignore[no-untyped-def]
    _household, child, mother = family
    client = as_user("worker")
    found = client.get(f"/people/{child.pk}/relations/search/", {"q": "吳美惠"}).content.decode()
    assert f'name="other" value="{mother.pk}"' in found
    # On the child's page: the child is the mother's 子女.
    response = client.post(f"/people/{child.pk}/relations/", {"other": mother.pk, "kind": "child"})
    assert response.status_code == 302
    assert Relation.objects.filter(person=mother, other=child, kind=RelationKind.PARENT).exists()
    child_page = client.get(f"/people/{child.pk}/").content.decode()
    mother_page = client.get(f"/people/{mother.pk}/").content.decode()
    assert f'父母</span> <a href="/people/{mother.pk}/">' in child_page
    assert f'子女</span> <a href="/people/{child.pk}/">' in mother_page
    # The same relation from the other side is the same relation: refused, not doubled.
    again = client.post(f"/people/{mother.pk}/relations/", {"other": child.pk, "kind": "parent"})
    assert again.status_code == 200 and "kind" in again.context["relation_form"].errors
    assert Relation.objects.filter(person__in=[mother, child], other__in=[mother, child]).count() == 1


def test_a_symmetric_relation_is_recorded_once(as_user, family) -> None:  # type: ignore[no-untyped-def]
    _household, child, mother = family
    services.relate_persons(mother, child, RelationKind.RELATIVE)
    with pytest.raises(DomainError):
        services.relate_persons(child, mother, RelationKind.RELATIVE)


def test_a_relation_to_someone_new_is_registered_in_the_same_step(as_user, family) -> None:  # type: ignore[no-untyped-def]
    _household, child, _mother = family
    data = {**{k: v for k, v in NEW.items() if k not in ("new-role", "new-joined_on")}, "new-name": "陳大明"}
    data["new-sex"] = "M"
    response = as_user("worker").post(f"/people/{child.pk}/relations/new/", {**data, "new-kind": "child"})
    assert response.status_code == 302
    father = Person.objects.get(name="陳大明", birth_date=datetime.date(1985, 3, 4))
    assert Relation.objects.filter(person=father, other=child, kind=RelationKind.PARENT).exists()
    refused = as_user("worker").post(
        f"/people/{child.pk}/relations/new/", {**data, "new-kind": "", "new-name": ""}
    )
    assert set(refused.context["new_form"].errors) == {"kind", "name"}
    kept = form_with(refused.content.decode(), action=f"/people/{child.pk}/relations/new/").data()
    assert kept["new-phones"] == data["new-phones"] and kept["new-birth_date"] == data["new-birth_date"]


def test_the_searches_answer_other_units_as_not_found(as_user, family) -> None:  # type: ignore[no-untyped-def]
    household, child, _mother = family
    other = as_user("otherunit")
    assert other.get(f"/people/households/{household.pk}/members/search/", {"q": "吳"}).status_code == 404
    assert other.get(f"/people/{child.pk}/relations/search/", {"q": "吳"}).status_code == 404
    assert other.post(f"/people/households/{household.pk}/members/new/", NEW).status_code == 404
    assert other.post(f"/people/{child.pk}/relations/new/", NEW).status_code == 404
    assert as_user("manager").get(f"/people/households/{household.pk}/members/search/").status_code == 403


def test_a_member_is_never_offered_twice(as_user, family) -> None:  # type: ignore[no-untyped-def]
    household, child, _mother = family
    found = as_user("worker").get(f"/people/households/{household.pk}/members/search/", {"q": child.name})
    assert f'value="{child.pk}"' not in found.content.decode()
    assert HouseholdMember.objects.filter(household=household, person=child).count() == 1


def test_the_search_reads_a_bounded_number_of_queries(as_user, family) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    household, _child, mother = family
    client = as_user("worker")
    url = f"/people/households/{household.pk}/members/search/"
    counts = {}
    for n in range(12):
        a_person(f"許家{n:02d}", "10010020", f"F2288780{n % 10}" if n < 10 else f"F228878{n}")
    for query in (mother.national_id, "許家"):  # one person, then a full page of ten and more
        with CaptureQueriesContext(connection) as seen:
            response = client.get(url, {"q": query})
        counts[query] = (len(seen), len(re.findall(r'data-testid="pick-\d+"', response.content.decode())))
    assert counts[mother.national_id][1] == 1 and counts["許家"][1] == 10
    assert counts["許家"][0] <= counts[mother.national_id][0] + 1  # the "more" count, nothing per row


def test_a_search_with_a_wrong_date_says_why_instead_of_showing_nothing(as_user, family) -> None:  # type: ignore[no-untyped-def]
    household, _child, _mother = family
    found = as_user("worker").get(
        f"/people/households/{household.pk}/members/search/", {"q": "吳", "birth_date": "2025/01/01"}
    )
    html = found.content.decode()
    assert found.status_code == 200 and 'data-testid="search-errors"' in html and "民國" in html
    assert 'data-testid="pick-' not in html.replace('data-testid="pick-results"', "")
