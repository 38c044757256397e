"""Milestones of the plan, target against actual, by year.

The actual comes from the milestone's `measure`:
- `units:<kind>`: the area's active units of that kind (`org.UnitKind`, e.g. `units:mhc`), today;
- `staff:<strategy>`: the filled seats of the staffing lines of that strategy at the year's checkpoint;
- `indicator:<CODE>`: the indicator engine's value (`safetynet.indicators.engine.value_for`);
- blank: the hand-entered `actual`.
A percent milestone's target and actual are fractions (0.90 for 90%).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from safetynet.geo.models import County
from safetynet.org.models import Unit
from safetynet.workforce.models import Milestone
from safetynet.workforce.staffing import checkpoint, staffing_table


@dataclass
class MilestoneRow:
    milestone: Milestone
    actual: Decimal | None
    source: str  # units, staff, indicator or hand
    on: datetime.date | None = None  # the day a staff actual is read

    @property
    def met(self) -> bool | None:
        if self.actual is None:
            return None
        return self.actual >= self.milestone.target


def indicator_value(code: str, area: County, plan_year: int) -> Decimal | None:
    """The indicator engine's value; None while the engine cannot give one."""
    from safetynet.indicators.engine import value_for  # written beside this app; imported late

    result: Any = value_for(code, area.code, plan_year)
    if result is None:
        return None
    value = getattr(result, "value", result)
    return None if value is None else Decimal(str(value))


def actual_of(milestone: Milestone, today: datetime.date) -> MilestoneRow:
    kind, _, value = milestone.measure.partition(":")
    area = milestone.area
    if kind == "units":
        count = Unit.objects.filter(county=area, kind=value, active=True).count()
        return MilestoneRow(milestone, Decimal(count), "units")
    if kind == "staff" and value.isdigit():
        day = checkpoint(area, milestone.plan_year, today)
        table = staffing_table(area, milestone.plan_year, day)
        filled = sum(line.filled for line in table.lines if line.position.strategy == int(value))
        return MilestoneRow(milestone, Decimal(filled), "staff", on=day)
    if kind == "indicator":
        try:
            found = indicator_value(value, area, milestone.plan_year)
        except ImportError:
            found = None
        return MilestoneRow(milestone, found, "indicator")
    return MilestoneRow(milestone, milestone.actual, "hand")


def milestone_rows(area: County, today: datetime.date) -> list[MilestoneRow]:
    """Every milestone of the area, in code and year order, with its actual."""
    return [actual_of(m, today) for m in Milestone.objects.filter(area=area).select_related("area")]
