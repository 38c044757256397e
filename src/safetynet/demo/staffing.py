"""Who sat in which seat when: a pure simulation of hiring along the staffing plan.

Each approved seat of a plan line is a `Slot`; a slot is held by a sequence of `Stint`s (one person each)
separated by vacancies. New seats open when a plan year adds them and are filled after a recruiting lag;
people leave after a random tenure and are replaced after another lag. Supervisors never leave in the
demo, because staff keep the supervisor they were hired under and no service moves them to another one.

Head counts the customer reported (`Checkpoint`s, e.g. 心理衛生社工 7 of 9 on 110-11-24) are then met
exactly by moving hire and leaving dates, never before an earlier checkpoint of the same line.
No Django import: the generator turns the stints into staff through the services.
"""

from __future__ import annotations

import csv
import datetime
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from safetynet.domain import rocdate

DAY = datetime.timedelta(days=1)
SUPERVISOR_ROLE = "supervisor"
# Share of staff leaving per year (turnover of 社安網 staff is high; supervisors stay, see above).
LEAVING_RATE = 0.10
# Years in which new seats opened later than 1 January: the phase-2 plan was approved on 110-07-29
# (seed 001: 「社安網二期核定計畫時程太晚(110年7月29日)」), so 110's new seats were advertised in August.
SEATS_OPEN = {110: (8, 1)}
# How far back a seat filled on the first day of its line was first taken (phase 1 began in 107).
CARRIED_OVER_YEARS = 6

_YEAR_COLUMN = re.compile(r"y([0-9]{3})")


class PlanDataError(ValueError):
    """A row of the demo's staffing data is inconsistent; the message names the file and row."""


@dataclass(frozen=True)
class Line:
    """One row of positions.csv."""

    row: int
    area: str
    strategy: int | None
    unit: str
    role: str
    category: str
    funding: str
    approved: dict[int, int]
    filled_at_start: int

    @property
    def first_year(self) -> int:
        return min(self.approved)


@dataclass(frozen=True)
class Checkpoint:
    """A reported head count: `filled` seats of the matching lines on `on` (None: all approved seats)."""

    area: str
    unit: str
    role: str
    category: str
    on: datetime.date
    filled: int | None
    source: str

    def matches(self, line: Line) -> bool:
        return (
            line.area == self.area
            and self.unit in ("", line.unit)
            and self.role in ("", line.role)
            and self.category in ("", line.category)
        )

    @property
    def is_wildcard(self) -> bool:
        return not (self.unit or self.role or self.category)


@dataclass
class Stint:
    hired_on: datetime.date
    left_on: datetime.date | None = None
    pinned: bool = False  # kept as is: the demo accounts are bound to these people

    def covers(self, day: datetime.date) -> bool:
        return self.hired_on <= day and (self.left_on is None or self.left_on >= day)


@dataclass
class Slot:
    year: int  # the plan year that opened the seat
    opens: datetime.date
    closes: datetime.date | None = None
    stints: list[Stint] = field(default_factory=list)

    def holder(self, day: datetime.date) -> Stint | None:
        return next((s for s in self.stints if s.covers(day)), None)

    def exists_on(self, day: datetime.date) -> bool:
        return rocdate.to_roc_year(day) >= self.year and (self.closes is None or self.closes >= day)


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [(number, text) for number, text in enumerate(handle, start=1) if not text.startswith("#")]
    reader = csv.DictReader(text for _, text in lines)
    for (number, _), row in zip(lines[1:], reader, strict=True):
        yield number, {key: (value or "").strip() for key, value in row.items()}


def load_lines(path: Path) -> list[Line]:
    lines: list[Line] = []
    for number, row in _rows(path):
        where = f"{path.name} line {number}"
        approved = {
            int(match.group(1)): int(value)
            for key, value in row.items()
            if (match := _YEAR_COLUMN.fullmatch(key)) and value
        }
        if not approved:
            raise PlanDataError(f"{where}: no approved head count in any year")
        filled = int(row["filled_at_start"] or 0)
        if not 0 <= filled <= approved[min(approved)]:
            raise PlanDataError(f"{where}: filled_at_start must be between 0 and the first year's approved")
        lines.append(
            Line(
                row=number,
                area=row["area"],
                strategy=int(row["strategy"]) if row["strategy"] else None,
                unit=row["unit"],
                role=row["role"],
                category=row["category"],
                funding=row["funding"],
                approved=approved,
                filled_at_start=filled,
            )
        )
    return lines


