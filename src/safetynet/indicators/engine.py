"""The indicator engine: any indicator, any area, any period → numerator, denominator, value, target
and whether it is met, with the published figure beside it when a recomputation differs.

Computed indicators count records (`computations`); reported ones take the figure another agency
reported (`ReportedValue`), shown as such. A register method with no rows (the county keeps no
dropout register) falls back to the reported figure. A reported rate that does not follow from its
own counts is noted, and the value given is the counts' true ratio.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from safetynet.domain.indicators import Period, consistent, fraction, met, percent, period_of
from safetynet.indicators.computations import METHODS, REGISTER_METHODS, Counts, Scope
from safetynet.indicators.models import Indicator, ReportedValue, Snapshot, Source, Target, Unit


@dataclass
class Value:
    indicator: Indicator
    area: str
    period: Period
    numerator: Decimal | int | None
    denominator: Decimal | int | None
    value: Decimal | None
    target: Decimal | None
    met: bool | None
    source: str
    on: datetime.date
    breakdown: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reported: ReportedValue | None = None
    published: Snapshot | None = None

    @property
    def differs(self) -> bool:
        """A published figure exists and this recomputation does not give the same value."""
        return self.published is not None and (
            _same(self.published.value, self.value) is False
            or _same(self.published.numerator, self.numerator) is False
            or _same(self.published.denominator, self.denominator) is False
        )

    def as_json(self) -> dict[str, Any]:
        """The contract of `safetynet kpi` and `GET /api/v1/indicators`; keys beyond the first
        seven are extras."""
        return {
            "code": self.indicator.code,
            "name": self.indicator.name,
            "numerator": _number(self.numerator),
            "denominator": _number(self.denominator),
            "value": _number(self.value, places=6),
            "target": _number(self.target),
            "met": self.met,
            "unit": self.indicator.unit,
            "direction": self.indicator.direction,
            "source": self.source,
            "period": {
                "kind": self.period.kind,
                "label": self.period.label,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
            },
            "as_of": self.on.isoformat(),
            "breakdown": [{k: _plain(v) for k, v in row.items()} for row in self.breakdown],
            "notes": self.notes,
            "published": None
            if self.published is None
            else {
                "value": _number(self.published.value, places=6),
                "numerator": _number(self.published.numerator),
                "denominator": _number(self.published.denominator),
                "published_at": self.published.published_at.isoformat(),
                "differs": self.differs,
            },
        }

    @property
    def shown(self) -> str:
        """The value as the pages and reports print it."""
        return self._print(self.value)

    @property
    def target_shown(self) -> str:
        return self._print(self.target)

    def _print(self, number: Decimal | None) -> str:
        if number is None:
            return "—"
        if self.indicator.unit == Unit.RATE:
            return percent(number)
        if self.indicator.unit == Unit.RATIO:
            return f"{number.quantize(Decimal('0.01'))}"
        return f"{number.normalize():f}"


def _same(a: Decimal | int | None, b: Decimal | int | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(Decimal(a) - Decimal(b)) < Decimal("0.000001")


def _number(value: Decimal | int | None, places: int = 4) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return round(float(value), places)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _number(value, places=6)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# --- computing --------------------------------------------------------------------------------------


def period_for(indicator: Indicator, year: int) -> Period:
    """The indicator's period of ROC `year` (its school year, for school-year indicators)."""
    kind = "school_year" if indicator.period == "school_year" else "year"
    return period_of(kind, year)


def target_for(indicator: Indicator, area: str, plan_year: int) -> Decimal | None:
    """The area's own target for the plan year, else every area's; None when neither is set."""
    targets = {
        t.area_id: t.value
        for t in Target.objects.filter(
            Q(area_id=area) | Q(area__isnull=True), indicator=indicator, plan_year=plan_year
        )
    }
    return targets.get(area, targets.get(None))


def checkpoint_day(area: str, period: Period, today: datetime.date) -> datetime.date:
    """The day head counts and caseloads of a period are read on: the staffing checkpoint of its
    plan year for year periods, else the period's last day; never after today."""
    if period.kind == "year":
        from safetynet.geo.models import County
        from safetynet.workforce.staffing import checkpoint

        return checkpoint(County.objects.get(pk=area), period.plan_year, today)
    return min(period.end, today)


# Lazy: it reads, and compares with a note, in the active language (the notes are written in it).
NOT_BEGUN = cast(str, gettext_lazy("The period has not begun."))


