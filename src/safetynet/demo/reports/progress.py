"""Each case from its dispatch on: assigned, first visited, moved through its statuses to its closure."""

from __future__ import annotations

import datetime
import math
import random
from typing import Any

from django.utils import timezone

from safetynet.cases import services as cases
from safetynet.cases.models import Case, Clock
from safetynet.demo.casework import FIRST_VISIT_CLOCKS, WRITTEN_ASSESSMENT_CLOCK, CaseFile
from safetynet.demo.incidents import Incident
from safetynet.demo.reports.scheduler import DAY, HOUR, TAIPEI
from safetynet.demo.reports.state import Flow
from safetynet.demo.workday import OVERDUE_VISIT, WAITING
from safetynet.domain.casestatus import CaseStatus
from safetynet.domain.clocks import add_months
from safetynet.domain.dispatch import load_ratio
from safetynet.intake.rules import current_rule_set
from safetynet.org.models import DispatchMode, Staff, Unit

# Cases of a unit whose supervisor confirms dispatch, opened this close to the end, still wait.
QUEUE_KEPT = datetime.timedelta(days=2)
# Clocks: most met inside their time, some late; every clock due more than a week before the end
# has been met (late if need be), so only the last week's can show overdue.
LATE_CLOCK_SHARE = 0.1
ALL_MET_BEFORE = datetime.timedelta(days=7)
FOLLOW_UP_SHARE = 0.15  # FPC and SWC cases that go to 後追 before closing
# A worker about to leave closes (or hands over) their cases in their last days.
HAND_OVER = (1.0, 5.0)  # days before the last day
# Cases carried over for seed 000's checkpoint are closed this many days before the end at the latest.
CHECKPOINT_CARRIED_CLOSED = (20.0, 120.0)


def follow(flow: Flow, case: Case, clocks: list[Clock], incident: Incident, at: datetime.datetime) -> None:
    unit = flow.units[case.unit_id]
    if case.lead_id is not None:
        plan_case(flow, case, clocks, incident, at)
        return
    if incident.persona == WAITING:
        return
    if unit.dispatch_mode == DispatchMode.CONFIRM and at > flow.end - QUEUE_KEPT and not incident.persona:
        return  # the last days' cases wait for the supervisor
    when = next_office_moment(at, flow.rng)
    if unit.dispatch_mode != DispatchMode.CONFIRM:
        when += DAY * flow.rng.randint(0, 2)  # everyone was full: the supervisor finds someone
    carry_for = incident.carry_for
    if carry_for is not None and timezone.localdate(when) < carry_for.hired_on:
        # Waited in the queue for the seat to be filled: assigned on the new worker's first day.
        first_day = datetime.datetime.combine(carry_for.hired_on, datetime.time(7), tzinfo=TAIPEI)
        when = next_office_moment(first_day, flow.rng)
    if incident.persona:
        when = min(when, flow.end - HOUR)
    flow.at(when, lambda: assign(flow, case, clocks, incident, when))


def assign(flow: Flow, case: Case, clocks: list[Clock], incident: Incident, at: datetime.datetime) -> None:
    unit = flow.units[case.unit_id]
    day = at.astimezone(TAIPEI).date()
    if (lead := flow.workday.lead(incident)) is not None:
        worker: Staff | None = lead
    elif incident.carry_for is not None:
        worker = incident.carry_for
    elif (reserved := flow.reserved.pop(case.pk, None)) is not None and reserved.is_active(day):
        worker = reserved
    else:
        worker = choose(flow, case, unit, day)
    if worker is None:
        retry = at + DAY * 7
        flow.at(retry, lambda: assign(flow, case, clocks, incident, retry))
        return
    case = cases.assign_case(case, worker, by=flow.supervisors.get(unit.pk), at=at)
    flow.summary.assigned_by_supervisor += 1
    plan_case(flow, case, clocks, incident, at)


