"""Staffing arithmetic of the plan: the hire rate against its threshold, the seats still needed to
reach it, the central subsidy for personnel and the deduction when a group falls under the threshold,
and a budget line's cap and gap. No Django: the phase's rules come in as data.

Seed 001: a hire rate (人力進用率 = filled ÷ approved) under 85% costs 10% of the central subsidy
(部助款); personnel is budgeted at 13.5 months per person.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

__all__ = [
    "Rules",
    "below_threshold",
    "budget_gap",
    "cap",
    "central_subsidy",
    "deduction",
    "hire_rate",
    "required_filled",
    "seats_needed",
]

RATE_PLACES = Decimal("0.0001")
WHOLE = Decimal("1")


@dataclass(frozen=True)
class Rules:
    """A plan phase's staffing rules (defaults: seed 001's)."""

    hire_threshold: Decimal = Decimal("0.85")
    deduction_rate: Decimal = Decimal("0.10")
    months_per_person: Decimal = Decimal("13.5")
    checkpoint_month: int = 12
    checkpoint_day: int = 31


def hire_rate(filled: int, approved: int) -> Decimal | None:
    """filled ÷ approved to four places; None when nothing is approved."""
    if approved == 0:
        return None
    return (Decimal(filled) / Decimal(approved)).quantize(RATE_PLACES)


def below_threshold(filled: int, approved: int, threshold: Decimal) -> bool:
    """Compared exactly (filled < threshold × approved), never on a rounded rate."""
    return approved > 0 and Decimal(filled) < threshold * Decimal(approved)


def required_filled(approved: int, threshold: Decimal) -> int:
    """The fewest filled seats that keep the rate at or above the threshold: ceil(threshold × approved)."""
    return int((threshold * Decimal(approved)).to_integral_value(rounding=ROUND_CEILING))


def seats_needed(approved: int, filled: int, threshold: Decimal) -> int:
    """How many more seats must be filled to reach the threshold (0 when it is reached)."""
    return max(0, required_filled(approved, threshold) - filled)


def central_subsidy(
    approved: int, monthly_cost: int | None, months_per_person: Decimal, central_share: Decimal | None
) -> Decimal | None:
    """The central subsidy for a line's personnel: approved × monthly cost × months × central share.

    None (unknown, never 0) when the monthly cost or the central share is not recorded.
    """
    if monthly_cost is None or central_share is None:
        return None
    return Decimal(approved) * Decimal(monthly_cost) * months_per_person * central_share


def deduction(subsidy: Decimal | None, rate: Decimal, *, below: bool) -> Decimal | None:
    """The NT$ deducted from a group's central subsidy: rate × subsidy when under the threshold.

    Rounded to whole dollars; 0 when the group is not under the threshold; None when it is and the
    subsidy is unknown.
    """
    if not below:
        return Decimal(0)
    if subsidy is None:
        return None
    return (rate * subsidy).quantize(WHOLE, rounding=ROUND_HALF_UP)


def cap(fixed: int | None, per_unit: int | None, units: int | None) -> int | None:
    """A budget line's cap (核定本上限): a fixed amount, or an amount per unit times the units."""
    if fixed is not None:
        return fixed
    if per_unit is not None and units is not None:
        return per_unit * units
    return None


def budget_gap(cost: int, limit: int | None) -> int | None:
    """cost − cap: above 0 the line asks more than the approved plan allows; None without a cap."""
    return None if limit is None else cost - limit
