"""Every write to the indicators: targets, reported figures, publishing.

One atomic function per business action; bad input raises DomainError naming the field.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.core.errors import DomainError
from safetynet.domain.indicators import Period
from safetynet.geo.models import County
from safetynet.indicators import engine
from safetynet.indicators.models import Indicator, ReportedValue, Snapshot, Target, Unit
from safetynet.workforce.models import PlanPhase


def indicator_of(code: str) -> Indicator:
    found = Indicator.objects.filter(code=code).first()
    if found is None:
        raise DomainError(_("No indicator has the code %(code)s.") % {"code": repr(code)}, field="code")
    return found


def check_plan_year(year: int, field: str = "plan_year") -> None:
    """A year some plan phase covers."""
    if not any(year in phase.years for phase in PlanPhase.objects.all()):
        raise DomainError(_("The year %(year)s is in no phase of the plan.") % {"year": year}, field=field)


def _check_rate(indicator: Indicator, value: Decimal | None, field: str) -> None:
    if value is None:
        return
    if value < 0:
        raise DomainError(_("Cannot be negative."), field=field)
    if indicator.unit == Unit.RATE and value > 1:
        raise DomainError(
            _("A rate is between 0 and 100%, given as a fraction (for example 0.85)."), field=field
        )


@transaction.atomic
def set_target(
    indicator: Indicator, area: County | None, plan_year: int, value: Decimal, *, source: str = ""
) -> Target:
    """The indicator's target for a plan year: the area's own, or every area's when `area` is None."""
    check_plan_year(plan_year)
    _check_rate(indicator, value, "value")
    target, _created = Target.objects.update_or_create(
        indicator=indicator,
        area=area,
        plan_year=plan_year,
        defaults={"value": value, "source": source.strip()},
    )
    return target


@transaction.atomic
def record_reported_value(
    indicator: Indicator,
    area: County,
    period: Period,
    *,
    numerator: Decimal | None,
    denominator: Decimal | None,
    value: Decimal | None,
    source: str,
    reported_on: datetime.date,
    by: Any,
    note: str = "",
) -> ReportedValue:
    """A figure another agency reported for a period (replacing an earlier one for that period)."""
    if not source.strip():
        raise DomainError(_("Give the source of the figure."), field="source")
    if numerator is None and value is None:
        raise DomainError(_("Give the numerator or the reported value."), field="numerator")
    for name, number in (("numerator", numerator), ("denominator", denominator)):
        if number is not None and number < 0:
            raise DomainError(_("Cannot be negative."), field=name)
    if (
        numerator is not None
        and denominator is not None
        and indicator.unit == Unit.RATE
        and numerator > denominator
    ):
        raise DomainError(_("The numerator cannot be larger than the denominator."), field="numerator")
    _check_rate(indicator, value, "value")
    if reported_on > timezone.localdate():
        raise DomainError(_("The day it was reported cannot be after today."), field="reported_on")
    reported, _created = ReportedValue.objects.update_or_create(
        indicator=indicator,
        area=area,
        period_start=period.start,
        period_end=period.end,
        defaults={
            "period_kind": period.kind,
            "numerator": numerator,
            "denominator": denominator,
            "value": value,
            "source": source.strip(),
            "reported_on": reported_on,
            "entered_by": by,
            "entered_at": timezone.now(),
            "note": note.strip(),
        },
    )
    return reported


@transaction.atomic
def publish(area: County, year: int, *, by: Any, today: datetime.date | None = None) -> list[Snapshot]:
    """Store the catalogue's values for the area and year as published; later recomputations are
    shown beside them, never written over them."""
    check_plan_year(year, "year")
    now = timezone.now()
    return Snapshot.objects.bulk_create(
        Snapshot(
            indicator=v.indicator,
            area=area,
            period_kind=v.period.kind,
            period_start=v.period.start,
            period_end=v.period.end,
            numerator=v.numerator,
            denominator=v.denominator,
            value=v.value,
            target=v.target,
            met=v.met,
            source=v.source,
            published_at=now,
            published_by=by,
        )
        for v in engine.catalogue(area.code, year, today)
    )
