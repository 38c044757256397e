"""Screening a report: confirm or override the suggestion, then dispatch each route (DOMAIN §4.9-4.11)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.cases.models import Case, Clock
from safetynet.core.errors import DomainError
from safetynet.core.models import Notification
from safetynet.domain.casestatus import CaseStatus
from safetynet.intake.models import DispatchOutcome, Report
from safetynet.intake.services import AlreadyScreened, RouteChoice, receive_report, screen_report
from safetynet.org.models import DispatchMode, Role, Staff, Unit

pytestmark = pytest.mark.django_db

MINXIONG = "10010050"  # 民雄鄉: 民雄社福中心 (fast dispatch)
PUZI = "10010020"  # 朴子市: 朴子社福中心, where the demo's supervisor confirms each dispatch


def user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=name)


def report(*subjects: dict[str, object], hours_ago: float = 1) -> Report:
    received = timezone.localtime() - datetime.timedelta(hours=hours_ago)
    document = {
        "received_at": received.isoformat(),
        "area": "10010",
        "source": "113",
        "narrative": "鄰居通報",
        "subjects": [{"ref": f"s{i + 1}", **s} for i, s in enumerate(subjects)],
    }
    return receive_report(document, by=user("screener")).report


def vf(town: str = MINXIONG, **more: object) -> dict[str, object]:
    return {"role": "child", "types": ["VF"], "town": town, "name": "王小明", **more}


@pytest.fixture
def fast_units() -> None:
    Unit.objects.filter(kind="swc").update(dispatch_mode=DispatchMode.AUTO)


def test_confirming_gives_the_case_to_the_least_loaded_worker_and_starts_its_clocks(fast_units) -> None:  # type: ignore[no-untyped-def]
    r = report(vf())
    screening = screen_report(r, by=user("screener"))
    dispatch = screening.dispatches.get()
    assert dispatch.outcome == DispatchOutcome.ASSIGNED
    case = dispatch.case
    assert case.unit.name == "嘉義縣民雄社會福利服務中心" and case.status == CaseStatus.ASSESSING
    team = Staff.objects.filter(unit=case.unit, role__code="social_worker").active_on(timezone.localdate())
    loads = {s.pk: Case.objects.open().filter(lead=s).count() for s in team}
    assert loads[case.lead_id] - 1 == min(v - (1 if k == case.lead_id else 0) for k, v in loads.items())
    assert sorted(case.clocks.values_list("name", flat=True)) == ["vf_assessment", "vf_first_visit"]
    assert Clock.objects.get(report=r, case__isnull=True).met_at == screening.decided_at
    if case.lead.user_id:
        assert Notification.objects.filter(user_id=case.lead.user_id, kind="dispatch").exists()


def test_in_a_unit_whose_supervisor_confirms_the_case_waits_until_assigned() -> None:
    from safetynet.cases.services import assign_case

    r = report(vf(PUZI))
    case = screen_report(r, by=user("screener")).dispatches.get().case
    assert case.status == CaseStatus.PENDING and case.lead is None and case.suggested_lead is not None
    assert Notification.objects.filter(user=user("supervisor"), kind="queue").exists()
    worker = Staff.objects.get(user__username="worker")
    assign_case(case, worker, by=user("supervisor"))
    case.refresh_from_db()
    assert case.lead == worker and case.status == CaseStatus.ASSESSING
    assert Notification.objects.filter(
        user=user("worker"), kind="dispatch", url=f"/cases/{case.pk}/"
    ).exists()


def test_when_every_worker_is_full_the_case_waits_and_the_supervisors_are_alerted(fast_units) -> None:  # type: ignore[no-untyped-def]
    Role.objects.filter(code="social_worker").update(caseload_standard=0)
    case = screen_report(report(vf()), by=user("screener")).dispatches.get().case
    assert case.status == CaseStatus.PENDING and case.suggested_lead is None
    supervisors = Staff.objects.filter(unit=case.unit, role__kind="supervisor", user__isnull=False)
    for s in supervisors:
        assert Notification.objects.filter(user_id=s.user_id, kind="overload").exists()


def test_an_override_without_a_reason_is_refused_and_changes_nothing() -> None:
    r = report(vf())
    with pytest.raises(DomainError) as caught:
        screen_report(r, by=user("screener"), routes=[RouteChoice("s1", "FPC", 2)])
    assert caught.value.field == "reason"
    assert not Case.objects.filter(reports__report=r).exists()
    assert not hasattr(Report.objects.get(pk=r.pk), "screening")


def test_an_override_is_recorded_beside_the_suggestion_with_its_clocks(fast_units) -> None:  # type: ignore[no-untyped-def]
    r = report(vf())
    screening = screen_report(
        r, by=user("screener"), routes=[RouteChoice("s1", "FPC", 1)], reason="電話查證有立即危險"
    )
    assert screening.overridden and screening.reason == "電話查證有立即危險"
    assert [x["route"] for x in Report.objects.get(pk=r.pk).suggestion["routes"]] == ["SWC"]
    case = screening.dispatches.get().case
    assert case.route == "FPC" and case.priority == 1
    assert list(case.clocks.values_list("name", flat=True)) == ["cp1_first_visit"]


def test_the_second_of_two_confirmations_is_refused_naming_who_decided(fast_units) -> None:  # type: ignore[no-untyped-def]
    r = report(vf())
    screen_report(r, by=user("screener"))
    with pytest.raises(AlreadyScreened) as caught:
        screen_report(r, by=user("supervisor"))
    screener = Staff.objects.get(user__username="screener")
    assert screener.name in caught.value.message and "screener" not in caught.value.message
    assert Case.objects.filter(reports__report=r).count() == 1


def test_a_report_on_an_open_case_of_the_same_route_is_attached_as_a_re_report(fast_units) -> None:  # type: ignore[no-untyped-def]
    first = screen_report(report(vf(national_id="A123456789")), by=user("screener")).dispatches.get().case
    again = report(vf(national_id="A123456789"))
    assert again.suggestion["routes"][0]["attach_to_open_case"] is True
    dispatch = screen_report(again, by=user("screener")).dispatches.get()
    assert dispatch.outcome == DispatchOutcome.RE_REPORT and dispatch.case == first
    assert first.reports.filter(report=again, re_report=True).exists()
    assert Case.objects.filter(person=first.person).count() == 1


def test_two_routes_on_one_person_make_a_co_case_led_by_the_first() -> None:
    r = report({"role": "victim", "types": ["IPV", "SU"], "town": MINXIONG, "national_id": "B223456782"})
    cases = [d.case for d in screen_report(r, by=user("screener")).dispatches.all() if d.case]
    routes = sorted(c.route for c in cases)
    assert "FPC" in routes and "MHSW" in routes
    cocases = {c.cocase_id for c in Case.objects.filter(pk__in=[c.pk for c in cases])}
    assert len(cocases) == 1 and None not in cocases


def test_a_transfer_names_the_county_of_residence() -> None:
    r = report({"role": "victim", "types": ["IPV"], "town": "10020010"})
    dispatch = screen_report(r, by=user("screener")).dispatches.get()
    assert dispatch.outcome == DispatchOutcome.TRANSFER and dispatch.to_county.name == "嘉義市"
    assert dispatch.reason


def test_a_route_no_unit_of_the_county_serves_is_recorded_for_follow_up() -> None:
    r = report({"role": "child", "types": ["DO"], "town": MINXIONG})
    dispatch = screen_report(r, by=user("screener")).dispatches.get()
    assert dispatch.outcome == DispatchOutcome.NO_UNIT and "教育" in dispatch.reason


def test_a_person_registered_by_a_concurrent_report_is_used_not_duplicated(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from safetynet.intake import services
    from safetynet.people.models import Person
    from safetynet.people.services import PersonData, register_person

    def racing(data: PersonData) -> Person:
        register_person(PersonData("先到", "M", national_id=data.national_id))  # the other report won
        return register_person(data)

    monkeypatch.setattr(services, "register_person", racing)
    r = report(vf(national_id="C123456781"))
    subject = r.subjects.get()
    assert (subject.person.name, subject.matched_by) == ("先到", "national_id")
    assert Person.objects.with_national_id("C123456781").count() == 1


def test_the_database_refuses_two_persons_with_one_national_id() -> None:
    from django.db import IntegrityError, transaction

    from safetynet.people.models import Person, national_id_index

    index = national_id_index("C123456781")
    Person.objects.create(name="甲", sex="M", national_id_index=index)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(name="乙", sex="M", national_id_index=index)
    Person.objects.create(name="無證號", sex="M")  # persons without an ID are not constrained
    Person.objects.create(name="無證號", sex="M")
