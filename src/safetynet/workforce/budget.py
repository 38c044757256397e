"""The budget gap table (seed 001's 業務費 vs 核定本): per programme line, the central business cost,
its cap, the gap (cost − cap; above the cap is flagged), the approved personnel money beside it, and
the personnel cost the staffing plan implies at the phase's months per person (13.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from safetynet.domain import staffing as domain
from safetynet.geo.models import County
from safetynet.workforce.models import BudgetLine, PositionYear
from safetynet.workforce.staffing import rules_for

# Which staffing roles a programme pays for, so its personnel cost can be read from the positions.
# 社區心衛中心 pays for the center's mixed staff, who are not told apart by role: no figure for it.
PROGRAMME_ROLES: dict[str, tuple[str, ...]] = {
    "mhsw": ("mhsw",),
    "tcsw": ("tcsw",),
    "care_visitor": ("care_visitor_psy", "care_visitor_su"),
    "drug_case_manager": ("drug_case_manager",),
}


@dataclass
class Personnel:
    """The personnel cost of a programme's positions: approved × monthly cost × months."""

    approved: int
    cost: Decimal | None  # None: a position has no monthly cost recorded
    central: Decimal | None  # the central share of it (None: a cost or share is unknown)


@dataclass
class GapRow:
    line: BudgetLine
    cap: int | None
    gap: int | None
    personnel: Personnel | None  # None: the programme's positions are not told apart by role

    @property
    def over_cap(self) -> bool:
        return self.gap is not None and self.gap > 0


def personnel_for(area: County, plan_year: int, programme_code: str) -> Personnel | None:
    roles = PROGRAMME_ROLES.get(programme_code)
    if roles is None:
        return None
    months = rules_for(plan_year).months_per_person
    years = PositionYear.objects.filter(
        position__area=area, plan_year=plan_year, position__role__code__in=roles
    ).select_related("position")
    approved, cost, central = 0, Decimal(0), Decimal(0)
    cost_known = central_known = True
    for year in years:
        approved += year.approved
        if year.monthly_cost is None:
            cost_known = central_known = False
            continue
        cost += Decimal(year.approved) * Decimal(year.monthly_cost) * months
        share = domain.central_subsidy(year.approved, year.monthly_cost, months, year.position.central_share)
        if share is None:
            central_known = False
        else:
            central += share
    return Personnel(
        approved=approved,
        cost=cost.quantize(Decimal(1)) if cost_known else None,
        central=central.quantize(Decimal(1)) if central_known else None,
    )


def gap_table(area: County, plan_year: int) -> list[GapRow]:
    """The area's budget lines of `plan_year`, in programme order, with cap, gap and personnel."""
    rows = []
    for line in BudgetLine.objects.filter(area=area, plan_year=plan_year).select_related("programme"):
        limit = domain.cap(line.cap_fixed, line.cap_per_unit, line.cap_units)
        rows.append(
            GapRow(
                line=line,
                cap=limit,
                gap=domain.budget_gap(line.central_business, limit),
                personnel=personnel_for(area, plan_year, line.programme.code),
            )
        )
    return rows


def budget_years(area: County) -> list[int]:
    return sorted(set(BudgetLine.objects.filter(area=area).values_list("plan_year", flat=True)))
