"""A case's course through the services: status moves, closure and its approval, reopening, re-reports
after closure, transfer between units, and optimistic locking of the service plan."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.cases.models import Case, CaseReport, Clock, StatusChange
from safetynet.cases.services import (
    EditConflict,
    assign_case,
    change_status,
    decide_closure,
    decide_transfer,
    reopen_case,
    request_closure,
    request_transfer,
    set_co_workers,
    update_plan,
)
from safetynet.core.errors import DomainError
from safetynet.core.models import Notification
from safetynet.domain.casestatus import CaseStatus
from safetynet.domain.clocks import add_months
from safetynet.intake.models import DispatchOutcome
from safetynet.intake.services import receive_report, screen_report
from safetynet.org.models import AccessKind, Staff, Unit
from safetynet.org.services import create_account

pytestmark = pytest.mark.django_db

OTHER_UNIT = "嘉義縣民雄社會福利服務中心"


def user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=name)


def staff(name: str) -> Staff:
    return Staff.objects.select_related("role", "unit").get(user__username=name)


def report_for(received: datetime.datetime, person=None):  # type: ignore[no-untyped-def]
    document = {
        "received_at": received.isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [{"ref": "c", "role": "child", "types": ["VF"], "town": "10010020"}],
    }
    persons = {"c": person} if person is not None else None
    report = receive_report(document, by=user("screener"), persons=persons).report
    screen_report(report, by=user("screener"), at=received + datetime.timedelta(hours=2))
    return report


def worker_case(received: datetime.datetime | None = None) -> Case:
    """A VF case of the worker's unit, assigned to the worker, its first-visit clocks running."""
    received = received or timezone.now() - datetime.timedelta(days=2)
    case = report_for(received).case_links.get().case
    return assign_case(
        case, staff("worker"), by=user("supervisor"), at=received + datetime.timedelta(hours=3)
    )


def closed_case(closed_at: datetime.datetime) -> Case:
    case = worker_case(closed_at - datetime.timedelta(days=40))
    case = change_status(
        case, CaseStatus.SERVING, by=user("worker"), at=closed_at - datetime.timedelta(days=30)
    )
    closure = request_closure(
        case,
        reason="goals_met",
        checklist=["plan_reviewed"],
        open_clocks_reason="已轉介",
        by=user("worker"),
        at=closed_at - datetime.timedelta(days=1),
    )
    decide_closure(closure, approve=True, by=user("supervisor"), at=closed_at)
    return Case.objects.get(pk=case.pk)


def ask_to_close(case: Case, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "reason": "goals_met",
        "checklist": ["plan_reviewed", "family_informed"],
        "open_clocks_reason": "首次訪視已改電訪",
        "by": user("worker"),
    }
    return request_closure(case, **{**values, **overrides})


def other_unit_supervisor():  # type: ignore[no-untyped-def]
    """The other unit's supervisor, given a login for the test (the demo has no persona there)."""
    boss = (
        Staff.objects.filter(unit__name=OTHER_UNIT, role__kind=AccessKind.SUPERVISOR).order_by("pk").first()
    )
    assert boss is not None
    if boss.user is None:
        create_account(boss, username="other-boss", password=None)
        boss.refresh_from_db()
    return boss.user


# --- status moves ---------------------------------------------------------------------------------


def test_it_moves_a_case_from_assessment_to_service_and_between_service_and_follow_up() -> None:
    case = worker_case()
    for status in (CaseStatus.SERVING, CaseStatus.FOLLOW_UP, CaseStatus.SERVING):
        case = change_status(case, status, by=user("worker"))
        assert Case.objects.get(pk=case.pk).status == status
    moves = list(StatusChange.objects.filter(case=case).values_list("from_status", "to_status"))
    assert moves[-3:] == [("assessing", "serving"), ("serving", "follow_up"), ("follow_up", "serving")]


def test_it_records_not_opened_only_with_a_reason_and_stops_the_clocks() -> None:
    case = worker_case()
    with pytest.raises(DomainError) as caught:
        change_status(case, CaseStatus.NOT_OPENED, by=user("worker"), reason="  ")
    assert caught.value.field == "reason"
    case = change_status(case, CaseStatus.NOT_OPENED, by=user("worker"), reason="訪視後評估無需服務")
    assert case.status == CaseStatus.NOT_OPENED and case.closed_at is not None
    assert not Clock.objects.running().filter(case=case).exists()
    assert StatusChange.objects.filter(case=case, to_status="not_opened").get().reason == "訪視後評估無需服務"


