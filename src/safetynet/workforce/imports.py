"""Import the staffing plan: `safetynet import positions FILE`.

One row is one position-year: `plan_year, area, strategy, unit, role, funding, approved, filled`
(optional `category, central_share, monthly_cost`). Rows with the same area, strategy, unit, role,
category and funding are one staffing line with several years; a line already in the database with
that key gets the year added or updated. `filled` is stored as the reported filled count, used
while no staff is linked to the line. Area is a county code or name, unit a unit name of that area,
role a code or name, funding a code (central, local, lottery, outsourced) or its label.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from safetynet.core.imports import Importer, Row
from safetynet.geo.models import County
from safetynet.org.models import Role, Unit
from safetynet.workforce import services
from safetynet.workforce.models import Funding, PlanPhase, Position, PositionYear, Strategy

COLUMNS = ["plan_year", "area", "strategy", "unit", "role", "funding", "approved", "filled"]
OPTIONAL = ["category", "central_share", "monthly_cost"]


@dataclass
class PositionRow:
    area: County
    strategy: int | None
    unit: Unit
    role: Role
    category: str
    funding: str
    plan_year: int
    approved: int
    filled: int | None
    central_share: Decimal | None
    monthly_cost: int | None


def positions_importer() -> Importer:
    counties = {c.code: c for c in County.objects.all()} | {c.name: c for c in County.objects.all()}
    units: dict[tuple[str, str], list[Unit]] = {}
    for unit in Unit.objects.all():
        units.setdefault((unit.county_id or "", unit.name), []).append(unit)
    unit_names = {unit.name for unit in Unit.objects.all()}
    roles = {r.code: r for r in Role.objects.all()} | {r.name: r for r in Role.objects.all()}
    fundings = {value: value for value in Funding.values} | {
        str(label): value for value, label in Funding.choices
    }
    phases = list(PlanPhase.objects.all())
    strategies = set(Strategy.objects.values_list("phase_id", "number"))
    seen: dict[tuple[object, ...], int] = {}

    def parse(row: Row) -> PositionRow | None:
        plan_year = row.integer("plan_year", required=True)
        phase = None
        if plan_year is not None:
            phase = next((p for p in phases if p.first_year <= plan_year <= p.last_year), None)
            if phase is None:
                row.problem("plan_year", f"{plan_year} is outside every plan phase")
        area = counties.get(row.text("area", required=True))
        if row.text("area") and area is None:
            row.problem("area", "unknown area: give its code (10020) or name (嘉義市)")
        strategy = row.integer("strategy", minimum=1)
        if strategy is not None and phase is not None and (phase.pk, strategy) not in strategies:
            row.problem("strategy", f"{phase.name} has no strategy {strategy}")
        unit = _unit(row, area, units, unit_names)
        role = roles.get(row.text("role", required=True))
        if row.text("role") and role is None:
            row.problem("role", "unknown role: give its code (mhsw) or name (心理衛生社工)")
        funding = fundings.get(row.text("funding", required=True))
        if row.text("funding") and funding is None:
            row.problem("funding", f"unknown funding: use {', '.join(Funding.values)}")
        approved = row.integer("approved", required=True)
        filled = row.integer("filled")
        if approved is not None and filled is not None and filled > approved:
            row.problem("filled", f"more filled ({filled}) than approved ({approved})")
        monthly_cost = row.integer("monthly_cost")
        central_share = _central_share(row)
        if (
            row.problems
            or plan_year is None
            or area is None
            or unit is None
            or role is None
            or funding is None
            or approved is None
        ):
            return None
        key = (area.code, strategy, unit.pk, role.pk, row.text("category"), funding, plan_year)
        if key in seen:
            row.problem("plan_year", f"the same line and year are on row {seen[key]}")
            return None
        seen[key] = row.number
        return PositionRow(
            area=area,
            strategy=strategy,
            unit=unit,
            role=role,
            category=row.text("category"),
            funding=funding,
            plan_year=plan_year,
            approved=approved,
            filled=filled,
            central_share=central_share,
            monthly_cost=monthly_cost,
        )

    return Importer(columns=COLUMNS, optional=OPTIONAL, parse=parse, write=write_position)


def _unit(
    row: Row, area: County | None, units: dict[tuple[str, str], list[Unit]], names: set[str]
) -> Unit | None:
    """The unit the row names, among its area's: a name of another area's unit, or of two, is a problem."""
    name = row.text("unit", required=True)
    if not name or area is None:
        return None
    matches = units.get((area.code, name), [])
    if not matches:
        row.problem("unit", "the unit is not in this area" if name in names else "unknown unit")
    elif len(matches) > 1:
        row.problem("unit", "several units of this area have this name")
    else:
        return matches[0]
    return None


def _central_share(row: Row) -> Decimal | None:
    """0.70 or 70%: a share between 0 and 1."""
    text = row.text("central_share")
    if not text:
        return None
    try:
        share = Decimal(text.rstrip("%"))
    except InvalidOperation:
        row.problem("central_share", "not a number: write 0.70 or 70%")
        return None
    if text.endswith("%"):
        share /= 100
    if not Decimal(0) <= share <= Decimal(1):
        row.problem("central_share", "must be between 0 and 1 (0.70 or 70%)")
    return share


def write_position(plan: PositionRow) -> PositionYear:
    position = Position.objects.filter(
        area=plan.area,
        strategy=plan.strategy,
        unit=plan.unit,
        role=plan.role,
        category=plan.category,
        funding=plan.funding,
    ).first()
    if position is None:
        position = services.create_position(
            plan.area,
            plan.unit,
            plan.role,
            strategy=plan.strategy,
            category=plan.category,
            funding=plan.funding,
            approved_by_year={plan.plan_year: plan.approved},
            central_share=plan.central_share,
        )
    elif plan.central_share is not None and plan.central_share != position.central_share:
        services.set_position_costs(position, central_share=plan.central_share, monthly_cost_by_year={})
    return services.record_position_year(
        position,
        plan.plan_year,
        approved=plan.approved,
        reported_filled=plan.filled,
        monthly_cost=plan.monthly_cost,
    )