def choose(flow: Flow, case: Case, unit: Unit, day: datetime.date) -> Staff | None:
    """The suggested worker if still available, else the least loaded (even above the standard)."""
    service = flow.services.get(case.route)
    pool = cases.candidates(unit, service.roles if service else [], day)
    present = [(s, c) for s, c in pool if not c.on_leave]
    for staff, _ in present:
        if staff.pk == case.suggested_lead_id:
            return staff
    chosen = cases.pick_worker(present)
    if chosen is None and present:
        return min(
            present,
            key=lambda p: (load_ratio(p[1].open_cases, p[1].standard, cases.DEFAULT_CASELOAD), p[0].pk),
        )[0]
    return chosen


def plan_case(
    flow: Flow, case: Case, clocks: list[Clock], incident: Incident, assigned: datetime.datetime
) -> None:
    """When the worker first visits and moves the case on; what falls after the end is not done.
    The visits in between are the case work's (`Casework`)."""
    rng = flow.rng
    by = flow.staff_users.get(case.lead_id or 0)
    first = next((c for c in clocks if c.name in FIRST_VISIT_CLOCKS), None)
    written = next((c for c in clocks if c.name == WRITTEN_ASSESSMENT_CLOCK), None)
    if first is not None:
        visit_at = meet_time(flow, first, assigned, incident)
    else:
        visit_at = flow.casework.first_visit_at(case, assigned)
    report_at = meet_time(flow, written, assigned, incident) if written is not None else None
    if visit_at is None:
        report_at = None  # nothing is written before the family is seen
    elif report_at is not None:
        report_at = max(report_at, visit_at + HOUR * rng.uniform(2, 48))
        report_at = report_at if report_at <= flow.end else None
    missing = visit_at is None or (written is not None and report_at is None)
    done = flow.end + DAY if missing else max(t for t in (visit_at, report_at) if t is not None)
    file = case_file(flow, case, incident, by, written is not None)
    timing = flow.data.routes.get(case.route)
    if incident.plan is not None:
        flow.workday.plan_case(file, incident, visit_at, report_at)
        return
    if timing is None:
        flow.casework.follow(file, first_at=visit_at, report_at=report_at)
        return
    decided = max(assigned + DAY * around(rng, timing.assess_days), done + HOUR * rng.uniform(2, 72))
    carried = incident.carry_for is not None
    kept_open = (carried and incident.open_through is None) or incident.kept_open
    if not (carried or incident.kept_open) and rng.random() < timing.not_opened:
        file.stop = decided
        flow.casework.follow(file, first_at=visit_at, report_at=report_at)
        set_status(flow, case, CaseStatus.NOT_OPENED, decided, by)
        if decided <= flow.end:
            flow.not_opening.add(case.pk)
        return
    set_status(flow, case, CaseStatus.SERVING, decided, by)
    if kept_open:
        flow.casework.follow(file, first_at=visit_at, report_at=report_at)
        return  # still open at the end
    served = DAY * around(rng, timing.serve_days, spread=0.55)
    review = decided + served
    if incident.open_through is not None:
        # Closed before the end: the caseloads then are the flow's and those balanced after it.
        review = min(review, flow.end - DAY * rng.uniform(*CHECKPOINT_CARRIED_CLOSED))
    if file.last_day is not None:
        # The worker closes the case before leaving rather than leave it to nobody.
        leaving = datetime.datetime.combine(file.last_day, datetime.time(10), tzinfo=TAIPEI)
        review = min(review, max(leaving - DAY * rng.uniform(*HAND_OVER), decided + DAY))
    if incident.open_through is not None:
        # Open through the checkpoint, even when its worker leaves right after it.
        review = max(review, incident.open_through + HOUR * rng.uniform(9, 33), decided + DAY)
    if case.route in ("FPC", "SWC") and rng.random() < FOLLOW_UP_SHARE:
        set_status(flow, case, CaseStatus.FOLLOW_UP, review - min((review - decided) * 0.3, DAY * 60), by)
    set_status(flow, case, CaseStatus.REVIEW, review, by)
    closes = review + DAY * rng.uniform(2, 14)
    set_status(flow, case, CaseStatus.CLOSED, closes, by)
    flow.closing_at[case.pk] = closes
    if case.pk in flow.protected:
        protect(flow, case, closes)
    file.stop = review
    flow.casework.follow(file, first_at=visit_at, report_at=report_at)


