"""Every write to the staffing plan. One atomic function per business action."""

from __future__ import annotations

from django.db import transaction

from safetynet.core.errors import DomainError
from safetynet.geo.models import County
from safetynet.org.models import Role, Unit
from safetynet.workforce.models import Funding, Position, PositionYear

PLAN_YEARS = range(100, 201)  # ROC years the plan may name


@transaction.atomic
def create_position(
    area: County,
    unit: Unit,
    role: Role,
    *,
    strategy: int | None,
    category: str,
    funding: str,
    approved_by_year: dict[int, int],
) -> Position:
    """One line of the staffing plan with its approved head count for each plan year."""
    if unit.county_id != area.code:
        raise DomainError(f"{unit.name} 不屬於 {area.name}", field="unit")
    if funding not in Funding.values:
        raise DomainError(f"經費來源代碼 {funding!r} 不存在", field="funding")
    if strategy is not None and strategy < 1:
        raise DomainError("策略編號須為正整數", field="strategy")
    if not approved_by_year:
        raise DomainError("至少要有一個年度的核定員額", field="approved_by_year")
    for year, approved in approved_by_year.items():
        if year not in PLAN_YEARS:
            raise DomainError(
                f"計畫年度 {year} 不在 {PLAN_YEARS.start}-{PLAN_YEARS.stop - 1} 之間",
                field="approved_by_year",
            )
        if approved < 0:
            raise DomainError(f"{year} 年核定員額不可為負數", field="approved_by_year")
    position = Position.objects.create(
        area=area, strategy=strategy, unit=unit, role=role, category=category.strip(), funding=funding
    )
    PositionYear.objects.bulk_create(
        PositionYear(position=position, plan_year=year, approved=approved)
        for year, approved in sorted(approved_by_year.items())
    )
    return position
