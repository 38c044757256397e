"""嘉義縣's 心衛社工 and 處遇協調社工 brought to seed 000's caseloads: on seed 000's own day, and after
the flow."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict

from django.utils import timezone

from safetynet.cases.models import Case
from safetynet.demo import caseloads
from safetynet.demo.incidents import Incident, Subject
from safetynet.demo.reports.progress import protect, rereport_months
from safetynet.demo.reports.scheduler import DAY, TAIPEI
from safetynet.demo.reports.screening import receive
from safetynet.demo.reports.state import Flow
from safetynet.demo.reports.subjects import put_on_registry, received_at
from safetynet.domain.casestatus import CaseStatus
from safetynet.domain.clocks import add_months
from safetynet.intake import services as intake
from safetynet.intake.models import Report, ReportSubject
from safetynet.org import services as org
from safetynet.org.models import DispatchMode, Staff

# Cases carried over to bring 嘉義縣's 心衛社工 and 處遇協調社工 to seed 000's caseloads came in within
# this span before the end (心衛社工 cases run a year or more).
CARRY_SPAN = datetime.timedelta(days=900)
TCSW_SEXUAL_ASSAULT_SHARE = 120 / 166  # seed 000: 性侵 120 案, 家暴 46 案


def balance_caseloads(flow: Flow, first: datetime.date, last: datetime.date) -> None:
    """Bring 嘉義縣's 心衛社工 and 處遇協調社工 to seed 000's open caseloads (see `caseloads`): close
    what is above, carry cases over for what is below, through the flow like any other report."""
    wanted = caseloads.targets(flow.scale, flow.end.astimezone(TAIPEI).date())
    if caseloads.COUNTY not in flow.counties:
        return
    if flow.checkpointed:
        # Came in after the checkpoint, so that the caseloads counted on it stay as balanced then.
        first = max(first, caseloads.CHECKPOINT + DAY)
    carried: list[Incident] = []
    for target in wanted:
        supervisor = flow.supervisors.get(target.staff.unit_id)
        if supervisor is not None:
            closed = caseloads.close_extra(flow.rng, target, supervisor, flow.end)
            flow.summary.closed_for_caseload += len(closed)
        missing = target.cases - caseloads.open_count(target.staff)
        window = caseloads.carry_window(target.staff, first, last, flow.end, CARRY_SPAN)
        carried += [carried_incident(flow, target, window) for _ in range(missing)]
    take_on(flow, carried, until=None)
    flow.summary.carried_over = len(carried)


def take_on(flow: Flow, carried: list[Incident], until: datetime.datetime | None) -> None:
    """Receive the carried reports and do what follows from them up to `until` (None: to the end).
    The supervisor assigns each case to its worker: the units confirm dispatch meanwhile."""
    modes = {}
    for unit_id in sorted({i.carry_for.unit_id for i in carried if i.carry_for is not None}):
        unit = flow.units[unit_id]
        modes[unit_id] = unit.dispatch_mode
        org.set_dispatch_mode(unit, DispatchMode.CONFIRM)
    for incident in sorted(carried, key=lambda i: i.received):
        flow.at(incident.received, lambda i=incident: receive(flow, i))  # type: ignore[misc]
    if until is None:
        flow.scheduler.drain()
    else:
        flow.scheduler.run_until(until)
    for unit_id, mode in modes.items():
        org.set_dispatch_mode(flow.units[unit_id], mode)


def balance_at_checkpoint(flow: Flow) -> None:
    """Bring 嘉義縣's 心衛社工 and 處遇協調社工 employed on seed 000's day to its caseloads at the end of
    that day, once the flow has done everything before then: the extra cases are closed, the missing
    ones carried over (they came in during the weeks before, and stay open past the day).

    The count is the one the indicator engine will make after the whole flow (`caseloads.open_on`:
    by the current lead, the current status), so what would still change it is dealt with here:
    cases planned to be found 未成案 later are not counted; cases waiting for the supervisor are
    given now to the worker they will go to (one without a figure if there is one); a report in but
    not yet screened that will reopen a closed case is counted. A case reopened by a later report
    would count again (closed before the day) or for another worker (its own has left by then):
    the persons of such cases are named by no new report while the re-report window lasts.
    """
    day = caseloads.CHECKPOINT
    moment = caseloads.end_of(day)
    wanted = caseloads.targets(flow.scale, day)
    if caseloads.COUNTY not in flow.counties or not wanted:
        return
    flow.checkpointed = True
    counted = {
        t.staff.pk: set(caseloads.open_on(t.staff, moment).values_list("pk", flat=True)) - flow.not_opening
        for t in wanted
    }
    extra = reserve_waiting(flow, wanted, counted, moment)
    for lead, number in reopening(flow, moment, counted).items():
        extra[lead] += number
    busy = set(
        ReportSubject.objects.filter(
            report__screening__isnull=True, report__received_at__lte=moment
        ).values_list("person_id", flat=True)
    )
    carried: list[Incident] = []
    for target in wanted:
        over = len(counted[target.staff.pk]) + extra[target.staff.pk] - target.cases
        supervisor = flow.supervisors.get(target.staff.unit_id)
        if over > 0 and supervisor is not None:
            # Not a case planned to be 未成案, nor one of a person a report waiting for screening names.
            keep = flow.not_opening | set(
                Case.objects.filter(lead=target.staff, person_id__in=busy).values_list("pk", flat=True)
            )
            closed = caseloads.close_extra(flow.rng, target, supervisor, moment, extra=over, keep=keep)
            for case in closed:
                flow.closed_early.add(case.pk)
                flow.casework.files.pop(case.pk, None)
            flow.summary.closed_at_checkpoint += len(closed)
            over -= len(closed)
        window = caseloads.checkpoint_window(target.staff, day)
        carried += [carried_incident(flow, target, window, open_through=moment) for _ in range(max(0, -over))]
        hold_closed(flow, target.staff, moment)
    take_on(flow, carried, until=moment)
    flow.summary.carried_at_checkpoint = len(carried)
    for target in wanted:
        flow.protected |= set(caseloads.open_on(target.staff, moment).values_list("pk", flat=True))
    flow.protected |= set(flow.reserved)
    for case in Case.objects.filter(pk__in=sorted(flow.protected)).order_by("pk"):
        if case.pk in flow.closing_at:
            protect(flow, case, flow.closing_at[case.pk])


def reserve_waiting(
    flow: Flow, wanted: list[caseloads.Target], counted: dict[int, set[int]], moment: datetime.datetime
) -> dict[int, int]:
    """Give the cases of the workers' routes still waiting for the supervisor at `moment` to a worker
    employed then (one without a figure first, else the one furthest below it); how many each got."""
    day = caseloads.CHECKPOINT
    figures = {t.staff.pk: t.cases for t in wanted}
    given: dict[int, int] = defaultdict(int)
    roles = {t.role for t in wanted}
    routes = sorted(r for r, s in flow.services.items() if roles & set(s.roles))
    waiting = Case.objects.filter(
        unit_id__in={t.staff.unit_id for t in wanted},
        route__in=routes,
        status=CaseStatus.PENDING,
        opened_at__lte=moment,
    ).order_by("opened_at", "pk")

    def room(staff: Staff) -> float:
        if staff.pk not in figures:
            return math.inf
        return figures[staff.pk] - len(counted[staff.pk]) - given[staff.pk]

    for case in waiting:
        service = flow.services[case.route]
        pool = list(
            Staff.objects.filter(unit_id=case.unit_id, role__code__in=service.roles)
            .active_on(day)
            .order_by("hired_on", "pk")
        )
        if not pool:
            continue
        chosen = max(pool, key=room)
        flow.reserved[case.pk] = chosen
        given[chosen.pk] += 1
    return given


def reopening(flow: Flow, moment: datetime.datetime, counted: dict[int, set[int]]) -> dict[int, int]:
    """Cases of the workers closed by `moment` that a report received by then, screened after, will
    reopen (its suggested routes are kept for these routes: see `screening.override`); how many each."""
    found: dict[int, int] = defaultdict(int)
    months = rereport_months()
    waiting = Report.objects.filter(screening__isnull=True, received_at__lte=moment).order_by("pk")
    for report in waiting:
        refs = {s.ref: s.person_id for s in report.subjects.all()}
        for route in report.suggestion.get("routes", []):
            person = refs.get(route.get("subject"))
            if person is None:
                continue
            closed = intake.closed_within_window(person, route.get("route"), report, months)
            if closed is not None and closed.lead_id in counted:
                found[closed.lead_id] += 1
    return found


def hold_closed(flow: Flow, staff: Staff, moment: datetime.datetime) -> None:
    """Persons of the worker's cases closed within the re-report window before `moment`: no new
    report names them until that window has passed (it would reopen the case, counted again)."""
    months = rereport_months()
    closed = Case.objects.filter(
        lead=staff,
        status=CaseStatus.CLOSED,
        closed_at__gte=add_months(moment, -months),
        closed_at__lte=moment,
    ).values_list("person_id", "closed_at")
    for person, closed_at in closed:
        assert closed_at is not None  # noqa: S101 - filtered on it
        flow.people.hold(person, moment.date(), timezone.localdate(add_months(closed_at, months)) + DAY)


def carried_incident(
    flow: Flow,
    target: caseloads.Target,
    window: tuple[datetime.date, datetime.date],
    open_through: datetime.datetime | None = None,
) -> Incident:
    """A report that brought the worker a case: a domestic-violence respondent on the psychiatric
    registry (心衛社工, rule 4) or under a court-ordered treatment plan (處遇協調社工)."""
    rng, area = flow.rng, caseloads.COUNTY
    starts, ends = window
    day = starts + DAY * rng.randint(0, (ends - starts).days)
    while day.weekday() >= 5:
        day -= DAY
    received = received_at(flow, max(day, starts), "JUDICIAL")
    on = received.date()
    person = flow.people.new_aged(area, "M" if rng.random() < 0.85 else "F", 20, 65, on)
    if target.role == "mhsw":
        kind, source, flags = rng.choice(("IPV", "IPV", "FV")), "PROTECTIVE", []
        put_on_registry(flow, person, on - DAY * rng.randint(60, 1500))
    else:
        sexual = rng.random() < TCSW_SEXUAL_ASSAULT_SHARE
        kind, source, flags = ("SA" if sexual else "IPV"), "JUDICIAL", ["court_ordered_treatment"]
    subjects = [Subject("s1", "respondent", [kind], person, flags)]
    return Incident(area, kind, received, source, subjects, carry_for=target.staff, open_through=open_through)
