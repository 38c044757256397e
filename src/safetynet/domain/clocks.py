"""A clock's state (DOMAIN §5): due, overdue, met on time or met late. Calendar time, no business days."""

from __future__ import annotations

import datetime
from enum import StrEnum

__all__ = ["ClockState", "clock_state"]


class ClockState(StrEnum):
    DUE = "due"
    OVERDUE = "overdue"
    MET_ON_TIME = "met_on_time"
    MET_LATE = "met_late"


def clock_state(due: datetime.datetime, met: datetime.datetime | None, now: datetime.datetime) -> ClockState:
    if met is not None:
        return ClockState.MET_ON_TIME if met <= due else ClockState.MET_LATE
    return ClockState.OVERDUE if now > due else ClockState.DUE
