"""The demo accounts' working day: what each finds waiting on first sign-in, whatever the day it is built.

Most tests read the session's demo (seed 7, scale 0.03, built today: it ends as today began in Taipei)
through the pages the accounts open. The last ones build the demo again on other days (a Monday, a
Sunday) and at two hours of one day, in an emptied database rolled back afterwards.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from safetynet.cases import selectors
from safetynet.cases.lifecycle_views import incoming_transfers
from safetynet.cases.models import Case, Clock, Closure, Contact, Transfer
from safetynet.core.access import cases_visible_to
from safetynet.demo import names, workday
from safetynet.demo.generator import seed
from safetynet.domain.casestatus import CaseStatus
from safetynet.domain.referral import ReferralStatus
from safetynet.intake.models import Report
from safetynet.org.models import Staff
from safetynet.people.models import HouseholdMember, Person
from safetynet.referrals.models import Referral
from tests.conftest import PASSWORD
from tests.demo.helpers import demo_end
from tests.demo.test_generator import FAST_HASHER, empty_the_database

pytestmark = pytest.mark.django_db

TAIPEI = ZoneInfo("Asia/Taipei")
DAY = datetime.timedelta(days=1)
WEEK = 7 * DAY
VISITS = selectors.VISIT_CLOCKS


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def staff(username: str) -> Staff:
    return Staff.objects.select_related("unit").get(user__username=username)


# --- what each account finds: the checks hold on any day, counted from the demo's end ------------------


def supervisors_day(end: datetime.datetime) -> None:
    supervisor = user("supervisor")
    unit = staff("supervisor").unit
    closures = list(selectors.pending_closures(cases_visible_to(supervisor)))
    assert len(closures) >= 2
    assert {c.requested_by.username for c in closures} >= {"worker", "teammate"}
    for closure in closures:
        assert closure.reason and closure.summary and "plan_reviewed" in closure.checklist
        asked = timezone.localtime(closure.requested_at)
        assert asked < end and asked.weekday() < 5 and 8 <= asked.hour < 18  # a working day, office hours
    transfers = list(incoming_transfers(supervisor))
    assert transfers
    for transfer in transfers:
        assert transfer.from_unit_id != unit.pk and transfer.reason.strip() and transfer.requested_at < end
        assert transfer.case.person.town_id in set(
            unit.towns.values_list("code", flat=True)
        )  # they moved here
    waiting = list(cases_visible_to(supervisor).filter(status=CaseStatus.PENDING))
    assert len(waiting) >= 3 and any(case.priority == 1 for case in waiting)
    overdue = selectors.overdue_visits_by_worker(
        list(Staff.objects.filter(unit=unit).values_list("pk", flat=True)), end
    )
    assert sum(overdue.values()) >= 2 and len(overdue) >= 2  # on the team page, for worker and teammate


def workers_day(end: datetime.datetime, username: str) -> None:
    worker = staff(username)
    mine = Case.objects.open().filter(Q(lead=worker) | Q(co_workers=worker))
    visits = Clock.objects.running().filter(case__in=mine, name__in=VISITS)
    soon = visits.filter(due_at__gte=end, due_at__lt=end + WEEK)
    assert soon.filter(name="visit").exists()  # a case served for months: its plan's next visit
    assert visits.filter(due_at__lt=end).exists()  # and one or two overdue
    if username == "worker":
        assert soon.count() >= 2 and 1 <= visits.filter(due_at__lt=end).count() <= 3
        new = Case.objects.filter(lead=worker, status=CaseStatus.ASSESSING, assigned_at__gte=end - 5 * WEEK)
        assert new.count() >= 2


def cocase_and_household(end: datetime.datetime) -> None:
    worker = staff("worker")
    shared = [
        case
        for case in Case.objects.open().filter(lead=worker, cocase__isnull=False)
        if Case.objects.open().filter(cocase=case.cocase).exclude(unit=worker.unit).exists()
    ]
    assert shared, "a case of the worker's shared with another unit"
    case = shared[0]
    other = Case.objects.open().filter(cocase=case.cocase).exclude(unit=worker.unit).get()
    assert other.route == "FPC" and other.lead is not None and other.opened_at > case.opened_at
    household = HouseholdMember.objects.get(person=case.person, left_on__isnull=True).household
    assert household.members.filter(left_on__isnull=True).count() >= 4


def referrals_waiting(end: datetime.datetime) -> None:
    worker, partner = staff("worker"), staff("partner")
    theirs = Referral.objects.filter(case__lead=worker)
    statuses = Counter(theirs.values_list("status", flat=True))
    assert statuses[ReferralStatus.REQUESTED] >= 2 and statuses[ReferralStatus.COMPLETED] >= 1
    assert any(r.overdue(end) for r in theirs.filter(status=ReferralStatus.REQUESTED))
    to_answer = Referral.objects.filter(organization__unit=partner.unit, status=ReferralStatus.REQUESTED)
    assert to_answer.count() >= 2 and all(not r.overdue(end) for r in to_answer)


def screening_queue(end: datetime.datetime) -> None:
    waiting = list(Report.objects.filter(screening__isnull=True).prefetch_related("subjects"))
    ages = sorted(end - r.received_at for r in waiting)
    assert len(waiting) >= 3 and all(age < 2 * DAY for age in ages)
    assert sum(age > DAY for age in ages) == 1  # one past the 24-hour clock
    assert any(DAY / 2 <= age < DAY for age in ages)  # and some close to it
    pairs = [
        r for r in waiting if {s.role for s in r.subjects.all()} >= {"respondent"} and r.subjects.count() == 2
    ]
    assert len(pairs) >= 2
    assert all(r.narrative for r in waiting)


def the_working_day(end: datetime.datetime) -> None:
    supervisors_day(end)
    workers_day(end, "worker")
    workers_day(end, "teammate")
    cocase_and_household(end)
    referrals_waiting(end)
    screening_queue(end)


# --- the session's demo, as the accounts see it -------------------------------------------------------


def test_the_supervisor_finds_closures_a_transfer_and_cases_to_assign_on_the_team_page(as_user) -> None:  # type: ignore[no-untyped-def]
    page = as_user("supervisor").get("/cases/team/")
    assert page.status_code == 200
    closures, transfers = page.context["closures"], page.context["transfers"]
    assert {c.requested_by.username for c in closures} >= {"worker", "teammate"}
    assert all(c.summary for c in closures)
    assert [t.from_unit.name for t in transfers] == ["嘉義縣民雄社會福利服務中心"]
    assert page.context["waiting"] >= 3 and page.context["overdue_total"] >= 2
    queue = as_user("supervisor").get("/cases/queue/")
    priorities = [case.priority for case, _why in queue.context["waiting"]]
    assert len(priorities) >= 3 and 1 in priorities


def test_the_supervisor_opens_the_transfer_and_sees_why_the_family_moved(as_user) -> None:  # type: ignore[no-untyped-def]
    transfer = Transfer.objects.get(to_unit=staff("supervisor").unit, accepted__isnull=True)
    page = as_user("supervisor").get(f"/cases/transfers/{transfer.pk}/")
    assert page.status_code == 200
    assert "遷居" in page.content.decode()


def test_the_worker_finds_visits_due_new_dispatches_and_referrals_in_the_inbox(as_user) -> None:  # type: ignore[no-untyped-def]
    home = as_user("worker").get("/")
    assert home.status_code == 200
    assert len(home.context["new_cases"]) >= 2
    states = Counter(state for _clock, state in (*home.context["visits"], *home.context["clocks"]))
    assert states["overdue"] >= 1 and states["due"] >= 1
    assert home.context["referrals"]


def test_the_workers_shared_case_lists_the_other_unit_on_the_case_page(as_user) -> None:  # type: ignore[no-untyped-def]
    worker = staff("worker")
    case = Case.objects.open().filter(lead=worker, cocase__isnull=False).get()
    page = as_user("worker").get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert [c.unit.name for c in page.context["family"].cocases] == ["嘉義縣家庭暴力及性侵害防治中心"]


def test_the_screener_finds_the_last_days_reports_one_of_them_overdue(as_user) -> None:  # type: ignore[no-untyped-def]
    rows = as_user("screener").get("/intake/queue/").context["rows"]
    assert len(rows) >= 5
    assert rows[0]["urgency"] == "bad"  # past the 24-hour clock, first in line
    assert sum(len(row["subjects"]) == 2 for row in rows) >= 2


def test_the_partner_finds_referrals_to_answer_in_its_portal(as_user) -> None:  # type: ignore[no-untyped-def]
    page = as_user("partner").get("/referrals/partner/")
    assert page.status_code == 200
    assert len(page.context["waiting"]) >= 2 and page.context["done"]


def test_the_partner_is_serving_only_the_last_months_referrals() -> None:
    # Served for weeks, then reported back: nothing from years ago is still "being served".
    end = demo_end()
    serving = Referral.objects.filter(
        status__in=(ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.ON_HOLD)
    )
    assert serving.exists()
    assert all(r.requested_at and end - r.requested_at < 200 * DAY for r in serving)


def test_the_session_demo_has_the_whole_working_day() -> None:
    the_working_day(demo_end())


# --- invented persons -----------------------------------------------------------------------------


def invented(name: str) -> bool:
    """A name `safetynet.demo.names` makes: a surname and two given characters of one sex's pools, or
    a spouse from abroad's name in Chinese characters."""
    surnames = {s for s, _ in names.SURNAMES}
    if len(name) == 3 and name[0] in surnames:
        return any(name[1] in names.GIVEN_FIRST[s] and name[2] in names.GIVEN_SECOND[s] for s in "MF")
    pools = "".join(names.FOREIGN_GIVEN.values())
    return bool(re.fullmatch(rf"[{names.FOREIGN_SURNAMES}][文氏][{pools}]{{1,2}}", name))


