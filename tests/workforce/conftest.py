"""A small staffing plan in 宜蘭縣 (10002), an area the demo leaves empty, built through the services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from safetynet.geo.models import County
from safetynet.org import services as org
from safetynet.org.models import Role, Staff, Unit
from safetynet.workforce import services
from safetynet.workforce.models import Position

AREA = "10002"


@dataclass
class Plan:
    area: County
    unit: Unit
    mhsw: Position  # strategy 3, central: 10 approved in 112, NT$48,000 a month, 70% central
    visitors: Position  # strategy 3, central: 10 approved in 112, monthly cost unknown
    local: Position  # strategy 1, local: 4 approved in 112, no staff linked (reported figures)

    def hire(self, position: Position, count: int, hired_on: datetime.date, *, role: str = "") -> list[Staff]:
        return [
            org.hire_staff(
                name=f"員工{position.pk}-{n}",
                unit=self.unit,
                role=Role.objects.get(code=role) if role else position.role,
                hired_on=hired_on,
                position=position,
            )
            for n in range(count)
        ]


@pytest.fixture
def plan(db) -> Plan:  # type: ignore[no-untyped-def]
    area = County.objects.get(code=AREA)
    agency = org.create_agency("宜蘭縣政府衛生局(測試)", "local", area)
    unit = org.create_unit(agency, "宜蘭縣社區心理衛生中心(測試)", "mhc", county=area)
    mhsw = services.create_position(
        area,
        unit,
        Role.objects.get(code="mhsw"),
        strategy=3,
        category="心衛社工",
        funding="central",
        approved_by_year={112: 10},
        central_share=Decimal("0.70"),
        monthly_cost_by_year={112: 48_000},
    )
    visitors = services.create_position(
        area,
        unit,
        Role.objects.get(code="care_visitor_su"),
        strategy=3,
        category="一般",
        funding="central",
        approved_by_year={112: 10},
        central_share=Decimal("0.70"),
    )
    local = services.create_position(
        area,
        unit,
        Role.objects.get(code="social_worker"),
        strategy=1,
        category="",
        funding="local",
        approved_by_year={112: 4},
    )
    services.record_position_year(local, 112, approved=4, reported_filled=3)
    return Plan(area, unit, mhsw, visitors, local)
