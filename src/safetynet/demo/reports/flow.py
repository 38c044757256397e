"""The flow from the first plan year to the demo's end, day by day, in time order."""

from __future__ import annotations

import datetime
import random
from functools import partial
from typing import Any

from safetynet.cases import services as cases
from safetynet.core import services as notifications
from safetynet.demo import caseloads, teamwork
from safetynet.demo.reports.checkpoint import balance_at_checkpoint, balance_caseloads
from safetynet.demo.reports.flowdata import FlowData, load_flow
from safetynet.demo.reports.scheduler import DAY, HOUR, TAIPEI
from safetynet.demo.reports.screening import receive
from safetynet.demo.reports.state import Flow, FlowSummary
from safetynet.demo.reports.subjects import (
    draw_flags,
    draw_subjects,
    high_risk_incidents,
    incidents_of,
    received_at,
    seed_registry,
)
from safetynet.demo.staffing import year_end, year_start
from safetynet.org.models import UnitKind

# The demo's last moment: late afternoon of `today`, when the screening desk still has reports waiting.
END_OF_DEMO = datetime.time(16, 30)
# A demo that runs on past its plan years draws this last stretch's reports too (at the last plan
# year's volume), so that on the day it is built the county is at work — recent dispatches, cases in
# every unit, clocks running — however long after the plan years that is, for a few seconds more.
RECENT_REPORTS = datetime.timedelta(days=91)


def last_moment(today: datetime.date, years: tuple[int, int], now: datetime.datetime) -> datetime.datetime:
    """The demo's end. A demo that runs on to the present (whole plan years, or up to the day it is
    built on) ends as that day starts in Taipei: after the last plan year the flow draws only the last
    `RECENT_REPORTS`' reports and the demo accounts' own, while the cases open go on (visits, closures)
    until then. Any other ends on `today` in the late afternoon. Never a time of day that depends on
    when it is built: the same seed gives the same county all day."""
    day = now.astimezone(TAIPEI).date()
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=TAIPEI)
    if today >= min(year_end(years[1]), day):
        return start
    return min(datetime.datetime.combine(today, END_OF_DEMO, tzinfo=TAIPEI), start)


def simulate_reports(
    rng: random.Random,
    *,
    years: tuple[int, int],
    scale: float,
    today: datetime.date,
    end: datetime.datetime,
    id_letters: dict[str, str],
    data: FlowData | None = None,
    referral_rng: random.Random | None = None,
) -> FlowSummary:
    """Receive, screen and dispatch the demo's reports of `years` up to `today`, and do what follows
    from them up to `end` (see `last_moment`), in time order; with `referral_rng`, workers refer some
    cases to partners, who answer (`safetynet.demo.partners`)."""
    flow = Flow(rng, data or load_flow(), years, scale, today, end, id_letters, referral_rng)
    run(flow)
    return flow.summary


def run(flow: Flow) -> None:
    seed_registry(flow)
    first = year_start(flow.years[0])
    last = min(flow.today, year_end(flow.years[1]))
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=TAIPEI)
    personas = flow.workday.incidents(
        start, partial(draw_subjects, flow), partial(draw_flags, flow), partial(received_at, flow)
    )
    for day, fixed in high_risk_incidents(flow).items():
        personas[day] += fixed
    plan_risk_meetings(flow, first)
    recent = (flow.end - RECENT_REPORTS).date()
    day = first
    while day <= flow.end.date():
        drawn = incidents_of(flow, day) if day <= last or day >= recent else []
        for incident in drawn + personas.pop(day, []):
            flow.at(incident.received, lambda i=incident: receive(flow, i))  # type: ignore[misc]
        midnight = datetime.datetime.combine(day + DAY, datetime.time(), tzinfo=TAIPEI)
        flow.scheduler.run_until(midnight)
        if day == caseloads.CHECKPOINT and first <= day and midnight <= flow.end:
            balance_at_checkpoint(flow)
        day += DAY
    flow.scheduler.drain()
    balance_caseloads(flow, first, last)
    flow.summary.supervision_sessions = teamwork.hold_supervision(flow.rng, first, flow.end)
    # What the scheduled job does on its next run: clocks past due and unmet are marked, once.
    cases.mark_overdue(flow.end)
    # Everyone has read what came more than two weeks ago.
    seen = flow.end - 14 * DAY
    for user in {u for u in flow.staff_users.values() if u is not None}:
        notifications.mark_read(user, up_to=seen, at=seen)


def plan_risk_meetings(flow: Flow, first: datetime.date) -> None:
    """Each county's monthly 高危機網絡會議, chaired by a supervisor of its 家防中心."""
    for county in flow.counties:
        fpc = next((u for u in flow.units.values() if u.county_id == county and u.kind == UnitKind.FPC), None)
        chair = flow.supervisors.get(fpc.pk) if fpc else None
        if chair is None:
            continue
        for held_on in teamwork.meeting_days(first, flow.end.date()):
            moment = datetime.datetime.combine(held_on, datetime.time(14), tzinfo=TAIPEI)
            recorded = min(moment + 3 * HOUR, flow.end)
            flow.at(moment, lambda c=county, d=held_on, b=chair, r=recorded: hold_meeting(flow, c, d, b, r))  # type: ignore[misc]


def hold_meeting(
    flow: Flow, county: str, held_on: datetime.date, by: Any, recorded: datetime.datetime
) -> None:
    if teamwork.hold_risk_meeting(flow.rng, county, held_on, by, recorded):
        flow.summary.risk_meetings += 1
