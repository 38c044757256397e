from __future__ import annotations

import datetime

from safetynet.domain.clocks import ClockState, clock_state

DUE = datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


def test_an_unmet_clock_is_due_until_its_time_then_overdue() -> None:
    assert clock_state(DUE, None, DUE - HOUR) is ClockState.DUE
    assert clock_state(DUE, None, DUE) is ClockState.DUE
    assert clock_state(DUE, None, DUE + HOUR) is ClockState.OVERDUE


def test_a_met_clock_is_on_time_or_late_whatever_the_time_now() -> None:
    assert clock_state(DUE, DUE, DUE + 100 * HOUR) is ClockState.MET_ON_TIME
    assert clock_state(DUE, DUE + HOUR, DUE) is ClockState.MET_LATE
