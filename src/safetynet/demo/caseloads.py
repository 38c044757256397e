"""Seed 000's caseloads in the demo: 嘉義縣's 心理衛生社工 and 處遇協調社工 carry the cases it reports.

Seed 000 (嘉義縣, 110-11) lists the open cases of each worker: seven 心理衛生社工 (mhsw) with 29, 27, 29,
32, 32, 34 and 28 (211 against a standard of about 25: the overload the supervisor's page must show),
and the 處遇協調社工 (tcsw) with 120 (性侵) and 46 (家暴). The demo county hires along its staffing plan,
so on its last day it may employ more (or fewer) of them than the seed names: the figures go to the
longest-serving workers of the role, in the seed's order; when fewer are employed, the figures of the
missing ones are added to the others', so the role's total stays the seed's. Any further worker of the
role carries what the report flow gave them. At a smaller `--scale` each figure shrinks in proportion
(at least 1), so the shape stays.

After the flow, a worker below the figure takes on cases carried over (a report received and screened
while they were employed, assigned to them by the supervisor, with the contact history the case work
gives); a worker above it closes the extra cases through the supervisor's approval.

The same figures hold on seed 000's own day, `CHECKPOINT` (the day the indicator engine measures plan
year 110's staffing and caseloads): the workers employed then lead exactly the figures open at the end
of that day, counted as the engine counts them (`open_on`). The report flow balances them there, in the
middle of its run, so that every later dispatch sees the overload; the cases carried over for that day
came in during the weeks before it and are closed later in the flow like any other.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Max, QuerySet

from safetynet.cases import services as cases
from safetynet.cases.models import Case, Contact, StatusChange
from safetynet.domain.casestatus import CaseStatus
from safetynet.org.models import Staff

COUNTY = "10010"  # 嘉義縣
SEED_000 = {"mhsw": (29, 27, 29, 32, 32, 34, 28), "tcsw": (120, 46)}
# Seed 000 is the record of the administrative-guidance visit (行政輔導) to 嘉義縣 on 110-11-24: its
# head counts (心理衛生社工 7 of 9, 處遇協調社工 3 of 3) and caseloads are those of that day.
CHECKPOINT = datetime.date(2021, 11, 24)
# Cases carried over for the checkpoint came in this many days before it (a worker hired in the last
# weeks takes over cases that waited in the supervisor's queue for the seat, up to QUEUED_FOR days).
CHECKPOINT_CARRY = (120, 14)
QUEUED_FOR = 45
TAIPEI = ZoneInfo("Asia/Taipei")
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
CLOSING_CHECKLIST = ["plan_reviewed", "last_assessment", "family_informed"]


@dataclass(frozen=True)
class Target:
    staff: Staff
    role: str
    cases: int


def mapped(figures: tuple[int, ...], workers: int) -> list[int]:
    """The seed's figures for `workers` workers: one each, or folded onto fewer so the total stays."""
    if workers >= len(figures) or workers == 0:
        return list(figures)
    folded = [0] * workers
    for index, figure in enumerate(figures):
        folded[index % workers] += figure
    return folded


def scaled(figure: int, scale: float) -> int:
    return max(1, round(figure * scale))


def targets(scale: float, day: datetime.date) -> list[Target]:
    """Who carries how many open cases on `day`, longest-serving first within each role."""
    found = []
    for role, figures in SEED_000.items():
        staff = list(
            Staff.objects.filter(unit__county_id=COUNTY, role__code=role)
            .active_on(day)
            .select_related("user", "unit")
            .order_by("hired_on", "pk")
        )
        for member, figure in zip(staff, mapped(figures, len(staff)), strict=False):
            found.append(Target(member, role, scaled(figure, scale)))
    return found


def end_of(day: datetime.date) -> datetime.datetime:
    """The last moment of `day` in Taipei (midnight after it): what is open then was open that day."""
    return datetime.datetime.combine(day + DAY, datetime.time(), tzinfo=TAIPEI)


def open_on(staff: Staff, moment: datetime.datetime) -> QuerySet[Case]:
    """The cases `staff` leads that were open at `moment`, as the indicator engine counts them: opened
    by then, not closed by then, and not 未成案 (found to need no case); the lead is the current one."""
    return Case.objects.open_at(moment).filter(lead=staff)


def open_count(staff: Staff) -> int:
    return Case.objects.open().filter(lead=staff).count()


def close_extra(
    rng: random.Random,
    target: Target,
    supervisor: Any,
    end: datetime.datetime,
    *,
    extra: int | None = None,
    keep: Collection[int] = (),
) -> list[Case]:
    """Close `extra` of the worker's open cases (by default those above the figure), oldest first but
    those in `keep`, with the supervisor's approval, in the last days before `end` and after anything
    recorded on them; the cases closed."""
    if extra is None:
        extra = open_count(target.staff) - target.cases
    closed: list[Case] = []
    candidates = Case.objects.filter(
        lead=target.staff, status__in=[CaseStatus.ASSESSING, CaseStatus.SERVING, CaseStatus.FOLLOW_UP]
    ).order_by("opened_at", "pk")
    for case in candidates:
        if len(closed) >= extra:
            break
        if case.pk in keep:
            continue
        last = max(
            [
                t
                for t in (
                    Contact.objects.filter(case=case).aggregate(t=Max("occurred_at"))["t"],
                    StatusChange.objects.filter(case=case).aggregate(t=Max("at"))["t"],
                )
                if t is not None
            ],
            default=case.opened_at,
        )
        asked = max(end - DAY * rng.uniform(1, 6), last + HOUR)
        decided = asked + HOUR * rng.uniform(1, 20)
        if decided > end:
            continue
        closure = cases.request_closure(
            case,
            reason="goals_met",
            checklist=CLOSING_CHECKLIST,
            open_clocks_reason="服務目標達成，後續訪視不再需要",
            by=target.staff.user,
            at=asked,
        )
        cases.decide_closure(closure, approve=True, by=supervisor, at=decided)
        closed.append(case)
    return closed


def carry_window(
    staff: Staff, first: datetime.date, last: datetime.date, end: datetime.datetime, span: datetime.timedelta
) -> tuple[datetime.date, datetime.date]:
    """The days a carried-over case may have come in: while the worker was employed, within `span`
    before the end, and inside the plan years (`first`-`last`) when the worker's time allows."""
    starts = max(staff.hired_on + 14 * DAY, first, (end - span).date())
    ends = last if last >= starts else (end - 14 * DAY).date()
    return starts, max(starts, ends)


def checkpoint_window(staff: Staff, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The days a case carried over for `day` may have come in: while the worker was employed, within
    `CHECKPOINT_CARRY` days before; for a worker hired in the last weeks, the weeks before they came,
    when it waited in the queue (the flow assigns it on their first day)."""
    earliest, latest = (day - DAY * n for n in CHECKPOINT_CARRY)
    starts = max(staff.hired_on + 14 * DAY, earliest)
    if starts > latest:
        starts = max(staff.hired_on - QUEUED_FOR * DAY, earliest)
    return starts, max(starts, latest)
