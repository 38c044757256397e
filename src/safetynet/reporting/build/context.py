"""What every chapter of the report reads: the request, the engine's values (computed once a year and
shared), the staffing table of the year's checkpoint, and the cells' small helpers."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.utils import timezone

from safetynet.domain import rocdate
from safetynet.geo.models import County
from safetynet.indicators import engine
from safetynet.indicators.models import Indicator, Unit
from safetynet.indicators.presentation import Values
from safetynet.intake.models import RouteService
from safetynet.org.models import Role
from safetynet.reporting.document import Cell, Quantity
from safetynet.reporting.models import Edition
from safetynet.workforce.models import PlanPhase
from safetynet.workforce.staffing import StaffingTable, staffing_table

Progress = Callable[[int, str], None]
STRATEGY_NAMES = "一二三四五六七八九十"


@dataclass(frozen=True)
class Request:
    area: County
    year: int
    edition: str  # an Edition
    referrals: tuple[int, int]  # ROC years of the referral statistics, first and last
    today: datetime.date


class Context:
    """One report's inputs and the values computed for it so far."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.area = request.area
        self.year = request.year
        self.public = request.edition == Edition.PUBLIC
        self.values = Values(self.area.code, request.today)
        self.phase = PlanPhase.objects.filter(first_year__lte=self.year, last_year__gte=self.year).first()
        self.years = sorted({y for p in PlanPhase.objects.all() for y in p.years})

    def catalogue(self, year: int) -> list[engine.Value]:
        if not any(key[0] == year for key in self.values.found):
            self.values.add(year, engine.catalogue(self.area.code, year, self.request.today))
        return [v for (y, _code), v in self.values.found.items() if y == year]

    def value(self, code: str, year: int | None = None) -> engine.Value | None:
        year = year or self.year
        self.catalogue(year)
        return self.values.found.get((year, code))

    @cached_property
    def on(self) -> datetime.date:
        """The day staffing and caseloads are counted: the engine's checkpoint of the year."""
        hire = self.value("HIRE_RATE")
        return hire.on if hire else self.request.today

    @cached_property
    def staffing_table(self) -> StaffingTable:
        return staffing_table(self.area, self.year, self.on)


def default_referral_years(year: int) -> tuple[int, int]:
    """The three years before the report's (seed 000, a 110 report, counts 107-109)."""
    return (year - 3, year - 1)


def strategy_name(number: int | None) -> str:
    if not number:
        return "其他"
    return f"策略{STRATEGY_NAMES[number - 1]}" if number <= len(STRATEGY_NAMES) else f"策略{number}"


def quantity(value: Decimal | int | None, indicator: Indicator) -> Cell:
    if value is None:
        return None
    return Quantity(value, "percent" if indicator.unit == Unit.RATE else "number")


def met_label(met: bool | None) -> str:
    return {True: "達成", False: "未達成", None: "—"}[met]


def day_cell(day: datetime.date | None) -> Cell:
    return None if day is None else rocdate.format(day, "slash")


def end_of(day: datetime.date) -> datetime.datetime:
    """The midnight after `day` in the site's time zone: what is open then was open that day."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def float_or_none(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def plain_count(value: Decimal | int | None) -> Cell:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def route_names() -> dict[str, str]:
    """Each route as the report names it, in the routes' order: by the role that takes its cases
    (MHSW → 心理衛生社工); a route without one by its code."""
    roles = dict(Role.objects.values_list("code", "name"))
    return {
        service.route: roles.get(service.roles[0], service.route) if service.roles else service.route
        for service in RouteService.objects.all()
    }