@pytest.mark.parametrize(
    ("status", "wanted"),
    [
        ("assessing", "follow_up"),  # not in the table
        ("serving", "not_opened"),  # 未成案 only from assessment
        ("serving", "closed"),  # closing goes through the supervisor
        ("serving", "pending"),
        ("serving", "review"),
        ("serving", "assessing"),
    ],
)
def test_it_refuses_an_illegal_move_on_the_status_field(status: str, wanted: str) -> None:
    case = worker_case()
    if status == "serving":
        case = change_status(case, CaseStatus.SERVING, by=user("worker"))
    version = Case.objects.get(pk=case.pk).version
    with pytest.raises(DomainError) as caught:
        change_status(case, wanted, by=user("worker"), reason="x")
    assert caught.value.field == "status"
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.status, fresh.version) == (status, version)


def test_it_refuses_a_status_move_on_a_stale_version() -> None:
    case = worker_case()
    with pytest.raises(EditConflict):
        change_status(case, CaseStatus.SERVING, by=user("worker"), version=case.version - 1)


# --- closure --------------------------------------------------------------------------------------


def test_it_will_not_close_with_running_clocks_without_saying_why() -> None:
    case = worker_case()
    assert Clock.objects.running().filter(case=case).exists()
    with pytest.raises(DomainError) as caught:
        ask_to_close(case, open_clocks_reason=" ")
    assert caught.value.field == "open_clocks_reason"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ASSESSING


def test_it_needs_the_plan_reviewed_and_known_checklist_items_and_a_reason() -> None:
    case = worker_case()
    for overrides, field in (
        ({"checklist": ["family_informed"]}, "checklist"),
        ({"checklist": ["plan_reviewed", "made_up"]}, "checklist"),
        ({"reason": "bored"}, "reason"),
    ):
        with pytest.raises(DomainError) as caught:
            ask_to_close(case, **overrides)
        assert caught.value.field == field


def test_it_refuses_an_approval_by_anyone_but_the_units_supervisor() -> None:
    case = worker_case()
    closure = ask_to_close(case)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REVIEW
    for someone in ("worker", "teammate", "otherunit", "manager"):
        with pytest.raises(DomainError) as caught:
            decide_closure(closure, approve=True, by=user(someone))
        assert caught.value.field == "decision"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REVIEW


def test_an_approval_closes_the_case_and_cancels_its_running_clocks() -> None:
    case = worker_case()
    running = set(Clock.objects.running().filter(case=case).values_list("pk", flat=True))
    assert running
    closure = ask_to_close(case)
    decided = decide_closure(closure, approve=True, by=user("supervisor"))
    fresh = Case.objects.get(pk=case.pk)
    assert decided.approved is True and decided.decided_by == user("supervisor")
    assert fresh.status == CaseStatus.CLOSED and fresh.closed_at is not None
    assert not Clock.objects.running().filter(case=case).exists()
    assert all(c.cancel_reason == "結案" for c in Clock.objects.filter(pk__in=running))
    assert Notification.objects.filter(user=user("worker"), kind="closure").exists()
    with pytest.raises(DomainError) as caught:
        decide_closure(closure, approve=False, by=user("supervisor"), note="again")
    assert caught.value.field == "decision"


@pytest.mark.parametrize("before", ["assessing", "serving", "follow_up"])
def test_a_return_needs_a_note_and_restores_the_previous_status(before: str) -> None:
    case = worker_case()
    if before != "assessing":
        case = change_status(case, CaseStatus.SERVING, by=user("worker"))
    if before == "follow_up":
        case = change_status(case, CaseStatus.FOLLOW_UP, by=user("worker"))
    closure = ask_to_close(case)
    with pytest.raises(DomainError) as caught:
        decide_closure(closure, approve=False, by=user("supervisor"), note="")
    assert caught.value.field == "decision_note"
    decide_closure(closure, approve=False, by=user("supervisor"), note="請補結案前評估")
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.status == before and fresh.closed_at is None
    assert StatusChange.objects.filter(case=case).last().reason == "退回：請補結案前評估"  # type: ignore[union-attr]


# --- reopening ------------------------------------------------------------------------------------


