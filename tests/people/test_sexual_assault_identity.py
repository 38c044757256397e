"""A sexual-assault victim's identity stays inside the 家防中心 and the screening desk (性侵害犯罪防治法):
other units' staff do not find the person, unless they serve a case of theirs."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.cases.services import assign_case
from safetynet.intake.services import receive_report, screen_report
from safetynet.org.models import Staff

pytestmark = pytest.mark.django_db
NATIONAL_ID = "A223456781"


def report(types: list[str], role: str) -> object:
    screener = get_user_model().objects.get(username="screener")
    document = {
        "received_at": timezone.localtime().isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [
            {
                "ref": "v",
                "role": role,
                "types": types,
                "town": "10010020",
                "national_id": NATIONAL_ID,
                "name": "林小安",
            }
        ],
    }
    received = receive_report(document, by=screener).report
    screen_report(received, by=screener)
    return received


def test_a_sexual_assault_victim_is_not_found_outside_fpc(as_user) -> None:  # type: ignore[no-untyped-def]
    received = report(["SA"], "victim")
    person = received.subjects.get().person
    worker = as_user("worker")  # 朴子社福中心: the victim's town is theirs
    assert worker.get(f"/people/{person.pk}/").status_code == 404
    for query in (NATIONAL_ID, "林小安"):
        assert f"/people/{person.pk}/" not in worker.get("/people/", {"q": query}).content.decode()
    assert as_user("screener").get(f"/people/{person.pk}/").status_code == 200


def test_a_worker_serving_a_case_of_the_victim_knows_them(as_user) -> None:  # type: ignore[no-untyped-def]
    person = report(["SA"], "victim").subjects.get().person
    family = report(["VF"], "child")  # the same child, reported again for the family's needs
    case = family.case_links.get().case
    assign_case(
        case,
        Staff.objects.get(user__username="worker"),
        by=get_user_model().objects.get(username="supervisor"),
    )
    assert as_user("worker").get(f"/people/{person.pk}/").status_code == 200
    assert as_user("teammate").get(f"/people/{person.pk}/").status_code == 404


def test_the_household_and_relation_searches_never_offer_the_victim_to_other_units(as_user) -> None:  # type: ignore[no-untyped-def]
    from safetynet.people import services
    from safetynet.people.models import Person

    person = report(["SA"], "victim").subjects.get().person
    neighbour = Person.objects.filter(town_id="10010020").exclude(pk=person.pk).order_by("pk").first()
    assert neighbour is not None
    household = services.create_household(neighbour)
    worker = as_user("worker")  # 朴子社福中心: the victim's town is theirs, the victim is not
    for query in (NATIONAL_ID, "林小安"):
        for url in (
            f"/people/households/{household.pk}/members/search/",
            f"/people/{neighbour.pk}/relations/search/",
            f"/people/households/{household.pk}/",
            f"/people/{neighbour.pk}/",
        ):
            html = worker.get(url, {"q": query}).content.decode()
            assert f'data-testid="pick-{person.pk}"' not in html, (url, query)
            assert f'/people/{person.pk}/"' not in html, (url, query)
    # Nor taken when named by number.
    added = worker.post(f"/people/households/{household.pk}/", {"person": person.pk, "role": "other"})
    assert added.status_code == 200 and not household.members.filter(person=person).exists()
    related = worker.post(f"/people/{neighbour.pk}/relations/", {"other": person.pk, "kind": "sibling"})
    assert (
        related.status_code == 200 and not person.relations_in.exists() and not person.relations_out.exists()
    )
    # The 家防中心's screening desk finds them (their identity stays inside it, not hidden from it).
    desk = as_user("screener").get(f"/people/households/{household.pk}/members/search/", {"q": NATIONAL_ID})
    assert f'data-testid="pick-{person.pk}"' in desk.content.decode()
