"""The case page as the sheet of a home visit: address and phones, the household, the family's other cases
across units with whom to call, the last contacts; need-to-know kept, a fixed number of queries."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safetynet.audit.models import Action, AuditEntry
from safetynet.cases import services
from safetynet.cases.models import Case
from safetynet.domain import nationalid
from safetynet.geo.models import Town
from safetynet.intake.services import receive_report, screen_report
from safetynet.org.models import Staff, Unit
from safetynet.people import services as people
from safetynet.people.models import Person
from tests.cases.test_contacts import user

pytestmark = pytest.mark.django_db

_ids = itertools.count(4_100_000)
PUZI = "10010020"  # 朴子市, served by the worker's unit


def new_person(name: str, sex: str, born: datetime.date, **extra: object) -> Person:
    stem = f"Q{'2' if sex == 'F' else '1'}{next(_ids):07d}"
    return people.register_person(
        people.PersonData(
            name=name,
            sex=sex,
            birth_date=born,
            national_id=stem + str(nationalid.check_digit(stem)),
            town=Town.objects.get(code=PUZI),
            **extra,  # type: ignore[arg-type]
        )
    )


def reported(person: Person, types: list[str], route: str, role: str = "victim") -> Case:
    """`person`'s case of `route`, opened from a screened report naming them by national ID."""
    received = timezone.now() - datetime.timedelta(days=2)
    document = {
        "received_at": timezone.localtime(received).isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [
            {"ref": "s", "role": role, "types": types, "town": PUZI, "national_id": person.national_id}
        ],
    }
    report = receive_report(document, by=user("screener")).report
    screen_report(report, by=user("screener"), at=received + datetime.timedelta(hours=1))
    return report.case_links.get(case__route=route).case


def family(children: int) -> tuple[Case, list[Person]]:
    """A mother served by the worker (社福中心) and `children` children in her household, each with a
    家防中心 case."""
    mother = new_person(
        "測試案母",
        "F",
        datetime.date(1988, 3, 1),
        phones=["0912-345-678", "05-3791234"],
        address="嘉義縣朴子市測試路1號",
    )
    household = people.create_household(mother)
    kids = []
    for number in range(children):
        kid = new_person(f"測試案子{number}", "M", datetime.date(2014 + number % 8, 5, 1))
        people.add_household_member(household, kid, "child")
        people.relate_persons(mother, kid, "parent")
        reported(kid, ["CP"], "FPC", role="child")
        kids.append(kid)
    case = reported(mother, ["VF"], "SWC")
    case = services.assign_case(case, Staff.objects.get(user__username="worker"), by=user("supervisor"))
    return case, kids


def test_it_puts_the_address_and_phones_to_call_first_and_logs_the_persons_read(as_user) -> None:  # type: ignore[no-untyped-def]
    case, _kids = family(1)
    page = as_user("worker").get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "嘉義縣朴子市測試路1號" in html
    assert 'href="tel:0912345678"' in html and 'href="tel:053791234"' in html
    assert html.index('data-testid="visit-address"') < html.index('data-testid="household"')
    assert html.index('data-testid="household"') < html.index('data-testid="family-cases"')
    assert html.index('data-testid="family-cases"') < html.index('data-testid="last-contacts"')
    reads = AuditEntry.objects.filter(
        action=Action.READ, user=user("worker"), object_type="people.person", object_id=str(case.person_id)
    )
    assert reads.count() == 1  # the person's own read, beside the case's


def test_it_lists_the_household_with_age_and_relation(as_user) -> None:  # type: ignore[no-untyped-def]
    case, (kid,) = family(1)
    page = as_user("worker").get(f"/cases/{case.pk}/")
    (member,) = page.context["family"].members
    assert member.person == kid
    assert member.relation == "子女"  # the mother is recorded as the parent: read from the child's side
    assert member.age == kid.age_on(timezone.localdate())
    assert f"{kid.name}</strong> · {member.age} 歲" in page.content.decode()


def test_it_shows_the_childs_case_in_another_unit_with_its_worker_and_a_phone_to_call(as_user) -> None:  # type: ignore[no-untyped-def]
    case, (kid,) = family(1)
    theirs = Case.objects.get(person=kid, route="FPC")
    Unit.objects.filter(pk=theirs.unit_id).update(phone="05-362-0900")
    Staff.objects.filter(pk=theirs.lead_id).update(phone_extension="321")
    services.record_contact(
        theirs,
        kind="interview",
        occurred_at=timezone.now(),
        minutes=30,
        note="只給家防中心看的紀錄",
        by=user("admin"),
    )
    page = as_user("worker").get(f"/cases/{case.pk}/")
    (other,) = page.context["family"].cases
    assert other.case == theirs and not other.openable and not other.cocase
    block = page.content.decode().split('data-testid="family-cases"')[1].split("</section>")[0]
    assert "家防中心" in block and theirs.unit.name in block and theirs.lead.name in block
    assert 'href="tel:053620900,321"' in block and "05-362-0900 分機 321" in block
    assert f"/cases/{theirs.pk}/" not in block  # the worker may not open it: no dead link
    assert "只給家防中心看的紀錄" not in page.content.decode()
    english = as_user("worker")
    english.post("/i18n/setlang/", {"language": "en"})
    assert "05-362-0900 ext. 321" in english.get(f"/cases/{case.pk}/").content.decode()


