"""The demo's team records: supervision sessions (督導) of each unit and the monthly high-risk meeting.

Supervision follows seed 001, which counts 內督 9 and 外督 5 sessions a year for 嘉義市: most months an
internal session led by the unit's supervisor, five months a year an external one; each discusses a few
of the unit's cases open that day. The 高危機網絡會議 of each county meets monthly while cases are on the
high-risk list, decides on each (kept, or delisted after a TIPVDA re-test below 8), and runs inside the
report flow's event queue, so that it sees the list as it was that month. Everything goes through
`record_supervision` and `record_risk_meeting`; names are invented (`safetynet.demo.names`).
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from safetynet.cases import services as cases
from safetynet.cases.models import Case, MeetingDecision, SupervisionKind
from safetynet.demo import names
from safetynet.domain.rocdate import to_roc_year
from safetynet.intake.rules import current_rule_set
from safetynet.org.models import AccessKind, Staff, Unit, UnitKind

TAIPEI = ZoneInfo("Asia/Taipei")
SERVICE_UNITS = (UnitKind.FPC, UnitKind.SWC, UnitKind.MHC, UnitKind.DPC, UnitKind.YAC)
INTERNAL_SHARE = 0.75  # of the months with a 內督 (seed 001: 9 a year)
EXTERNAL_PER_YEAR = 5  # 外督 (seed 001: 5 a year)
ATTENDANCE = 0.85
MEETING_ATTENDEES = "家防中心、警察局、衛生局、社會處、教育處、地方檢察署、醫院社工室"
INTERNAL_NOTES = (
    "討論個案處遇計畫與風險評估",
    "檢視逾期訪視與案量分配",
    "高風險個案安全計畫討論",
    "新進人員個案討論與記錄撰寫",
)
EXTERNAL_NOTES = (
    "外督：個案研討與處遇策略",
    "外督：會談技巧與創傷知情取向",
    "外督：跨網絡合作與資源連結",
    "外督：自殺防治個案討論",
)
CASE_NOTES = (
    "持續追蹤，下月再議",
    "建議提高訪視頻率",
    "評估轉介精神醫療",
    "建議召開網絡會議",
    "可規劃結案",
    "協助連結經濟與就業資源",
)
KEEP_NOTES = (
    "持續列管，警政加強巡邏",
    "持續列管，協助聲請保護令",
    "持續列管，安排庇護與就業協助",
    "持續列管，下月複評",
)
DELIST_NOTE = "TIPVDA 複評低於8分，網絡成員同意解除列管"


# --- the monthly high-risk network meeting -------------------------------------------------------------


def meeting_days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The third Wednesday of each month from `first` to `last`."""
    days = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        day = datetime.date(year, month, 15)
        day += datetime.timedelta(days=(2 - day.weekday()) % 7)
        if first <= day <= last:
            days.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def hold_risk_meeting(
    rng: random.Random, area: str, day: datetime.date, by: Any, at: datetime.datetime
) -> bool:
    """The county's meeting on `day` for the cases listed then, if any; True when it was held."""
    listed = list(Case.objects.open().filter(area_id=area, high_risk=True).order_by("pk"))
    if not listed:
        return False
    decisions = []
    high = current_rule_set().tipvda_high
    for case in listed:
        tests = case.assessments.valid().filter(instrument="tipvda")
        if case.high_risk_since is not None:
            tests = tests.filter(assessed_at__gte=case.high_risk_since)
        retest = tests.order_by("-assessed_at", "-pk").values_list("total", flat=True).first()
        if retest is not None and retest < high:
            decisions.append(cases.Decision(case, MeetingDecision.DELIST, DELIST_NOTE))
        else:
            decisions.append(cases.Decision(case, MeetingDecision.KEEP, rng.choice(KEEP_NOTES)))
    title = f"{to_roc_year(day)}年{day.month}月高危機網絡會議"
    cases.record_risk_meeting(
        area=area, held_on=day, title=title, decisions=decisions, by=by, attendees=MEETING_ATTENDEES, at=at
    )
    return True


# --- supervision ------------------------------------------------------------------------------------


def hold_supervision(rng: random.Random, first: datetime.date, end: datetime.datetime) -> int:
    """Every service unit's 內督 and 外督 sessions from `first` to `end`; the number recorded."""
    last = end.astimezone(TAIPEI).date()
    held = 0
    units = Unit.objects.filter(kind__in=SERVICE_UNITS, cases__isnull=False).distinct().order_by("pk")
    for unit in units:
        staff = list(
            Staff.objects.filter(unit=unit).select_related("role", "user").order_by("hired_on", "pk")
        )
        workers = [s for s in staff if s.role.kind == AccessKind.CASEWORKER]
        leads = [s for s in staff if s.role.kind == AccessKind.SUPERVISOR and s.user is not None]
        unit_cases = list(
            Case.objects.filter(unit=unit, lead__isnull=False)
            .only("pk", "unit_id", "opened_at", "closed_at", "high_risk")
            .order_by("pk")
        )
        external = names.person_name(rng, "F" if rng.random() < 0.7 else "M")
        months: dict[int, list[int]] = defaultdict(list)
        for year in range(first.year, last.year + 1):
            months[year] = sorted(rng.sample(range(1, 13), EXTERNAL_PER_YEAR))
        for month_start in _months(first, last):
            kinds = [SupervisionKind.INTERNAL] if rng.random() < INTERNAL_SHARE else []
            if month_start.month in months[month_start.year]:
                kinds.append(SupervisionKind.EXTERNAL)
            for kind in kinds:
                day = _weekday_in(month_start, rng)
                if not first <= day <= last:
                    continue
                leader = next((s for s in leads if s.is_active(day)), None)
                present = [w for w in workers if w.is_active(day) and rng.random() < ATTENDANCE]
                if leader is None or not present:
                    continue
                internal = kind == SupervisionKind.INTERNAL
                discussed = _cases_open_on(unit_cases, day, rng)
                cases.record_supervision(
                    unit=unit,
                    kind=kind,
                    held_on=day,
                    supervisor_name=leader.name if internal else external,
                    attendees=present if internal else [leader, *present],
                    cases=[cases.CaseNote(c, rng.choice(CASE_NOTES)) for c in discussed],
                    minutes=rng.choice((90, 120, 120, 150, 180)),
                    notes=rng.choice(INTERNAL_NOTES if internal else EXTERNAL_NOTES),
                    by=leader.user,
                    at=min(end, datetime.datetime.combine(day, datetime.time(17, 30), tzinfo=TAIPEI)),
                )
                held += 1
    return held


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months = []
    day = first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def _weekday_in(month_start: datetime.date, rng: random.Random) -> datetime.date:
    day = month_start + datetime.timedelta(days=rng.randint(5, 24))
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _cases_open_on(unit_cases: list[Case], day: datetime.date, rng: random.Random) -> list[Case]:
    """Two to four of the unit's cases open that day, the high-risk ones first in line."""
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=TAIPEI)
    end = start + datetime.timedelta(days=1)
    open_then = [c for c in unit_cases if c.opened_at < end and (c.closed_at is None or c.closed_at > start)]
    if not open_then:
        return []
    listed = [c for c in open_then if c.high_risk]
    rest = [c for c in open_then if not c.high_risk]
    wanted = rng.randint(2, 4)
    chosen = rng.sample(listed, min(len(listed), rng.randint(0, 2)))
    chosen += rng.sample(rest, min(len(rest), max(0, wanted - len(chosen))))
    return sorted(chosen, key=lambda c: c.pk)