def test_a_reopened_case_keeps_its_history_and_goes_back_to_its_worker() -> None:
    case = closed_case(timezone.now() - datetime.timedelta(days=3))
    before = list(StatusChange.objects.filter(case=case).values_list("pk", flat=True))
    with pytest.raises(DomainError) as caught:
        reopen_case(case, by=user("worker"), reason=" ")
    assert caught.value.field == "reason"
    case = reopen_case(case, by=user("worker"), reason="案家再度求助")
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.status == CaseStatus.ASSESSING and fresh.lead == staff("worker") and fresh.closed_at is None
    history = list(StatusChange.objects.filter(case=case).order_by("at", "pk"))
    assert [h.pk for h in history[: len(before)]] == before
    assert (history[-1].from_status, history[-1].to_status, history[-1].reason) == (
        "closed",
        "assessing",
        "案家再度求助",
    )
    assert fresh.closures.count() == 1  # the closure stays on record


def test_a_reopened_case_whose_worker_has_left_waits_for_the_supervisor() -> None:
    case = closed_case(timezone.now() - datetime.timedelta(days=3))
    Staff.objects.filter(user__username="worker").update(
        left_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    Notification.objects.all().delete()
    reopen_case(case, by=user("supervisor"), reason="再通報")
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.status == CaseStatus.PENDING and fresh.lead is None
    assert StatusChange.objects.filter(case=case, to_status="closed").exists()
    assert Notification.objects.filter(user=user("supervisor"), kind="queue").exists()


def test_an_open_case_cannot_be_reopened() -> None:
    with pytest.raises(DomainError) as caught:
        reopen_case(worker_case(), by=user("worker"), reason="?")
    assert caught.value.field == "status"


def test_a_new_report_within_six_months_of_closure_reopens_the_case() -> None:
    case = closed_case(add_months(timezone.now(), -5))
    report = report_for(timezone.now() - datetime.timedelta(hours=3), person=case.person)
    dispatch = report.screening.dispatches.get()
    assert dispatch.outcome == DispatchOutcome.REOPENED and dispatch.case_id == case.pk
    link = CaseReport.objects.get(case=case, report=report)
    assert link.after_closure and link.re_report
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.is_open and fresh.lead == staff("worker")
    assert Case.objects.filter(person=case.person, route=case.route).count() == 1


def test_a_new_report_seven_months_after_closure_opens_a_new_case() -> None:
    case = closed_case(add_months(timezone.now(), -7))
    report = report_for(timezone.now() - datetime.timedelta(hours=3), person=case.person)
    dispatch = report.screening.dispatches.get()
    assert dispatch.outcome in (DispatchOutcome.QUEUED, DispatchOutcome.ASSIGNED)
    assert dispatch.case_id != case.pk
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    assert not CaseReport.objects.filter(case=case, report=report).exists()


# --- transfer -------------------------------------------------------------------------------------


def test_an_accepted_transfer_moves_the_unit_the_lead_and_the_clocks() -> None:
    case = worker_case()
    set_co_workers(case, [staff("teammate")], version=Case.objects.get(pk=case.pk).version, by=user("worker"))
    to_unit = Unit.objects.get(name=OTHER_UNIT)
    boss = other_unit_supervisor()
    transfer = request_transfer(case, to_unit=to_unit, reason="案家遷居民雄", by=user("worker"))
    assert Notification.objects.get(user=boss, kind="transfer").url == f"/cases/transfers/{transfer.pk}/"
    assert Case.objects.get(pk=case.pk).unit_id == staff("worker").unit_id  # not before acceptance
    with pytest.raises(DomainError) as caught:
        decide_transfer(transfer, accept=True, by=user("supervisor"), worker=staff("worker"))
    assert caught.value.field == "decision"  # the sending unit's supervisor cannot accept
    with pytest.raises(DomainError) as caught:
        decide_transfer(transfer, accept=True, by=boss, worker=staff("worker"))
    assert caught.value.field == "worker"  # a worker of the receiving unit takes it
    decide_transfer(transfer, accept=True, by=boss, worker=staff("otherunit"))
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.unit, fresh.lead) == (to_unit, staff("otherunit"))
    assert not fresh.co_workers.exists()
    assert set(Clock.objects.running().filter(case=case).values_list("unit_id", flat=True)) == {to_unit.pk}
    assert Notification.objects.filter(user=user("otherunit"), kind="dispatch").exists()
    assert Notification.objects.filter(user=user("worker"), kind="transfer").exists()