def case_file(flow: Flow, case: Case, incident: Incident, by: Any, written: bool) -> CaseFile:
    subject = next((s for s in incident.subjects if s.person.pk == case.person_id), incident.subjects[0])
    dimensions = tuple(f.split(":", 1)[1] for f in subject.flags if f.startswith("vulnerability:"))
    return CaseFile(
        case=case,
        by=by,
        role=subject.role,
        types=tuple(subject.types),
        tipvda=subject.tipvda,
        dimensions=dimensions,
        psychiatric=flow.people.psychiatric.get(subject.person.national_id),
        last_day=flow.last_days.get(case.lead_id or 0),
        written_report=written,
    )


def meet_time(
    flow: Flow, clock: Clock, assigned: datetime.datetime, incident: Incident
) -> datetime.datetime | None:
    rng = flow.rng
    starts, due = clock.starts_at, clock.due_at
    window = due - starts
    if incident.persona == OVERDUE_VISIT and clock.name == "vf_first_visit":
        return None
    if incident.persona and due > flow.end:
        return None  # the demo worker's clocks still running
    if rng.random() < LATE_CLOCK_SHARE:
        met = due + window * rng.uniform(0.05, 0.6)
    else:
        met = starts + window * rng.uniform(0.3, 0.95)
    met = max(met, assigned + HOUR * rng.uniform(1, 8))
    if met > flow.end:
        if due > flow.end - ALL_MET_BEFORE or incident.persona:
            return None
        met = max(flow.end - HOUR * rng.uniform(1, 48), assigned + HOUR)
    return met


def set_status(flow: Flow, case: Case, status: str, at: datetime.datetime, by: Any) -> None:
    def move() -> None:
        if case.pk in flow.closed_early:
            return  # closed for the checkpoint's caseloads
        if status == CaseStatus.REVIEW:
            cases.request_closure(
                case,
                reason="goals_met",
                checklist=["plan_reviewed", "last_assessment", "family_informed"],
                open_clocks_reason="服務目標達成，後續訪視不再需要",
                by=by,
                at=at,
            )
        elif status == CaseStatus.CLOSED:
            closure = case.closures.filter(approved__isnull=True).first()
            if closure is not None:
                cases.decide_closure(closure, approve=True, by=flow.supervisors.get(case.unit_id), at=at)
        else:
            cases.change_status(case, status, by=by, at=at, reason="訪視後評估不需開案")

    flow.at(at, move)


def protect(flow: Flow, case: Case, closes: datetime.datetime) -> None:
    """A case counted on the checkpoint that a report after its closure would reopen when its worker
    has left, for another worker (who would count it on the checkpoint): its person is named by no
    new report from the day before it closes until the re-report window has passed."""
    last = timezone.localdate(add_months(closes, rereport_months())) + DAY
    left = flow.last_days.get(case.lead_id or 0)
    if left is not None and left <= last:
        flow.people.hold(case.person_id, timezone.localdate(closes) - DAY, last)


def rereport_months() -> int:
    """The re-report window of the rule set in force: a report within it reopens a closed case."""
    return current_rule_set().rereport_window_months


def next_office_moment(after: datetime.datetime, rng: random.Random) -> datetime.datetime:
    """A supervisor's next look at the queue: within hours on a working day, else the next morning."""
    local = after.astimezone(TAIPEI)
    if local.weekday() < 5 and 8 <= local.hour < 17:
        return after + HOUR * rng.triangular(0.2, 4, 0.8)
    day = local.date() + (DAY if local.hour >= 8 else datetime.timedelta(0))
    while day.weekday() >= 5:
        day += DAY
    return datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=TAIPEI) + HOUR * rng.triangular(
        0, 3, 0.5
    )


def around(rng: random.Random, median: float, spread: float = 0.4) -> float:
    """A duration in days around `median` (log-normal), at least one day."""
    return max(1.0, median * math.exp(rng.gauss(0, spread)))
