"""A clock's state (DOMAIN §5): due, overdue, met on time or met late. Calendar time, no business days."""

from __future__ import annotations

import datetime
from enum import StrEnum

__all__ = ["ClockState", "add_months", "clock_state"]


class ClockState(StrEnum):
    DUE = "due"
    OVERDUE = "overdue"
    MET_ON_TIME = "met_on_time"
    MET_LATE = "met_late"


def clock_state(due: datetime.datetime, met: datetime.datetime | None, now: datetime.datetime) -> ClockState:
    if met is not None:
        return ClockState.MET_ON_TIME if met <= due else ClockState.MET_LATE
    return ClockState.OVERDUE if now > due else ClockState.DUE


def add_months(at: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time `months` later, the month's last day when it has no such day (Jan 31 → Feb 28)."""
    index = at.month - 1 + months
    year, month = at.year + index // 12, index % 12 + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    last = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    return at.replace(year=year, month=month, day=min(at.day, last))
