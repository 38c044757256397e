"""Indicator arithmetic: periods, values, targets met, and whether a reported figure follows from
its own counts. No Django: the engine counts records, this module judges the counts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from safetynet.domain.rocdate import OFFSET

__all__ = [
    "Period",
    "consistent",
    "fraction",
    "met",
    "months",
    "period_of",
    "percent",
]

DAY = datetime.timedelta(days=1)
# A school year (學年度) N runs from 1 August of ROC year N to 31 July of the next.
SCHOOL_YEAR_START = (8, 1)


@dataclass(frozen=True)
class Period:
    """The days an indicator counts over: `kind` is month, quarter, year or school_year; `label` is
    how the reports name it (110年, 110學年度, 110年第2季, 110年3月)."""

    kind: str
    start: datetime.date
    end: datetime.date
    label: str

    def cut(self, today: datetime.date) -> Period:
        """The period as far as it has gone by `today` (the whole period once it is over)."""
        if today >= self.end:
            return self
        return Period(self.kind, self.start, max(self.start, today), self.label)

    @property
    def plan_year(self) -> int:
        return self.start.year - OFFSET


def period_of(kind: str, year: int, part: int | None = None) -> Period:
    """The period of ROC `year` (and quarter or month `part`)."""
    ad = year + OFFSET
    if kind == "year":
        return Period(kind, datetime.date(ad, 1, 1), datetime.date(ad, 12, 31), f"{year}年")
    if kind == "school_year":
        month, day = SCHOOL_YEAR_START
        start = datetime.date(ad, month, day)
        return Period(kind, start, datetime.date(ad + 1, month, day) - DAY, f"{year}學年度")
    if kind == "quarter":
        if part is None or not 1 <= part <= 4:
            raise ValueError("a quarter is 1-4")
        start = datetime.date(ad, 3 * part - 2, 1)
        end = _month_after(_month_after(_month_after(start))) - DAY
        return Period(kind, start, end, f"{year}年第{part}季")
    if kind == "month":
        if part is None or not 1 <= part <= 12:
            raise ValueError("a month is 1-12")
        start = datetime.date(ad, part, 1)
        return Period(kind, start, _month_after(start) - DAY, f"{year}年{part}月")
    raise ValueError(f"unknown period kind {kind!r}")


def _month_after(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The whole calendar months from `start` to `end` (first and last day of each)."""
    found: list[tuple[datetime.date, datetime.date]] = []
    first = start if start.day == 1 else _month_after(start)
    while True:
        last = _month_after(first) - DAY
        if last > end:
            return found
        found.append((first, last))
        first = _month_after(first)


def fraction(numerator: Decimal | int, denominator: Decimal | int | None) -> Decimal | None:
    """numerator ÷ denominator, or None when there is nothing to divide by (never a fake 0%)."""
    if denominator is None or denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


def met(value: Decimal | None, target: Decimal | None, direction: str) -> bool | None:
    """Whether `value` reaches `target` in the indicator's direction; None when either is unknown."""
    if value is None or target is None:
        return None
    return value <= target if direction == "lower" else value >= target


def percent(value: Decimal | None, places: int = 2) -> str:
    """A fraction as the reports print it: 0.636363… → 63.64%. Rounded half up, except that a value
    just under a whole percent is never shown as reaching it (0.84996 → 84.99%, not 85.00%), since
    thresholds such as the 85% hire rate sit on whole percents."""
    if value is None:
        return "—"
    exact = Decimal(value) * 100
    quantum = Decimal(1).scaleb(-places)
    shown = exact.quantize(quantum, rounding=ROUND_HALF_UP)
    if shown > exact and shown == shown.to_integral_value():
        shown = exact.quantize(quantum, rounding=ROUND_DOWN)
    return f"{shown}%"


def consistent(
    printed: Decimal, numerator: Decimal | int, denominator: Decimal | int, places: int = 2
) -> bool:
    """Whether a printed rate (a fraction, e.g. 0.6667) is its counts' ratio at the printed precision."""
    computed = fraction(numerator, denominator)
    if computed is None:
        return False
    quantum = Decimal(1).scaleb(-places)
    return (printed * 100).quantize(quantum, rounding=ROUND_HALF_UP) == (computed * 100).quantize(
        quantum, rounding=ROUND_HALF_UP
    )
