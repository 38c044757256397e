"""Staffing figures read from positions and staff: approved, filled and the hire rate on a day.

The hire rate (人力進用率) is filled ÷ approved; under the plan's threshold (85% by default) the
central subsidy loses 10%, so every table marks the lines and totals under it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from safetynet.domain.rocdate import to_roc_year
from safetynet.geo.models import County
from safetynet.workforce.models import Position, PositionYear

HIRE_RATE_THRESHOLD = Decimal("0.85")


def rate(filled: int, approved: int) -> Decimal | None:
    return None if approved == 0 else (Decimal(filled) / Decimal(approved)).quantize(Decimal("0.0001"))


@dataclass
class HireRate:
    """Filled ÷ approved, and whether it falls under the threshold."""

    approved: int
    filled: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.filled, self.approved)

    @property
    def below_threshold(self) -> bool:
        value = self.rate
        return value is not None and value < HIRE_RATE_THRESHOLD


@dataclass
class StaffingLine(HireRate):
    position: Position = field(kw_only=True)


@dataclass
class StaffingTable(HireRate):
    county: County = field(kw_only=True)
    plan_year: int = field(kw_only=True)
    on: datetime.date = field(kw_only=True)
    lines: list[StaffingLine] = field(kw_only=True)

    def by_strategy(self) -> list[tuple[int | None, list[StaffingLine], int, int, Decimal | None]]:
        groups: dict[int | None, list[StaffingLine]] = {}
        for line in self.lines:
            groups.setdefault(line.position.strategy, []).append(line)
        result = []
        for strategy, lines in sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or 0)):
            approved, filled = sum(x.approved for x in lines), sum(x.filled for x in lines)
            result.append((strategy, lines, approved, filled, rate(filled, approved)))
        return result


def plan_years(county_codes: list[str]) -> list[int]:
    return sorted(
        set(
            PositionYear.objects.filter(position__area_id__in=county_codes).values_list(
                "plan_year", flat=True
            )
        )
    )


def measuring_day(plan_year: int, today: datetime.date) -> datetime.date:
    """Staffing of a past plan year is read at its last day; of the current year, today."""
    year_end = datetime.date(plan_year + 1911, 12, 31)
    return min(year_end, today)


def staffing_table(county: County, plan_year: int, on: datetime.date) -> StaffingTable:
    approved = PositionYear.objects.filter(plan_year=plan_year)
    positions = (
        Position.objects.filter(area=county, years__plan_year=plan_year)
        .with_filled(on)
        .select_related("unit", "role")
        .prefetch_related(Prefetch("years", queryset=approved, to_attr="this_year"))
    )
    lines = [
        StaffingLine(
            approved=p.this_year[0].approved if p.this_year else 0,  # type: ignore[attr-defined]
            filled=p.filled,  # type: ignore[attr-defined]
            position=p,
        )
        for p in positions
    ]
    return StaffingTable(
        approved=sum(line.approved for line in lines),
        filled=sum(line.filled for line in lines),
        county=county,
        plan_year=plan_year,
        on=on,
        lines=lines,
    )


def hire_rate_summary(county_codes: list[str], today: datetime.date) -> list[StaffingTable]:
    """For each county: the staffing table of the latest plan year not after this one."""
    current = to_roc_year(today)
    tables = []
    for county in County.objects.filter(code__in=county_codes):
        years = [y for y in plan_years([county.code]) if y <= current]
        if years:
            tables.append(staffing_table(county, years[-1], measuring_day(years[-1], today)))
    return tables