def test_it_links_a_co_case_the_worker_may_open_and_marks_its_lead(as_user) -> None:  # type: ignore[no-untyped-def]
    case, _kids = family(1)
    partner = reported(case.person, ["SU"], "CV")
    case.refresh_from_db()
    assert case.cocase_id is not None and partner.cocase_id == case.cocase_id
    page = as_user("worker").get(f"/cases/{case.pk}/")
    together = [o for o in page.context["family"].cases if o.cocase]
    assert [o.case for o in together] == [partner]
    assert together[0].openable
    html = page.content.decode()
    assert f'href="/cases/{partner.pk}/"' in html
    assert 'data-testid="cocase-note"' in html


def test_it_shows_a_protected_member_only_as_being_there_and_not_their_case(as_user) -> None:  # type: ignore[no-untyped-def]
    case, (kid,) = family(1)
    hidden = reported(kid, ["SA"], "FPC", role="child")  # a sexual-assault victim: FPC only
    page = as_user("worker").get(f"/cases/{case.pk}/")
    (member,) = page.context["family"].members
    assert member.person is None
    assert page.context["family"].cases == []
    html = page.content.decode()
    assert kid.name not in html
    assert "（不在您的服務區域）" in html
    assert f"/cases/{hidden.pk}/" not in html


def test_it_keeps_the_three_latest_contacts_short_with_the_workers_name(as_user) -> None:  # type: ignore[no-untyped-def]
    case, _kids = family(0)
    now = timezone.now()
    for hours in (30, 20, 10, 5):
        services.record_contact(
            case,
            kind="phone",
            occurred_at=now - datetime.timedelta(hours=hours),
            minutes=10,
            note=f"第{hours}小時前的電訪",
            by=user("worker"),
        )
    page = as_user("worker").get(f"/cases/{case.pk}/")
    last = page.context["last_contacts"]
    assert [e.record.note for e in last] == ["第5小時前的電訪", "第10小時前的電訪", "第20小時前的電訪"]
    block = page.content.decode().split('data-testid="last-contacts"')[1].split("</section>")[0]
    worker = Staff.objects.get(user__username="worker")
    assert worker.name in block and ">worker<" not in block and " worker " not in block


def test_it_reads_the_sheet_in_the_same_number_of_queries_for_a_family_of_2_and_of_6(as_user) -> None:  # type: ignore[no-untyped-def]
    small, _ = family(1)
    large, _ = family(5)
    client = as_user("worker")
    client.get(f"/cases/{small.pk}/")  # warm the per-process caches (rule set, translations)
    counts = []
    for case in (small, large):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/cases/{case.pk}/")
        assert page.status_code == 200
        counts.append(len(queries.captured_queries))
    assert len(large_cases := client.get(f"/cases/{large.pk}/").context["family"].cases) == 5
    assert all(not o.openable for o in large_cases)
    assert counts[0] == counts[1]
    # 37 on SQLite (the household's own row among them, and whether the case is open to writes or only
    # through a break-glass opening); PostgreSQL takes the access log's advisory lock once for each of
    # its 3 entries.
    assert counts[0] <= 40


def test_it_opens_the_household_from_the_case_and_the_household_leads_back_to_the_case(as_user) -> None:  # type: ignore[no-untyped-def]
    case, (kid,) = family(1)
    client = as_user("worker")
    page = client.get(f"/cases/{case.pk}/")
    household = page.context["family"].household_id
    assert household is not None
    assert f'href="/people/households/{household}/" data-testid="open-household"' in page.content.decode()
    back = client.get(f"/people/households/{household}/")
    assert list(back.context["cases"]) == [case]  # the child's 家防中心 case is not the worker's to open
    assert f'href="/cases/{case.pk}/" data-testid="household-case-{case.pk}"' in back.content.decode()


def test_a_person_without_a_household_gets_one_recorded_from_the_case_page(as_user) -> None:  # type: ignore[no-untyped-def]
    mother = new_person("測試獨居", "F", datetime.date(1970, 1, 1))
    case = services.assign_case(
        reported(mother, ["VF"], "SWC"), Staff.objects.get(user__username="worker"), by=user("supervisor")
    )
    client = as_user("worker")
    page = client.get(f"/cases/{case.pk}/")
    assert page.context["family"].household_id is None
    assert f'action="/people/{mother.pk}/household/"' in page.content.decode()
    made = client.post(f"/people/{mother.pk}/household/")
    assert made.status_code == 302
    assert client.get(f"/cases/{case.pk}/").context["family"].household_id is not None
