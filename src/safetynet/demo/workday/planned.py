"""The fixed reports of the demo accounts' working day (data/working_day.toml) and what each becomes."""

from __future__ import annotations

import datetime
import functools
import random
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from safetynet.demo.incidents import Someone

TAIPEI = ZoneInfo("Asia/Taipei")
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

# Marks of the planned incidents.
UNSCREENED = "unscreened"  # waits for the screening desk
WAITING = "waiting"  # screened; the case waits for the supervisor (待分派)
NEW = "new"  # assigned to its worker, first visit not made or just made (評估中)
OVERDUE_VISIT = "overdue_visit"  # assigned; the first visit is overdue
SERVING = "serving"  # served for months (處遇中), visits on time; the next falls due this week
CLOSING = "closing"  # served, then its closure asked (督導審核中), or asked and approved (已結案)
TRANSFER = "transfer"  # served by another unit, whose family moved: transfer asked to the worker's unit
FAMILY = "family"  # SERVING, about a child of a household of five …
COCASE = "cocase"  # … whom a later report brings to 家防中心 as well (共案)
SERVED = (SERVING, CLOSING, TRANSFER, FAMILY)

OPEN_CLOCKS_REASON = "服務目標達成，後續訪視不再需要"


@dataclass(frozen=True)
class PlannedReferral:
    organization: str
    category: str
    sent: int  # working days before the end
    moves: tuple[tuple[str, int, str], ...] = ()  # the partner's: (state, working days before the end, note)


@dataclass(frozen=True)
class PlannedClosure:
    asked: int  # working days before the end
    reason: str
    checklist: tuple[str, ...]
    summary: str
    open_clocks: str = OPEN_CLOCKS_REASON  # why the visit plan's clock may stop
    approved: int | None = None  # the supervisor approved it this many working days before the end


@dataclass(frozen=True)
class Planned:
    """One fixed report of the demo accounts' working day, and what becomes of its case."""

    mark: str
    ago: float  # days before the end the report came in
    kind: str = "VF"
    source: str = "SOCIAL"
    narrative: str = ""
    lead: str = ""  # the demo account whose case it becomes
    priority: int | None = None  # the screener raises the route's priority (with a reason)
    due_in: float | None = None  # SERVING: the plan's next visit falls due this many days after the end
    closure: PlannedClosure | None = None
    transfer: int = 0  # working days before the end the transfer is asked (the family moved the day before)
    referral: PlannedReferral | None = None
    members: int = 2  # persons of the household (a parent and the child the report names; FAMILY: five)


DATA = Path(__file__).resolve().parent.parent / "data"


@functools.cache
def plan() -> tuple[Planned, ...]:
    """The fixed reports (data/working_day.toml), in the order the file gives them."""
    with (DATA / "working_day.toml").open("rb") as handle:
        return tuple(_planned(row) for row in tomllib.load(handle)["report"])


def _planned(row: dict[str, Any]) -> Planned:
    fields = dict(row)
    ago = fields.pop("hours_ago") / 24 if "hours_ago" in fields else fields.pop("days_ago")
    referral, closure = fields.pop("referral", None), fields.pop("closure", None)
    return Planned(
        ago=ago,
        referral=None
        if referral is None
        else PlannedReferral(**{**referral, "moves": tuple(tuple(m) for m in referral.get("moves", ()))}),
        closure=None
        if closure is None
        else PlannedClosure(**{**closure, "checklist": tuple(closure["checklist"])}),
        **fields,
    )


@dataclass
class Family:
    """The household of a planned report's child: registered with the report, as the worker would."""

    town: str
    address: str
    members: list[tuple[Someone, str, list[str]]] = field(default_factory=list)  # person, role, phones
    relations: list[tuple[int, int, str]] = field(default_factory=list)  # (from, to, RelationKind)
    child: int = 1  # the member the report names
    registered: bool = False

    @property
    def persons(self) -> list[Someone]:
        return [someone for someone, _, _ in self.members]


@dataclass
class PersonaCase:
    """A planned incident: its plan, and the household it is about."""

    spec: Planned
    family: Family | None = None


def working_moment(end: datetime.datetime, days: int, rng: random.Random) -> datetime.datetime:
    """A moment in office hours `days` working days before the end's day, and an hour before the end
    at the latest (the end is usually the start of a day: 0 is then the evening before)."""
    day = end.astimezone(TAIPEI).date()
    counted = 0
    while counted < days or day.weekday() >= 5:
        day -= DAY
        if day.weekday() < 5:
            counted += 1
    hour = rng.choice((9, 10, 10, 11, 14, 14, 15, 16))
    moment = datetime.datetime.combine(day, datetime.time(hour, rng.randrange(0, 60, 5)), tzinfo=TAIPEI)
    return min(moment, end - HOUR)