def test_a_declined_transfer_needs_a_note_and_leaves_the_case_where_it_was() -> None:
    case = worker_case()
    transfer = request_transfer(
        case, to_unit=Unit.objects.get(name=OTHER_UNIT), reason="案家遷居", by=user("worker")
    )
    boss = other_unit_supervisor()
    with pytest.raises(DomainError) as caught:
        decide_transfer(transfer, accept=False, by=boss, note=" ")
    assert caught.value.field == "decision_note"
    decided = decide_transfer(transfer, accept=False, by=boss, note="地址仍在朴子")
    assert decided.accepted is False
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.unit_id, fresh.lead) == (staff("worker").unit_id, staff("worker"))


def test_a_transfer_needs_another_active_unit_a_reason_and_no_other_pending_one() -> None:
    case = worker_case()
    own = staff("worker").unit
    with pytest.raises(DomainError) as caught:
        request_transfer(case, to_unit=own, reason="x", by=user("worker"))
    assert caught.value.field == "to_unit"
    other = Unit.objects.get(name=OTHER_UNIT)
    with pytest.raises(DomainError) as caught:
        request_transfer(case, to_unit=other, reason=" ", by=user("worker"))
    assert caught.value.field == "reason"
    request_transfer(case, to_unit=other, reason="遷居", by=user("worker"))
    with pytest.raises(DomainError) as caught:
        request_transfer(case, to_unit=other, reason="遷居", by=user("worker"))
    assert caught.value.field == "to_unit"


def test_a_case_in_closure_review_is_not_transferred() -> None:
    case = worker_case()
    ask_to_close(case)
    with pytest.raises(DomainError) as caught:
        request_transfer(case, to_unit=Unit.objects.get(name=OTHER_UNIT), reason="遷居", by=user("worker"))
    assert caught.value.field == "to_unit"


# --- the plan and co-workers: optimistic locking --------------------------------------------------


def test_the_second_of_two_writers_gets_a_conflict_and_the_first_text_stays() -> None:
    case = worker_case()
    read = Case.objects.get(pk=case.pk).version  # both open the page at version N
    update_plan(case, version=read, goals="穩定就學", tasks="每週家訪", review_on=None, by=user("worker"))
    with pytest.raises(EditConflict) as caught:
        update_plan(case, version=read, goals="改善親子關係", tasks="", review_on=None, by=user("supervisor"))
    assert caught.value.field == "version"
    assert caught.value.case.plan_goals == "穩定就學"  # the other's saved version, to show
    assert caught.value.case.updated_by == user("worker")
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.plan_goals, fresh.plan_tasks, fresh.version) == ("穩定就學", "每週家訪", read + 1)
    update_plan(
        case,
        version=read + 1,
        goals="穩定就學；改善親子關係",
        tasks="每週家訪",
        review_on=None,
        by=user("supervisor"),
    )
    assert Case.objects.get(pk=case.pk).plan_goals == "穩定就學；改善親子關係"


def test_a_plan_review_date_before_the_case_opened_is_refused() -> None:
    case = worker_case()
    with pytest.raises(DomainError) as caught:
        update_plan(
            case,
            version=case.version,
            goals="",
            tasks="",
            review_on=timezone.localdate() - datetime.timedelta(days=30),
            by=user("worker"),
        )
    assert caught.value.field == "plan_review_on"


def test_co_workers_come_from_the_cases_unit_and_need_the_current_version() -> None:
    case = worker_case()
    version = Case.objects.get(pk=case.pk).version
    with pytest.raises(DomainError) as caught:
        set_co_workers(case, [staff("otherunit")], version=version, by=user("worker"))
    assert caught.value.field == "co_workers"
    with pytest.raises(DomainError) as caught:
        set_co_workers(case, [staff("worker")], version=version, by=user("worker"))  # the lead
    assert caught.value.field == "co_workers"
    set_co_workers(case, [staff("teammate")], version=version, by=user("worker"))
    with pytest.raises(EditConflict):
        set_co_workers(case, [], version=version, by=user("supervisor"))
    assert list(Case.objects.get(pk=case.pk).co_workers.all()) == [staff("teammate")]
