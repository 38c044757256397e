"""The worker's part of each demo case: contacts, assessments and visits, through the case services.

The report flow (`safetynet.demo.reports`) decides when a case is assigned, first visited, decided on
and closed; `Casework` does what the worker records in between, at the moments the flow's event queue
runs it, so that every service sees the case as it was then:

- the first contact at the time the flow chose (家訪 or 面談; a call may do for a suicide report's first
  contact), which meets the report's first-visit clock, with the route's first assessment: BSRS-5 for
  心衛社工 cases and suicide reports, the psychiatric care level, TIPVDA for victims of intimate-partner
  violence, SDM safety for child protection, the vulnerability indicator for 脆弱家庭 (its written
  assessment meets the 30-day clock);
- then, while the case is open, visits when its running "visit" clock asks for one (mostly on time,
  some late, a few of the last weeks' still to do at the end), the monthly BSRS-5 of 心衛社工 cases,
  TIPVDA re-tests of listed high-risk cases (some below 8, for the meeting to delist), and now and
  then a call or a network contact in between.

Visits after the first are simulated over the last `VISIT_HISTORY` before the demo's end only: every
contact goes through `record_contact` and its re-planning, and five years of fortnightly visits for a
few thousand cases would take seed-demo far past its few minutes. A case open before that window
keeps its first contact and assessments, and its visits start again when the window opens (meeting
the visit clock it was left with, late).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from safetynet.cases import services as cases
from safetynet.cases.models import Assessment, Case, Clock, Contact
from safetynet.demo import answers
from safetynet.intake.rules import current_rule_set

TAIPEI = ZoneInfo("Asia/Taipei")
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

FIRST_VISIT_CLOCKS = ("cp1_first_visit", "cp2_first_visit", "vf_first_visit", "su_first_contact")
WRITTEN_ASSESSMENT_CLOCK = "vf_assessment"
VISIT_HISTORY = datetime.timedelta(days=92)  # a quarter
LATE_VISIT_SHARE = 0.12
# Visits due in the last weeks that the worker has not made yet: the supervisor's overdue list.
RECENT = datetime.timedelta(days=21)
MISSED_RECENT_SHARE = 0.08
PHONE_SHARE = 0.2  # a call between two visits
NETWORK_SHARE = 0.08  # a network contact between two visits
FIRST_CALL_SHARE = 0.35  # a suicide report's first contact made by phone
TCSW_INTERVIEW_SHARE = 0.6  # 處遇協調社工 meet at the office more often than at home
BSRS_AHEAD = datetime.timedelta(days=10)  # the monthly BSRS-5 is taken up to this early
RETEST_AFTER = datetime.timedelta(days=28)  # TIPVDA re-test of a listed case, at the earliest
RETEST_SHARE = 0.4  # at a visit past that
RETEST_BELOW_SHARE = 0.55  # re-tests that come out below the high-risk score
SU_RETEST_AFTER = datetime.timedelta(days=21)  # a suicide report's second BSRS-5, after the first weeks

Schedule = Callable[[datetime.datetime, Callable[[], None]], None]

# The BSRS-5 level a 心衛社工 case starts at (normal, mild, moderate, severe) and how often each.
MHSW_MOODS, MHSW_MOOD_WEIGHTS = (3, 7, 11, 16), (35, 35, 22, 8)


@dataclass(eq=False)
class CaseFile:
    """What the worker knows of a case: whom it serves, what the report said, when the work stops."""

    case: Case
    by: Any  # the lead worker's account
    role: str  # of the person in the report: victim, child, family, respondent
    types: tuple[str, ...]  # report types of the person
    tipvda: int | None = None  # the score on the report
    dimensions: tuple[str, ...] = ()  # vulnerability 面向 on the report
    psychiatric: int | None = None  # care level on the registry
    last_day: datetime.date | None = None  # the lead's last working day
    stop: datetime.datetime | None = None  # no visits from then on: closure asked, or not opened
    follow_up: bool = True  # visits after the first (the demo accounts' own cases have theirs planned)
    refer: bool = True  # may be referred to a partner (the demo accounts' own cases have theirs planned)
    written_report: bool = False  # the route's assessment comes as a written report (vf_assessment)
    mood: float = 0.0  # the person's BSRS-5 level, drifting down as the work helps
    suicidal: float = 0.0  # chance of a suicide item ≥ 2
    listed: datetime.datetime | None = None  # on the high-risk list, awaiting a re-test below 8
    retested: datetime.datetime | None = None
    bsrs_high: datetime.datetime | None = None  # a suicide report's first BSRS-5 said refer


@dataclass
class WorkSummary:
    contacts: int = 0
    assessments: int = 0


class Referring(Protocol):
    def plan(self, file: CaseFile, first_at: datetime.datetime) -> None: ...


class Casework:
    def __init__(
        self,
        rng: random.Random,
        schedule: Schedule,
        end: datetime.datetime,
        referrals: Referring | None = None,
    ) -> None:
        self.rng = rng
        self.referrals = referrals
        self.schedule = schedule
        self.end = end
        self.history_from = end - VISIT_HISTORY
        self.files: dict[int, CaseFile] = {}
        self.summary = WorkSummary()
        self.tipvda_high = current_rule_set().tipvda_high

    # --- what the flow asks -----------------------------------------------------------------------

    def first_visit_at(self, case: Case, assigned: datetime.datetime) -> datetime.datetime | None:
        """When a case without a first-visit clock is first visited: inside its first visit interval,
        a few late; None when that falls after the end."""
        running = self.running(case)
        if "visit" not in running:
            return None
        starts, due = running["visit"]
        window = due - starts
        if self.rng.random() < LATE_VISIT_SHARE:
            when = due + window * self.rng.uniform(0.05, 0.4)
        else:
            when = starts + window * self.rng.triangular(0.05, 0.9, 0.3)
        when = max(office_hours(when, self.rng), assigned + HOUR * self.rng.uniform(2, 8))
        return when if when <= self.end else None

    def follow(
        self,
        file: CaseFile,
        *,
        first_at: datetime.datetime | None,
        report_at: datetime.datetime | None = None,
    ) -> None:
        """Take the case on: its first contact at `first_at`, its written assessment at `report_at`.

        A case followed again (reopened) gets a new file; what was planned on the old one lapses."""
        rng = self.rng
        self.files[file.case.pk] = file
        if file.case.route == "MHSW":
            file.mood = rng.choices(MHSW_MOODS, MHSW_MOOD_WEIGHTS)[0] + rng.gauss(0, 1)
            file.suicidal = 0.08
        elif "SU" in file.types:
            file.mood, file.suicidal = rng.uniform(7, 15), 0.45
        if file.case.high_risk:
            file.listed = file.case.high_risk_since
        if first_at is not None:
            self.schedule(first_at, lambda: self._first_contact(file, first_at))
            if self.referrals is not None:
                self.referrals.plan(file, first_at)
        if report_at is not None:
            self.schedule(report_at, lambda: self._written_assessment(file, report_at))

    # --- the work ---------------------------------------------------------------------------------

    def _live(self, file: CaseFile, at: datetime.datetime) -> bool:
        """The file is the case's current one, and at `at` the case is open and its worker employed."""
        return (
            self.files.get(file.case.pk) is file
            and at <= self.end
            and (file.stop is None or at < file.stop)
            and (file.last_day is None or at.astimezone(TAIPEI).date() <= file.last_day)
        )

    def _first_contact(self, file: CaseFile, at: datetime.datetime) -> None:
        if not self._live(file, at):
            return
        rng, route, types = self.rng, file.case.route, file.types
        if "SU" in types and route in ("CV", "MHSW") and rng.random() < FIRST_CALL_SHARE:
            kind = "phone"
        else:
            kind = self._visit_kind(file)
        contact = self._contact(file, kind, at)
        if route == "MHSW" or (route == "CV" and "SU" in types):
            result = self._bsrs5(file, at, contact)
            if route == "CV" and result.risk == "high":
                file.bsrs_high = at
        elif route == "CV":
            level = file.psychiatric or rng.choice((1, 2))
            self._assess(file, "psychiatric", answers.psychiatric_answers(level), at, contact)
        if route == "FPC" and "IPV" in types and file.role == "victim":
            total = answers.tipvda_total(rng, file.tipvda, self.tipvda_high)
            self._assess(file, "tipvda", answers.tipvda_answers(rng, total), at, contact)
            if total >= self.tipvda_high and file.listed is None:
                file.listed = at
        if route == "FPC" and "CP" in types and file.role == "child":
            self._assess(file, "sdm_safety", answers.sdm_safety_answers(rng), at, contact)
        if route == "SWC" and not file.written_report:
            self._assess(
                file, "vulnerability", answers.vulnerability_answers(rng, file.dimensions), at, contact
            )
        if file.follow_up:
            self._next_visit(file, at)

    def _written_assessment(self, file: CaseFile, at: datetime.datetime) -> None:
        """The 脆弱家庭 assessment report: the vulnerability indicator, written after the first visit."""
        if self._live(file, at):
            self._assess(file, "vulnerability", answers.vulnerability_answers(self.rng, file.dimensions), at)

    def _visit(self, file: CaseFile, at: datetime.datetime) -> None:
        if self.visit(file, at):
            self._next_visit(file, at)

    def visit(self, file: CaseFile, at: datetime.datetime) -> bool:
        """A visit at `at` with the tests due then, while the case is worked; whether it was made."""
        if not self._live(file, at):
            return False
        contact = self._contact(file, self._visit_kind(file, outreach=True), at)
        self._tests_due(file, at, contact)
        return True

    def _call(self, file: CaseFile, at: datetime.datetime, kind: str) -> None:
        if self._live(file, at):
            self._contact(file, kind, at)

    def _tests_due(self, file: CaseFile, at: datetime.datetime, contact: Contact) -> None:
        """Re-tests at a visit: the monthly BSRS-5, a suicide report's second BSRS-5, TIPVDA of a listed case."""
        rng, route = self.rng, file.case.route
        if route == "MHSW":
            running = self.running(file.case)
            bsrs, visit = running.get("bsrs5"), running.get("visit")
            # Taken now if it would be late by the next visit.
            horizon = max(visit[1] if visit is not None else at, at + BSRS_AHEAD)
            if bsrs is not None and bsrs[1] <= horizon:
                self._bsrs5(file, at, contact)
        elif file.bsrs_high is not None and at - file.bsrs_high >= SU_RETEST_AFTER:
            file.bsrs_high = None
            file.mood, file.suicidal = max(1.0, file.mood - rng.uniform(3, 7)), 0.1
            self._bsrs5(file, at, contact)
        if file.listed is not None and route == "FPC":
            since = max(file.listed, file.retested or file.listed)
            if at - since >= RETEST_AFTER and rng.random() < RETEST_SHARE:
                below = rng.random() < RETEST_BELOW_SHARE
                high = self.tipvda_high
                total = rng.randint(3, high - 1) if below else rng.randint(high, max(high, 11))
                self._assess(file, "tipvda", answers.tipvda_answers(rng, total), at, contact)
                file.retested = at
                if below:
                    file.listed = None  # the next meeting may delist it

    def _next_visit(self, file: CaseFile, after: datetime.datetime) -> None:
        """Plan the next visit from the case's running visit clock, and a call or two before it."""
        rng = self.rng
        planned = self.running(file.case).get("visit")
        if planned is None:
            return  # the route has no visit plan
        starts, due = planned
        window = due - starts
        if self.end - RECENT < due <= self.end and rng.random() < MISSED_RECENT_SHARE:
            return  # not made yet: overdue at the end
        if rng.random() < LATE_VISIT_SHARE:
            when = due + window * rng.uniform(0.05, 0.5)
        else:
            when = starts + window * rng.uniform(0.55, 0.97)
        if when < self.history_from:
            # Before the simulated history: the next visit recorded is the first of the window.
            when = self.history_from + min(window, 14 * DAY) * rng.random()
        when = max(office_hours(when, rng), after + 2 * HOUR)
        if not self._live(file, when):
            return
        if after >= self.history_from:
            for kind, share in (("phone", PHONE_SHARE), ("network", NETWORK_SHARE)):
                if rng.random() < share:
                    call = office_hours(after + (when - after) * rng.uniform(0.25, 0.75), rng)
                    if after < call < when:
                        self.schedule(call, lambda k=kind, c=call: self._call(file, c, k))  # type: ignore[misc]
        self.schedule(when, lambda: self._visit(file, when))

    # --- records ----------------------------------------------------------------------------------

    def _visit_kind(self, file: CaseFile, outreach: bool = False) -> str:
        rng = self.rng
        if file.case.route == "TCSW":
            return "interview" if rng.random() < TCSW_INTERVIEW_SHARE else "home_visit"
        kinds = {"home_visit": 70, "interview": 25, "outreach": 5 if outreach else 0}
        return rng.choices(list(kinds), list(kinds.values()))[0]

    def _recorded(self, at: datetime.datetime) -> datetime.datetime:
        """Written up the same day or the next morning."""
        return min(at + HOUR * self.rng.uniform(0.3, 18), self.end)

    def _contact(self, file: CaseFile, kind: str, at: datetime.datetime) -> Contact:
        text = answers.contact_text(self.rng, kind, file.role)
        contact = cases.record_contact(
            file.case, kind=kind, occurred_at=at, by=file.by, at=self._recorded(at), **text
        )
        self.summary.contacts += 1
        return contact

    def _assess(
        self,
        file: CaseFile,
        instrument: str,
        given: dict[str, Any],
        at: datetime.datetime,
        contact: Contact | None = None,
    ) -> Assessment:
        assessment = cases.record_assessment(
            file.case,
            instrument=instrument,
            answers=given,
            assessed_at=at,
            by=file.by,
            contact=contact,
            at=self._recorded(at),
        )
        self.summary.assessments += 1
        return assessment

    def _bsrs5(self, file: CaseFile, at: datetime.datetime, contact: Contact | None) -> Assessment:
        result = self._assess(
            file, "bsrs5", answers.bsrs5_answers(self.rng, file.mood, file.suicidal), at, contact
        )
        file.mood = max(1.0, file.mood + self.rng.gauss(-0.5, 1.5))
        file.suicidal *= 0.6
        return result

    @staticmethod
    def running(case: Case) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
        """(starts, due) of the case's running visit and BSRS-5 clocks."""
        rows = Clock.objects.filter(case_id=case.pk, name__in=("visit", "bsrs5")).values_list(
            "name", "starts_at", "due_at", "met_at", "cancelled_at"
        )
        return {
            name: (starts, due)
            for name, starts, due, met, cancelled in rows
            if met is None and cancelled is None
        }


def office_hours(moment: datetime.datetime, rng: random.Random) -> datetime.datetime:
    """The same day in office hours, or the Friday before a weekend."""
    day = moment.astimezone(TAIPEI).date()
    while day.weekday() >= 5:
        day -= DAY
    hour = rng.choice((9, 10, 10, 11, 14, 14, 15, 16))
    return datetime.datetime.combine(day, datetime.time(hour, rng.randrange(0, 60, 5)), tzinfo=TAIPEI)