def test_every_person_and_staff_member_has_an_invented_name() -> None:
    everyone = [*Person.objects.values_list("name", flat=True), *Staff.objects.values_list("name", flat=True)]
    assert everyone and all(invented(n) for n in everyone), [n for n in everyone if not invented(n)][:5]
    assert not invented("龔郁雅")  # a real name of the customer's documents, on the deny list


# --- any day ------------------------------------------------------------------------------------------

MONDAY = datetime.datetime(2026, 3, 2, 9, 40, tzinfo=TAIPEI)
SUNDAY = datetime.datetime(2026, 3, 8, 15, 5, tzinfo=TAIPEI)


def build(now: datetime.datetime, settings: Any) -> datetime.datetime:
    """The demo built at `now` in an emptied database; its end, as the day began."""
    settings.PASSWORD_HASHERS = FAST_HASHER
    empty_the_database()
    seed(seed=11, years=(114, 114), scale=0.02, password=PASSWORD, now=now)
    return datetime.datetime.combine(now.date(), datetime.time(), tzinfo=TAIPEI)


def digest() -> str:
    """The demo's records with their times."""
    rows = (
        list(Person.objects.order_by("pk").values_list("name", "national_id_index")),
        list(Report.objects.order_by("pk").values_list("received_at", "source")),
        list(
            Case.objects.order_by("pk").values_list("opened_at", "route", "status", "priority", "lead__name")
        ),
        list(Contact.objects.order_by("pk").values_list("occurred_at", "kind", "minutes")),
        list(Closure.objects.order_by("pk").values_list("requested_at", "reason", "approved")),
        list(Transfer.objects.order_by("pk").values_list("requested_at", "from_unit__name", "accepted")),
        list(Referral.objects.order_by("pk").values_list("created_at", "status", "organization__name")),
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_on_a_monday_the_working_day_is_counted_back_over_the_weekend_and_holds_at_any_hour(settings) -> None:  # type: ignore[no-untyped-def]
    end = build(MONDAY, settings)
    the_working_day(end)
    # Asked on the Friday and the Thursday before.
    asked = sorted(timezone.localdate(c.requested_at) for c in Closure.objects.filter(approved__isnull=True))
    assert asked[-2:] == [datetime.date(2026, 2, 26), datetime.date(2026, 2, 27)]
    morning = digest()
    build(MONDAY.replace(hour=22, minute=50), settings)
    assert digest() == morning


def test_on_a_sunday_the_working_day_waits_too(settings) -> None:  # type: ignore[no-untyped-def]
    end = build(SUNDAY, settings)
    the_working_day(end)
    assert all(
        timezone.localtime(c.occurred_at).weekday() < 5
        for c in Contact.objects.filter(case__lead__user__username__in=workday.PERSONA_LEADS)
    )