def compute(
    indicator: Indicator,
    area: str,
    period: Period,
    today: datetime.date | None = None,
    *,
    on: datetime.date | None = None,
) -> Value:
    today = today or timezone.localdate()
    cut = period.cut(today)
    on = on or checkpoint_day(area, period, today)
    reported = _reported(indicator, area, period)
    counts: Counts | None = None
    source = indicator.source
    if period.start > today:
        # Nothing has happened in a period that has not begun: no counts, not today's figures.
        counts = Counts(None, None, notes=[str(NOT_BEGUN)]) if reported is None else None
    elif indicator.source == Source.COMPUTED and indicator.method in METHODS:
        counts = METHODS[indicator.method](Scope(area, cut, on), indicator.params)
        if indicator.method in REGISTER_METHODS and not counts.denominator and reported is not None:
            counts = None
    if counts is None:
        counts, source = _from_report(reported), Source.REPORTED
    if counts.numerator is None or counts.denominator is None:
        # A count indicator is its numerator; a reported figure without counts is its printed value.
        value = (
            Decimal(counts.numerator)
            if indicator.unit == Unit.COUNT and counts.numerator is not None
            else None
        )
        if reported is not None and reported.value is not None and source == Source.REPORTED:
            value = reported.value
    else:
        value = fraction(counts.numerator, counts.denominator)
    target = target_for(indicator, area, period.plan_year)
    if target is None:
        target = counts.target
    notes = list(counts.notes)
    if reported is not None and source == Source.COMPUTED:
        notes += _against_report(reported, value)
    return Value(
        indicator=indicator,
        area=area,
        period=period,
        numerator=counts.numerator,
        denominator=counts.denominator,
        value=value,
        target=target,
        met=met(value, target, indicator.direction),
        source=source,
        on=on,
        breakdown=counts.breakdown,
        notes=notes,
        reported=reported,
        published=Snapshot.objects.filter(
            indicator=indicator, area_id=area, period_start=period.start, period_end=period.end
        )
        .order_by("-published_at", "-pk")
        .first(),
    )


def _reported(indicator: Indicator, area: str, period: Period) -> ReportedValue | None:
    return (
        ReportedValue.objects.filter(
            indicator=indicator, area_id=area, period_start=period.start, period_end=period.end
        )
        .select_related("entered_by")
        .first()
    )


def _from_report(reported: ReportedValue | None) -> Counts:
    """The counts another agency reported; a printed rate that its counts contradict is noted."""
    if reported is None:
        return Counts(0, 0, notes=[])
    notes = []
    if (
        reported.value is not None
        and reported.numerator is not None
        and reported.denominator
        and not consistent(reported.value, reported.numerator, reported.denominator)
    ):
        notes.append(
            gettext(
                "The reported value %(value)s does not agree with its counts "
                "%(numerator)s/%(denominator)s: they give %(computed)s."
            )
            % {
                "value": percent(reported.value),
                "numerator": _number(reported.numerator),
                "denominator": _number(reported.denominator),
                "computed": percent(fraction(reported.numerator, reported.denominator)),
            }
        )
    return Counts(reported.numerator, reported.denominator, notes=notes)


def _against_report(reported: ReportedValue, value: Decimal | None) -> list[str]:
    printed = reported.value
    if printed is None and reported.numerator is not None:
        printed = fraction(reported.numerator, reported.denominator)
    if printed is None or value is None or consistent(printed, value, 1):
        return []
    return [
        gettext("Computed from records as %(computed)s; %(source)s reported %(reported)s.")
        % {"computed": percent(value), "source": reported.source, "reported": percent(printed)}
    ]


def catalogue(area: str, year: int, today: datetime.date | None = None) -> list[Value]:
    """Every catalogue indicator of the area for ROC `year`, and the reported-only indicators that
    have a figure for it."""
    today = today or timezone.localdate()
    found = []
    checkpoints: dict[str, datetime.date] = {}
    for indicator in Indicator.objects.all():
        period = period_for(indicator, year)
        if not indicator.catalogue and _reported(indicator, area, period) is None:
            continue
        if period.kind not in checkpoints:
            checkpoints[period.kind] = checkpoint_day(area, period, today)
        found.append(compute(indicator, area, period, today, on=checkpoints[period.kind]))
    return found


def value_for(code: str, area: str, plan_year: int) -> Decimal | None:
    """One indicator's value for an area and plan year (milestones measured by an indicator)."""
    indicator = Indicator.objects.get(code=code)
    return compute(indicator, area, period_for(indicator, plan_year)).value
