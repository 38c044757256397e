"""Receiving each report as the screener account, and screening it a few hours later."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from safetynet.cases.models import Clock
from safetynet.demo.incidents import Incident
from safetynet.demo.reports.progress import follow
from safetynet.demo.reports.scheduler import DAY, HOUR, TAIPEI
from safetynet.demo.reports.state import Flow
from safetynet.demo.reports.subjects import record_registry
from safetynet.demo.workday import UNSCREENED
from safetynet.intake import services as intake
from safetynet.intake.models import Channel, Dispatch, DispatchOutcome, Report
from safetynet.people import services as people
from safetynet.people.models import MemberRole, Registry, RelationKind

# Screening: a few decided after the 24-hour clock (met late), a few overriding the suggestion.
LATE_SCREENING_SHARE = 0.03
OVERRIDE_SHARE = 0.03


def receive(flow: Flow, incident: Incident) -> None:
    document = {
        "received_at": incident.received.isoformat(),
        "area": incident.area,
        "source": incident.source,
        "subjects": [s.document() for s in incident.subjects],
    }
    if incident.narrative:
        document["narrative"] = incident.narrative
    if incident.reporter:
        document["reporter"] = incident.reporter
    if incident.plan is not None:
        flow.workday.receiving(incident)
    screener = flow.screeners.get(incident.area)
    report = intake.receive_report(document, by=screener, channel=Channel.WEB).report
    flow.summary.reports += 1
    if any(s.person.pk == 0 for s in incident.subjects):
        register_new(flow, report, incident)
    on = incident.received.date()
    for subject in incident.subjects:
        if "SU" in subject.types:  # the national suicide-report system has it from today on
            record_registry(flow, Registry.SUICIDE, subject.person, on)
    if not incident.persona:  # the demo accounts' families are named by no other report
        flow.history[(incident.area, incident.kind)].append(incident)
    if incident.persona == UNSCREENED:
        return
    urgent = any(
        f in ("serious_injury", "imminent_danger", "under6_unattended", "sexual_abuse_access")
        for s in incident.subjects
        for f in s.flags
    ) or any((s.tipvda or 0) >= flow.tipvda_high for s in incident.subjects)
    when = incident.received + screening_delay(flow, incident.received, urgent)
    if incident.persona:
        when = min(when, flow.end - datetime.timedelta(minutes=5))  # the desk's last report of the day
    flow.at(when, lambda: screen(flow, report, incident, when))


def register_new(flow: Flow, report: Report, incident: Incident) -> None:
    """Persons the report registered get a household (the worker records the family) and a relation."""
    rows = {s.ref: s for s in report.subjects.select_related("person")}
    for subject in incident.subjects:
        if subject.person.pk == 0:
            flow.people.register(subject.person, rows[subject.ref].person_id)
    new = sorted(
        ((s.person, rows[s.ref].person) for s in incident.subjects if rows[s.ref].matched_by == "new"),
        key=lambda n: n[0].born,
    )
    related = len(new) == 2 and incident.relation
    if related and incident.relation != RelationKind.EX_PARTNER:
        (_, older), (_, younger) = new
        household = people.create_household(older, town=older.town)
        role = MemberRole.CHILD if incident.relation == RelationKind.PARENT else MemberRole.SPOUSE
        people.add_household_member(household, younger, role)
    else:
        for _, person in new:
            people.create_household(person, town=person.town)
    if related:
        (_, older), (_, younger) = new
        people.relate_persons(older, younger, incident.relation)


def screening_delay(flow: Flow, received: datetime.datetime, urgent: bool) -> datetime.timedelta:
    """The desk screens in the day within hours; what comes at night waits for the morning unless
    urgent or taken by the screener on duty. A few are decided after the 24-hour clock."""
    rng = flow.rng
    if rng.random() < LATE_SCREENING_SHARE and received < flow.end - 3 * DAY:
        return HOUR * rng.uniform(24.5, 40)
    if urgent or 8 <= received.hour < 17 or rng.random() < 0.3:
        return HOUR * rng.triangular(0.3, 6 if received.weekday() < 5 else 8, 1.2)
    morning = datetime.datetime.combine(received.date(), datetime.time(8), tzinfo=TAIPEI)
    if received.hour >= 8:
        morning += DAY
    return morning - received + HOUR * rng.triangular(0.2, 4, 1)


def screen(flow: Flow, report: Report, incident: Incident, at: datetime.datetime) -> None:
    user = flow.screeners.get(incident.area)
    choices, reason = None, ""
    if incident.plan is not None:
        choices, reason = flow.workday.screening(report, incident)
    elif flow.rng.random() < OVERRIDE_SHARE and not incident.persona and incident.carry_for is None:
        choices, reason = override(report)
    with flow.workday.dispatching(incident):
        screening = intake.screen_report(report, by=user, routes=choices, reason=reason, at=at)
    flow.summary.screened += 1
    flow.summary.overridden += int(screening.overridden)
    dispatches = Dispatch.objects.filter(screening=screening).select_related("case").order_by("pk")
    opened, reopened = [], []
    for dispatch in dispatches:
        if dispatch.case is None:
            continue
        if dispatch.outcome in (DispatchOutcome.ASSIGNED, DispatchOutcome.QUEUED):
            opened.append(dispatch.case)
        elif dispatch.outcome == DispatchOutcome.REOPENED:
            reopened.append(dispatch.case)  # 結案後再通報: the case is worked again
    clocks: dict[int, list[Clock]] = defaultdict(list)
    for clock in Clock.objects.filter(case__in=opened).order_by("pk"):
        clocks[clock.case_id].append(clock)  # type: ignore[index]
    for case in opened:
        flow.summary.cases += 1
        follow(flow, case, clocks[case.pk], incident, at)
    for case in reopened:
        flow.summary.reopened += 1
        follow(flow, case, [], incident, at)


def override(report: Report) -> tuple[list[intake.RouteChoice] | None, str]:
    """A plausible change a screener makes to the suggestion, with the reason, or none."""
    routes: list[dict[str, Any]] = report.suggestion.get("routes", [])
    kept = [intake.RouteChoice(r["subject"], r["route"], r.get("priority")) for r in routes]
    for index, route in enumerate(routes):
        change: tuple[str, int | None, str] | None = None
        if route["route"] == "FPC" and route.get("priority") == 2:
            change = ("FPC", 1, "電話查證後研判有立即危險，提高為優先處理")
        elif route["route"] == "SWC":
            change = ("FPC", 2, "經查有疑似保護情事，改由家防中心調查")
        elif (
            route["route"] == "NONE" and report.subjects.filter(ref=route["subject"], role="family").exists()
        ):
            change = ("CV", None, "家屬表示個案近期未規律就醫，轉關懷訪視員追蹤")
        if change is not None:
            kept[index] = intake.RouteChoice(route["subject"], change[0], change[1])
            return kept, change[2]
    return None, ""
