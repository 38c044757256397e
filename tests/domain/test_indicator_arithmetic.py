"""Indicator arithmetic: periods, whole months, values, verdicts and printed rates."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain.indicators import consistent, fraction, met, months, percent, period_of

D = datetime.date


@pytest.mark.parametrize(
    ("kind", "year", "part", "start", "end", "label"),
    [
        ("year", 110, None, D(2021, 1, 1), D(2021, 12, 31), "110年"),
        ("school_year", 107, None, D(2018, 8, 1), D(2019, 7, 31), "107學年度"),
        ("quarter", 113, 1, D(2024, 1, 1), D(2024, 3, 31), "113年第1季"),
        ("quarter", 113, 4, D(2024, 10, 1), D(2024, 12, 31), "113年第4季"),
        ("month", 113, 2, D(2024, 2, 1), D(2024, 2, 29), "113年2月"),
        ("month", 112, 12, D(2023, 12, 1), D(2023, 12, 31), "112年12月"),
    ],
)
def test_a_period_runs_over_its_days_and_carries_the_reports_label(
    kind: str, year: int, part: int | None, start: D, end: D, label: str
) -> None:
    period = period_of(kind, year, part)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize(("kind", "part"), [("quarter", 5), ("month", 0), ("month", None), ("week", 1)])
def test_an_impossible_period_is_refused(kind: str, part: int | None) -> None:
    with pytest.raises(ValueError):
        period_of(kind, 110, part)


def test_a_period_under_way_is_cut_at_today_and_a_past_one_is_whole() -> None:
    year = period_of("year", 115)
    assert year.cut(D(2026, 12, 1)).end == D(2026, 12, 1)
    assert year.cut(D(2027, 3, 1)) == year


def test_whole_months_leave_out_a_month_begun_or_unfinished() -> None:
    assert months(D(2023, 1, 15), D(2023, 4, 10)) == [
        (D(2023, 2, 1), D(2023, 2, 28)),
        (D(2023, 3, 1), D(2023, 3, 31)),
    ]
    assert len(months(D(2023, 1, 1), D(2023, 12, 31))) == 12


def test_nothing_to_divide_by_gives_no_value_never_zero() -> None:
    assert fraction(3, 0) is None and fraction(3, None) is None
    assert fraction(0, 4) == 0


@pytest.mark.parametrize(
    ("value", "target", "direction", "verdict"),
    [
        (Decimal("0.85"), Decimal("0.85"), "higher", True),
        (Decimal("0.84"), Decimal("0.85"), "higher", False),
        (Decimal("0.10"), Decimal("0.05"), "lower", False),
        (None, Decimal("0.85"), "higher", None),
        (Decimal("0.9"), None, "higher", None),
    ],
)
def test_met_follows_the_indicators_direction(
    value: Decimal | None, target: Decimal | None, direction: str, verdict: bool | None
) -> None:
    assert met(value, target, direction) is verdict


def test_a_printed_rate_is_checked_against_its_own_counts_at_the_printed_precision() -> None:
    assert not consistent(Decimal("0.6667"), 7, 11)  # seed 001's 107 復學率: 7 ÷ 11 is 63.64%
    assert consistent(Decimal("0.7778"), 7, 9)
    assert consistent(Decimal("0.7"), 7, 10)


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_a_rate_below_a_whole_percent_is_never_printed_as_reaching_it(
    numerator: int, denominator: int
) -> None:
    exact = Decimal(numerator) / Decimal(denominator) * 100
    shown = Decimal(percent(Decimal(numerator) / Decimal(denominator)).rstrip("%"))
    assert abs(shown - exact) <= Decimal("0.01")
    if shown == shown.to_integral_value():
        assert exact >= shown
