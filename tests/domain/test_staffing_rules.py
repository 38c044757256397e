"""Staffing arithmetic: the hire-rate threshold, the seats still needed, the subsidy, deduction and cap."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain.staffing import (
    Rules,
    below_threshold,
    budget_gap,
    cap,
    central_subsidy,
    deduction,
    hire_rate,
    required_filled,
    seats_needed,
)

D = Decimal


def test_it_gives_the_hire_rate_to_four_places_and_none_without_approved_seats() -> None:
    assert hire_rate(7, 9) == D("0.7778")
    assert hire_rate(0, 0) is None


def test_it_compares_the_rate_exactly_not_after_rounding() -> None:
    # 16999 / 20000 = 0.84995 rounds to 0.8500, but is under 85%.
    assert hire_rate(16_999, 20_000) == D("0.8500")
    assert below_threshold(16_999, 20_000, D("0.85"))
    assert not below_threshold(17_000, 20_000, D("0.85"))


def test_it_never_flags_a_line_without_approved_seats() -> None:
    assert not below_threshold(0, 0, D("0.85"))


@pytest.mark.parametrize(("approved", "required"), [(9, 8), (20, 17), (7, 6), (33, 29), (1, 1), (0, 0)])
def test_it_requires_the_ceiling_of_85_percent_of_approved(approved: int, required: int) -> None:
    assert required_filled(approved, D("0.85")) == required


def test_it_needs_no_seats_once_the_threshold_is_reached() -> None:
    assert seats_needed(9, 7, D("0.85")) == 1
    assert seats_needed(9, 8, D("0.85")) == 0
    assert seats_needed(9, 9, D("0.85")) == 0


@given(
    approved=st.integers(min_value=1, max_value=5_000),
    filled_share=st.floats(min_value=0, max_value=1),
    threshold=st.decimals(min_value=D("0.01"), max_value=D("1"), places=4),
)
def test_the_needed_seats_reach_the_threshold_and_one_fewer_does_not(
    approved: int, filled_share: float, threshold: Decimal
) -> None:
    filled = int(approved * filled_share)
    needed = seats_needed(approved, filled, threshold)
    assert not below_threshold(filled + needed, approved, threshold)
    if needed > 0:
        assert below_threshold(filled + needed - 1, approved, threshold)
    assert filled + needed <= approved


def test_it_computes_the_central_subsidy_for_personnel() -> None:
    # 9 approved × NT$48,000 a month × 13.5 months × 70% = NT$4,082,400.
    assert central_subsidy(9, 48_000, D("13.5"), D("0.70")) == D("4082400")


@pytest.mark.parametrize(("cost", "share"), [(None, D("0.7")), (48_000, None), (None, None)])
def test_it_leaves_the_subsidy_unknown_without_a_monthly_cost_or_share(
    cost: int | None, share: Decimal | None
) -> None:
    assert central_subsidy(9, cost, D("13.5"), share) is None


def test_it_deducts_the_rate_of_the_subsidy_only_under_the_threshold() -> None:
    assert deduction(D("4082400"), D("0.10"), below=True) == D("408240")
    assert deduction(D("4082400"), D("0.10"), below=False) == 0
    assert deduction(None, D("0.10"), below=True) is None
    assert deduction(None, D("0.10"), below=False) == 0


def test_it_rounds_the_deduction_to_whole_dollars() -> None:
    assert deduction(D("12345.5"), D("0.10"), below=True) == D("1235")


def test_it_reads_a_fixed_cap_or_an_amount_per_unit() -> None:
    assert cap(1_300_000, None, None) == 1_300_000
    assert cap(None, 550_000, 7) == 3_850_000
    assert cap(None, 655_000, None) is None
    assert cap(None, None, None) is None


def test_it_gives_the_gap_as_cost_minus_cap() -> None:
    assert budget_gap(800_000, 655_000) == 145_000
    assert budget_gap(58_000, 1_300_000) == -1_242_000
    assert budget_gap(58_000, None) is None


def test_the_default_rules_are_seed_001s() -> None:
    rules = Rules()
    assert (rules.hire_threshold, rules.deduction_rate, rules.months_per_person) == (
        D("0.85"),
        D("0.10"),
        D("13.5"),
    )
    assert (rules.checkpoint_month, rules.checkpoint_day) == (12, 31)
