"""The person and household timeline: every record across units, filtered by what the viewer may see."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.cases.models import Case
from safetynet.cases.services import assign_case, record_assessment, record_contact
from safetynet.intake.services import receive_report, screen_report
from safetynet.org.models import Staff
from safetynet.people.models import Household, Person
from tests.conftest import WORKER_TOWNS

pytestmark = pytest.mark.django_db


def user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=name)


@pytest.fixture
def person_in_worker_area() -> Person:
    """A member of a household in the worker's towns whom no case or report names yet, so that every
    record on the timeline is one the test made."""
    return (
        Person.objects.filter(town_id__in=WORKER_TOWNS, memberships__isnull=False, cases__isnull=True)
        .exclude(report_subjects__isnull=False)
        .order_by("pk")
        .first()
    )


def report(person: Person, types: list[str], days_ago: int = 20) -> list[Case]:
    received = timezone.localtime() - datetime.timedelta(days=days_ago)
    document = {
        "received_at": received.isoformat(),
        "area": "10010",
        "source": "113",
        "narrative": "通報內容不應出現在時間軸",
        "subjects": [{"ref": "s", "role": "victim", "types": types, "town": person.town_id}],
    }
    made = receive_report(document, by=user("screener"), persons={"s": person}).report
    screen_report(made, by=user("screener"), at=received + datetime.timedelta(hours=2))
    return [link.case for link in made.case_links.select_related("case")]


def served(person: Person) -> tuple[Case, Case]:
    """A 朴子 SWC case led by the worker (with a note) and an FPC case of another unit (with a note)."""
    (swc,) = report(person, ["VF"])
    swc = assign_case(swc, Staff.objects.get(user__username="worker"), by=user("supervisor"))
    (fpc,) = report(person, ["IPV"], days_ago=15)
    at = timezone.now() - datetime.timedelta(hours=2)
    record_contact(swc, kind="home_visit", occurred_at=at, minutes=40, by=user("worker"), note="朴子家訪紀錄")
    record_contact(fpc, kind="phone", occurred_at=at, minutes=15, by=user("manager"), note="家防中心電訪紀錄")
    record_assessment(
        fpc,
        instrument="tipvda",
        answers={"answers": [True] * 9 + [False] * 6},
        assessed_at=at,
        by=user("manager"),
    )
    return swc, fpc


def test_it_shows_the_own_units_contact_notes_and_hides_other_units_details(
    as_user, person_in_worker_area: Person
) -> None:  # type: ignore[no-untyped-def]
    swc, fpc = served(person_in_worker_area)
    response = as_user("supervisor").get(f"/people/{person_in_worker_area.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    timeline = response.context["timeline"]
    assert "朴子家訪紀錄" in page
    assert "家防中心電訪紀錄" not in page
    assert {e.case.pk for e in timeline.entries if e.case} == {swc.pk}
    assert [(o.route, o.status) for o in timeline.elsewhere] == [("家防中心", fpc.get_status_display())]
    assert fpc.unit.name not in page
    assert "通報內容不應出現在時間軸" not in page  # the narrative stays on the case page
    kinds = {e.kind for e in timeline.entries}
    assert {"report", "case", "status", "contact"} <= kinds


def test_a_co_case_worker_sees_the_shared_timeline(as_user, person_in_worker_area: Person) -> None:  # type: ignore[no-untyped-def]
    swc, fpc = served(person_in_worker_area)
    assert Case.objects.get(pk=fpc.pk).cocase_id == Case.objects.get(pk=swc.pk).cocase_id is not None
    timeline = as_user("worker").get(f"/people/{person_in_worker_area.pk}/").context["timeline"]
    assert {"朴子家訪紀錄", "家防中心電訪紀錄"} <= {e.note for e in timeline.entries}
    assert any(e.kind == "assessment" and "TIPVDA" in e.title for e in timeline.entries)
    assert timeline.elsewhere == []


def test_a_teammate_not_on_the_cases_sees_only_that_they_exist(
    as_user, person_in_worker_area: Person
) -> None:  # type: ignore[no-untyped-def]
    served(person_in_worker_area)
    response = as_user("teammate").get(f"/people/{person_in_worker_area.pk}/")
    timeline = response.context["timeline"]
    assert all(e.case is None for e in timeline.entries)
    assert len(timeline.elsewhere) >= 2
    page = response.content.decode()
    assert "朴子家訪紀錄" not in page and "家防中心電訪紀錄" not in page


def test_another_units_worker_still_gets_404(as_user, person_in_worker_area: Person) -> None:  # type: ignore[no-untyped-def]
    served(person_in_worker_area)
    assert as_user("otherunit").get(f"/people/{person_in_worker_area.pk}/").status_code == 404


def test_the_household_timeline_merges_the_members_and_names_each(as_user) -> None:  # type: ignore[no-untyped-def]
    # The demo's first household of several persons in the worker's area.
    household = next(
        h
        for h in Household.objects.filter(town_id__in=WORKER_TOWNS).order_by("pk")
        if h.members.filter(left_on__isnull=True).count() >= 2
    )
    first, other = household.members.filter(left_on__isnull=True).order_by("pk")[:2]
    person_in_worker_area = first.person
    served(person_in_worker_area)
    (child,) = report(other.person, ["VF"], days_ago=5)
    assign_case(child, Staff.objects.get(user__username="worker"), by=user("supervisor"))
    response = as_user("supervisor").get(f"/people/households/{household.pk}/")
    assert response.status_code == 200
    entries = response.context["timeline"].entries
    assert {person_in_worker_area.pk, other.person.pk} <= {e.person.pk for e in entries if e.case}
    page = response.content.decode()
    assert person_in_worker_area.name in page and other.person.name in page
    assert "朴子家訪紀錄" in page


def test_the_person_page_reads_a_bounded_number_of_queries(
    as_user, person_in_worker_area: Person, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    served(person_in_worker_area)
    report(person_in_worker_area, ["SU"], days_ago=3)
    report(person_in_worker_area, ["MH"], days_ago=2)
    assert Case.objects.filter(person=person_in_worker_area).count() >= 3
    client = as_user("worker")
    with django_assert_max_num_queries(
        22
    ):  # 17 for the page, 4 for its access-log entry, whatever the number of cases
        client.get(f"/people/{person_in_worker_area.pk}/")