def load_checkpoints(path: Path) -> list[Checkpoint]:
    checkpoints = []
    for number, row in _rows(path):
        filled = row["filled"]
        if filled != "full" and not filled.isdigit():
            raise PlanDataError(f"{path.name} line {number}: filled must be a number or 'full'")
        checkpoints.append(
            Checkpoint(
                area=row["area"],
                unit=row["unit"],
                role=row["role"],
                category=row["category"],
                on=rocdate.parse(row["on"]),
                filled=None if filled == "full" else int(filled),
                source=row["source"],
            )
        )
    return checkpoints


def year_start(year: int) -> datetime.date:
    return datetime.date(year + rocdate.OFFSET, 1, 1)


def year_end(year: int) -> datetime.date:
    return datetime.date(year + rocdate.OFFSET, 12, 31)


def _between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def recruiting_lag(rng: random.Random) -> datetime.timedelta:
    """Days from a seat falling vacant to the next person starting: mostly weeks, sometimes most of a year."""
    draw = rng.random()
    if draw < 0.75:
        days = rng.randint(10, 120)
    elif draw < 0.93:
        days = rng.randint(121, 300)
    else:
        days = rng.randint(301, 500)
    return datetime.timedelta(days=days)


def _tenure(rng: random.Random, role: str) -> datetime.timedelta | None:
    if role == SUPERVISOR_ROLE:
        return None
    return datetime.timedelta(days=max(60, int(rng.expovariate(LEAVING_RATE) * 365.25)))


def _fill(slot: Slot, vacant_since: datetime.date, role: str, end: datetime.date, rng: random.Random) -> None:
    """Hire into a seat vacant since `vacant_since`, then replace each leaver, until `end`."""
    day = vacant_since
    while True:
        hired = day + recruiting_lag(rng)
        if hired > end or (slot.closes is not None and hired > slot.closes):
            return
        tenure = _tenure(rng, role)
        left = hired + tenure if tenure is not None else None
        if left is not None and slot.closes is not None and left > slot.closes:
            left = slot.closes
        if left is not None and left >= end:
            left = None
        slot.stints.append(Stint(hired, left))
        if left is None:
            return
        day = left


def _open_seat(year: int) -> datetime.date:
    month, day = SEATS_OPEN.get(year, (1, 1))
    return datetime.date(year + rocdate.OFFSET, month, day)


def simulate_line(
    line: Line,
    checkpoints: Iterable[Checkpoint],
    rng: random.Random,
    *,
    end: datetime.date,
    pinned: int = 0,
) -> list[Slot]:
    """The seats of one plan line from its first year to `end`, meeting its checkpoints.

    The first `pinned` seats filled on the first day keep their first holder to the end, untouched.
    """
    if pinned > line.filled_at_start:
        raise PlanDataError(
            f"line {line.row}: cannot pin {pinned} of {line.filled_at_start} carried-over seats"
        )
    years = sorted(y for y in line.approved if year_start(y) <= end)
    slots: list[Slot] = []
    if not years:
        return slots
    first_day = year_start(years[0])
    for index in range(line.filled_at_start):
        slot = Slot(year=years[0], opens=first_day - datetime.timedelta(days=365 * CARRIED_OVER_YEARS))
        hired = _between(rng, slot.opens, first_day - 15 * DAY)
        if index < pinned:
            slot.stints.append(Stint(hired, None, pinned=True))
        else:
            tenure = _tenure(rng, line.role)
            left = None if tenure is None else first_day + tenure
            if left is not None and left >= end:
                left = None
            slot.stints.append(Stint(hired, left))
            if left is not None:
                _fill(slot, left, line.role, end, rng)
        slots.append(slot)
    for year in years:
        wanted = line.approved[year]
        current = [s for s in slots if s.closes is None]
        if wanted > len(current):
            opens = _open_seat(year)
            for _ in range(wanted - len(current)):
                slot = Slot(year=year, opens=opens)
                _fill(slot, opens, line.role, end, rng)
                slots.append(slot)
        elif wanted < len(current):
            closing = [s for s in reversed(current) if not any(t.pinned for t in s.stints)]
            for slot in closing[: len(current) - wanted]:
                _close(slot, year_start(year) - DAY)
    since = first_day - DAY
    for checkpoint in sorted((c for c in checkpoints if c.matches(line)), key=lambda c: c.on):
        if checkpoint.on > end or checkpoint.on < first_day:
            continue
        year = rocdate.to_roc_year(checkpoint.on)
        if checkpoint.filled is None and year not in line.approved:
            continue
        target = line.approved[year] if checkpoint.filled is None else checkpoint.filled
        _meet(line, slots, checkpoint.on, target, since=since, end=end, rng=rng)
        since = checkpoint.on
    return slots


