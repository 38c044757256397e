"""Clocks leave the boards with their case: closed, 未成案 or transferred; a reopened case plans again."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from safetynet.cases.models import Case, Clock
from safetynet.cases.services import (
    change_status,
    decide_transfer,
    mark_overdue,
    reopen_case,
    request_transfer,
)
from safetynet.cases.services.lifecycle import TRANSFER_CANCEL_REASON
from safetynet.core.models import Notification
from safetynet.domain.casestatus import CaseStatus
from safetynet.org.models import Unit
from tests.cases.test_lifecycle import (
    OTHER_UNIT,
    closed_case,
    other_unit_supervisor,
    staff,
    user,
    worker_case,
)

pytestmark = pytest.mark.django_db


def board(client, state: str = "") -> list[Clock]:  # type: ignore[no-untyped-def]
    page = client.get(f"/cases/clocks/?state={state}" if state else "/cases/clocks/")
    assert page.status_code == 200
    return [clock for clock, _state in page.context["rows"]]


def closed_by_hand(days_ago: float = 12) -> Case:
    """A case closed before closing cancelled its clocks: they were left running, the first visit late."""
    case = worker_case(timezone.now() - datetime.timedelta(days=days_ago))
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_at=timezone.now())
    return case


def test_the_board_lists_no_running_clock_of_a_closed_case_nor_a_cancelled_one(as_user) -> None:  # type: ignore[no-untyped-def]
    left = closed_by_hand()
    assert Clock.objects.running().filter(case=left, due_at__lt=timezone.now()).exists()
    cancelled = closed_case(timezone.now() - datetime.timedelta(days=2))
    assert Clock.objects.filter(case=cancelled, cancelled_at__isnull=False).exists()
    for persona in ("supervisor", "worker"):
        shown = board(as_user(persona))
        assert not [c for c in shown if c.case_id == left.pk and c.met_at is None], persona
        assert not [c for c in shown if c.cancelled_at is not None], persona
    overdue = board(as_user("supervisor"), "overdue")
    assert left.pk not in {c.case_id for c in overdue}


def test_the_board_keeps_what_a_closed_case_met(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case(timezone.now() - datetime.timedelta(days=5))
    first = case.clocks.get(name="vf_first_visit")
    first.met_at, first.met_by = timezone.now() - datetime.timedelta(days=1), user("worker")
    first.save()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    assert first in board(as_user("supervisor"), "met_on_time")


def test_no_overdue_alert_for_a_closed_case() -> None:
    left = closed_by_hand()
    Notification.objects.all().delete()
    mark_overdue()
    assert not Notification.objects.filter(url=f"/cases/{left.pk}/").exists()
    assert Clock.objects.running().filter(case=left, overdue_at__isnull=True).exists()


def test_not_opened_cancels_the_clocks_and_reopening_plans_the_visits_again() -> None:
    case = worker_case()
    change_status(case, CaseStatus.NOT_OPENED, by=user("worker"), reason="家訪後無需服務")
    assert not Clock.objects.running().filter(case=case).exists()
    assert set(Clock.objects.filter(case=case).values_list("cancel_reason", flat=True)) == {"未成案"}
    reopen_case(case, by=user("worker"), reason="再度求助")
    (visit,) = Clock.objects.running().filter(case=case)
    assert visit.name == "visit" and visit.unit_id == staff("worker").unit_id


def test_a_transfer_ends_the_plan_here_and_carries_the_legal_clocks_to_the_new_unit(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case(timezone.now() - datetime.timedelta(days=12))  # the first visit is late
    Clock.objects.create(
        name="visit",
        label="定期訪視（風險中，每30日）",
        case=case,
        unit=case.unit,
        starts_at=case.opened_at,
        due_at=timezone.now() + datetime.timedelta(days=3),
    )
    to_unit = Unit.objects.get(name=OTHER_UNIT)
    transfer = request_transfer(case, to_unit=to_unit, reason="案家遷居民雄", by=user("worker"))
    decide_transfer(transfer, accept=True, by=other_unit_supervisor(), worker=staff("otherunit"))
    old_plan = Clock.objects.get(case=case, name="visit", cancelled_at__isnull=False)
    assert old_plan.cancel_reason == TRANSFER_CANCEL_REASON and old_plan.unit_id == staff("worker").unit_id
    first = case.clocks.get(name="vf_first_visit")
    assert first.cancelled_at is None and first.unit == to_unit  # the law's deadline goes with the case
    assert not Clock.objects.running().filter(case=case).exclude(unit=to_unit).exists()
    assert case.pk not in {c.case_id for c in board(as_user("supervisor"))}
    assert case.pk not in {c.case_id for c in board(as_user("worker"))}
    assert case.pk in {c.case_id for c in board(as_user("otherunit"), "overdue")}


def test_the_tidying_migration_cancels_what_closed_cases_left_running_and_links_recent_contacts() -> None:
    from safetynet.cases import services

    left = closed_by_hand()
    fresh = worker_case(timezone.now() - datetime.timedelta(days=3))
    contact = services.record_contact(
        fresh, kind="home_visit", occurred_at=timezone.now(), minutes=30, by=user("worker")
    )
    Clock.objects.filter(met_by_contact=contact).update(met_by_contact=None)  # as recorded before the link
    migration = importlib.import_module(
        "safetynet.cases.migrations.0008_closed_case_clocks_and_contact_links"
    )
    migration.forwards(apps, None)
    assert not Clock.objects.running().filter(case=left).exists()
    assert set(Clock.objects.filter(case=left).values_list("cancel_reason", flat=True)) == {migration.REASON}
    assert fresh.clocks.get(name="vf_first_visit").met_by_contact == contact
    assert Clock.objects.running().filter(case=fresh).exists()  # an open case's clocks run on
