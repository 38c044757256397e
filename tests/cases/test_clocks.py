"""Clocks run on reports and cases; the scheduled job marks the overdue ones and tells the people concerned."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.cases.models import Clock
from safetynet.cases.services import assign_case, meet_clock
from safetynet.cases.tasks import mark_overdue_clocks
from safetynet.core.errors import DomainError
from safetynet.core.models import Notification
from safetynet.domain.clocks import ClockState
from safetynet.intake.services import receive_report, screen_report
from safetynet.org.models import Staff

pytestmark = pytest.mark.django_db


def user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=name)


def worker_case(days_ago: float):  # type: ignore[no-untyped-def]
    received = timezone.localtime() - datetime.timedelta(days=days_ago)
    document = {
        "received_at": received.isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [{"ref": "c", "role": "child", "types": ["VF"], "town": "10010020"}],
    }
    report = receive_report(document, by=user("screener")).report
    screen_report(report, by=user("screener"), at=received + datetime.timedelta(hours=2))
    case = report.case_links.get().case
    return assign_case(case, Staff.objects.get(user__username="worker"), by=user("supervisor"))


def test_the_job_marks_overdue_clocks_once_and_notifies_worker_and_supervisor() -> None:
    case = worker_case(days_ago=12)  # the 10-day first visit is two days late
    visit = case.clocks.get(name="vf_first_visit")
    assert visit.state(timezone.now()) is ClockState.OVERDUE
    Notification.objects.all().delete()
    mark_overdue_clocks()
    visit.refresh_from_db()
    assert visit.overdue_at is not None
    assert Notification.objects.filter(user=user("worker"), kind="overdue").count() == 1
    assert Notification.objects.filter(user=user("supervisor"), kind="overdue").exists()
    mark_overdue_clocks()
    assert Notification.objects.filter(user=user("worker"), kind="overdue").count() == 1


def test_a_clock_met_after_its_due_time_counts_as_met_late() -> None:
    case = worker_case(days_ago=12)
    visit = case.clocks.get(name="vf_first_visit")
    meet_clock(visit, at=timezone.now() - datetime.timedelta(hours=1), by=user("worker"))
    visit.refresh_from_db()
    assert visit.state(timezone.now()) is ClockState.MET_LATE
    with pytest.raises(DomainError):
        meet_clock(visit, at=timezone.now(), by=user("worker"))


def test_a_completion_in_the_future_is_refused() -> None:
    visit = worker_case(days_ago=1).clocks.get(name="vf_first_visit")
    with pytest.raises(DomainError) as caught:
        meet_clock(visit, at=timezone.now() + datetime.timedelta(days=1), by=user("worker"))
    assert caught.value.field == "met_at"
    assert Clock.objects.get(pk=visit.pk).met_at is None


def test_the_board_counts_each_state_and_the_inbox_shows_what_is_due(as_user) -> None:  # type: ignore[no-untyped-def]
    worker_case(days_ago=12)
    board = as_user("supervisor").get("/cases/clocks/")
    counts = {value: n for value, _label, n in board.context["counts"]}
    assert counts["overdue"] >= 1 and counts["due"] >= 1  # the late first visit, the assessment report
    desk = as_user("screener").get("/cases/clocks/?state=met_on_time")
    assert {c.name for c, _state in desk.context["rows"]} == {"screening"}  # screened within 2 hours
    home = as_user("worker").get("/")
    assert "vf_first_visit" in [c.name for c, _state in home.context["visits"]]  # overdue: a visit to make
    assert "脆弱家庭首次訪視" in home.content.decode()