def _close(slot: Slot, day: datetime.date) -> None:
    slot.closes = day
    slot.stints = [s for s in slot.stints if s.hired_on <= day]
    for stint in slot.stints:
        if stint.left_on is None or stint.left_on > day:
            stint.left_on = day


def _meet(
    line: Line,
    slots: list[Slot],
    day: datetime.date,
    target: int,
    *,
    since: datetime.date,
    end: datetime.date,
    rng: random.Random,
) -> None:
    """Move dates after `since` so that exactly `target` seats of the line are held on `day`."""
    seats = [s for s in slots if s.exists_on(day)]
    if target > len(seats):
        raise PlanDataError(f"line {line.row}: {target} filled on {day} but only {len(seats)} seats exist")
    held = [s for s in seats if s.holder(day) is not None]
    while len(held) < target:
        vacancies: list[tuple[Slot, datetime.date]] = []
        for slot in seats:
            if slot.holder(day) is not None:
                continue
            ended = [s.left_on for s in slot.stints if s.left_on is not None and s.left_on < day]
            # A reported head count proves the seat could be filled from the start of its plan year.
            vacant_from = ended[-1] + DAY if ended else min(slot.opens, year_start(slot.year))
            earliest = max(vacant_from, since + DAY)
            if earliest <= day:
                vacancies.append((slot, earliest))
        if not vacancies:
            raise PlanDataError(f"line {line.row}: cannot fill {target} seats on {day}")
        slot, earliest = rng.choice(vacancies)
        hired = _between(rng, earliest, day)
        later = [s for s in slot.stints if s.hired_on > day]
        if later:
            later[0].hired_on = hired
        else:
            slot.stints.append(Stint(hired, None))
        held.append(slot)
    while len(held) > target:
        options: list[tuple[int, Slot, Stint]] = []
        for slot in held:
            holder = slot.holder(day)
            if holder is None or holder.pinned:
                continue
            if holder.hired_on > since:
                options.append((0, slot, holder))
            elif max(since + DAY, holder.hired_on) < day:
                options.append((1, slot, holder))
        if not options:
            raise PlanDataError(f"line {line.row}: cannot leave only {target} seats filled on {day}")
        best = min(kind for kind, _, _ in options)
        _, slot, stint = rng.choice([o for o in options if o[0] == best])
        if best == 0:
            # Hired since the last checkpoint: started after `day` instead.
            hired = day + DAY + datetime.timedelta(days=rng.randint(10, 90))
            if hired > end or (stint.left_on is not None and hired > stint.left_on):
                slot.stints.remove(stint)
            else:
                stint.hired_on = hired
        else:
            # Held the seat at the last checkpoint: left before `day`, replaced later.
            was_leaving = stint.left_on
            stint.left_on = _between(rng, max(since + DAY, stint.hired_on), day - DAY)
            if was_leaving is None:
                replaced = day + recruiting_lag(rng)
                if replaced <= end:
                    slot.stints.append(Stint(replaced, None))
        held.remove(slot)
