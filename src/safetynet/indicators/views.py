"""Indicator pages: the dashboard of an area and year, one indicator's page, and the managers' entry
of reported figures and targets and the publishing of a year's values.

Read by WORKFORCE_KINDS for the counties whose aggregates they may see (an area out of scope is a
404); written by managers and administrators only. Every figure on a page is the engine's
(`indicators.engine`), computed once per request: a trend reuses the values of the year shown.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetynet.core.access import WORKFORCE_KINDS, aggregates_visible_to, kind_of, kinds_required
from safetynet.core.errors import DomainError
from safetynet.core.forms import apply_domain_error
from safetynet.domain import charts, rocdate
from safetynet.domain.indicators import percent, period_of
from safetynet.domain.rocdate import to_roc_year
from safetynet.geo.models import County
from safetynet.indicators import engine, services
from safetynet.indicators.forms import ReportedValueForm, TargetForm
from safetynet.indicators.models import Indicator, PeriodKind, ReportedValue, Snapshot, Source, Target, Unit
from safetynet.indicators.selectors import indicators_for
from safetynet.org.models import AccessKind
from safetynet.workforce.models import Funding, PlanPhase

READ_KINDS = WORKFORCE_KINDS
WRITE_KINDS = (AccessKind.MANAGER, AccessKind.ADMIN)
SOURCE_LABELS = dict(Source.choices)
FUNDING_LABELS = dict(Funding.choices)
# The hire-rate rule of the plan (DOMAIN §9), drawn on the staffing chart when HIRE_RATE has no target.
HIRE_THRESHOLD = Decimal("0.85")


# --- scope --------------------------------------------------------------------------------------


def _area(request: HttpRequest, params: Any) -> tuple[list[County], County]:
    """The counties whose aggregates the user may read and the one asked for (out of scope: 404)."""
    counties = list(County.objects.filter(code__in=aggregates_visible_to(request.user)).order_by("code"))
    if not counties:
        raise Http404
    asked = params.get("area")
    if not asked:
        return counties, counties[0]
    county = next((c for c in counties if c.code == asked), None)
    if county is None:
        raise Http404
    return counties, county


def plan_years(today: datetime.date) -> list[int]:
    """Every year of the plan phases up to this ROC year."""
    this_year = to_roc_year(today)
    years = {y for phase in PlanPhase.objects.all() for y in phase.years if y <= this_year}
    return sorted(years)


def all_plan_years() -> list[int]:
    return sorted({y for phase in PlanPhase.objects.all() for y in phase.years})


def _year(params: Any, years: list[int], today: datetime.date) -> int:
    """The year asked for, else this ROC year (or the last plan year before it)."""
    if not years:
        raise Http404
    default = to_roc_year(today) if to_roc_year(today) in years else years[-1]
    try:
        year = int(params.get("year", default))
    except (TypeError, ValueError):
        return default
    return year if year in years else default


def trend_years(year: int, years: list[int]) -> list[int]:
    """The plan years of the year's phase through the year; in a phase's first year, the previous
    phase's years too, so that the trend has something to compare with."""
    phases = sorted(PlanPhase.objects.all(), key=lambda p: p.first_year)
    phase = next((p for p in phases if year in p.years), None)
    if phase is None:
        return [year]
    first = phase.first_year
    if year == first:
        earlier = [p for p in phases if p.last_year < first]
        if earlier:
            first = earlier[-1].first_year
    return [y for y in years if first <= y <= year]


def _can_write(request: HttpRequest) -> bool:
    return kind_of(request.user) in WRITE_KINDS


# --- the engine's values, once per request --------------------------------------------------------


@dataclass
class Values:
    """The engine's values of one area by (year, code), computed on first use."""

    area: str
    today: datetime.date
    found: dict[tuple[int, str], engine.Value] = field(default_factory=dict)
    checkpoints: dict[tuple[int, str], datetime.date] = field(default_factory=dict)

    def add(self, year: int, values: Iterable[engine.Value]) -> None:
        for value in values:
            self.found[(year, value.indicator.code)] = value

    def get(self, indicator: Indicator, year: int) -> engine.Value:
        key = (year, indicator.code)
        if key not in self.found:
            period = engine.period_for(indicator, year)
            if (year, period.kind) not in self.checkpoints:
                self.checkpoints[(year, period.kind)] = engine.checkpoint_day(self.area, period, self.today)
            self.found[key] = engine.compute(
                indicator, self.area, period, self.today, on=self.checkpoints[(year, period.kind)]
            )
        return self.found[key]


def _float(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def shown(indicator: Indicator, value: Decimal | None) -> str:
    """A target (or any figure of the indicator) as the engine prints its values."""
    if value is None:
        return "—"
    if indicator.unit == Unit.RATE:
        return percent(value)
    if indicator.unit == Unit.RATIO:
        return f"{value.quantize(Decimal('0.01'))}"
    return f"{value.normalize():f}"


def _number(value: Decimal | int | None) -> str:
    """A count as `safetynet kpi` prints it (7, 12.5, —)."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    if value == value.to_integral_value():
        return str(int(value))
    return str(round(float(value), 4))


def _axis(indicator: Indicator) -> tuple[Any, float | None]:
    if indicator.unit == Unit.RATE:
        return charts.format_percent, 1.0
    return charts.format_number, None


def trend_svg(
    indicator: Indicator,
    values: Sequence[tuple[str, engine.Value | None]],
    *,
    chart_id: str,
    width: int | None = None,
) -> SafeString:
    """The indicator's values by period against their targets (None: a period not reached yet)."""
    tick_format, y_max = _axis(indicator)
    points = [
        charts.Point(
            label,
            _float(v.value) if v else None,
            (v.shown if v.value is not None else "—") if v else "",
            target=_float(v.target) if v else None,
            met=v.met if v else None,
        )
        for label, v in values
    ]
    described = "; ".join(
        f"{label}: {v.shown if v else '—'}"
        + (f" ({_('target')} {shown(indicator, v.target)})" if v and v.target is not None else "")
        for label, v in values
    )
    svg = charts.trend_chart(
        points,
        title=_("%(name)s by period") % {"name": indicator.name},
        description=described,
        empty_text=_("No data"),
        y_label=indicator.get_unit_display(),
        target_label=_("Target"),
        tick_format=tick_format,
        y_max=y_max,
        chart_id=chart_id,
        width=width,
    )
    return mark_safe(svg)  # noqa: S308 - every text in it is escaped by the chart builder


# --- staffing and caseload, from the engine's breakdowns --------------------------------------------


def _strategy(number: Any) -> str:
    return _("Strategy %(strategy)s") % {"strategy": number} if number else _("Other")


def staffing(value: engine.Value | None) -> dict[str, Any]:
    """HIRE_RATE's breakdown by strategy and role (line rows summed) and by strategy and funding."""
    if value is None:
        return {"roles": [], "groups": [], "chart": None}
    threshold = value.target if value.target is not None else HIRE_THRESHOLD
    roles: dict[tuple[int, str], dict[str, Any]] = {}
    groups = []
    for row in value.breakdown:
        if "role" not in row:
            groups.append(
                {
                    **row,
                    "strategy_label": _strategy(row["strategy"]),
                    "funding_label": FUNDING_LABELS.get(row["funding"], row["funding"]),
                    "below": row["value"] is not None and row["value"] < threshold,
                }
            )
            continue
        key = (row["strategy"] or 0, row["role"])
        entry = roles.setdefault(
            key,
            {
                "strategy": row["strategy"],
                "role": row["role"],
                "role_name": row["role_name"],
                "approved": 0,
                "filled": 0,
            },
        )
        entry["approved"] += row["approved"]
        entry["filled"] += row["filled"]
    rows = [roles[key] for key in sorted(roles)]
    for entry in rows:
        entry["strategy_label"] = _strategy(entry["strategy"])
        entry["value"] = Decimal(entry["filled"]) / entry["approved"] if entry["approved"] else None
        entry["below"] = entry["value"] is not None and entry["value"] < threshold
    chart = charts.staffing_chart(
        [charts.Group(f"{r['strategy_label']}\n{r['role_name']}", r["approved"], r["filled"]) for r in rows],
        title=_("Approved and filled positions by strategy and role"),
        description="; ".join(
            f"{r['strategy_label']} {r['role_name']}: {r['filled']}/{r['approved']}" for r in rows
        ),
        empty_text=_("No data"),
        threshold=float(threshold),
        approved_label=_("Approved"),
        filled_label=_("Filled"),
        threshold_label=_("%(threshold)s of approved") % {"threshold": percent(threshold, 0)},
        y_label=_("Positions"),
        chart_id="staffing-chart",
    )
    return {
        "roles": rows,
        "groups": groups,
        "threshold": threshold,
        "chart": mark_safe(chart),  # noqa: S308 - escaped by the chart builder
    }


def caseload(value: engine.Value | None) -> dict[str, Any]:
    """CASELOAD's breakdown: open cases per worker of each role against the role's standard."""
    if value is None:
        return {"rows": [], "chart": None}
    rows = [
        {**row, "over": row["value"] is not None and row["value"] > row["standard"]}
        for row in value.breakdown
    ]
    chart = charts.trend_chart(
        [
            charts.Point(
                row["role_name"],
                _float(row["value"]),
                "—" if row["value"] is None else f"{row['value'].quantize(Decimal('0.1'))}",
                target=float(row["standard"]),
                met=None if row["value"] is None else not row["over"],
            )
            for row in rows
        ],
        title=_("Open cases per worker by role"),
        description="; ".join(
            f"{row['role_name']}: {row['cases']}/{row['workers']} ({_('standard')} {row['standard']})"
            for row in rows
        ),
        empty_text=_("No data"),
        y_label=_("Cases per worker"),
        target_label=_("Standard"),
        kind="bar",
        chart_id="caseload-chart",
        slot=78,
    )
    return {"rows": rows, "chart": mark_safe(chart)}  # noqa: S308 - escaped by the chart builder


# --- pages ---------------------------------------------------------------------------------------


def _row(value: engine.Value, trend: SafeString) -> dict[str, Any]:
    published = value.published
    return {
        "v": value,
        "code": value.indicator.code,
        "numerator": _number(value.numerator),
        "denominator": _number(value.denominator),
        "target": shown(value.indicator, value.target),
        "source_label": SOURCE_LABELS.get(value.source, value.source),
        "published_shown": shown(value.indicator, published.value) if published else "",
        "trend": trend,
    }


@kinds_required(*READ_KINDS)
def dashboard(request: HttpRequest) -> HttpResponse:
    counties, county = _area(request, request.GET)
    today = timezone.localdate()
    years = plan_years(today)
    year = _year(request.GET, years, today)
    try:
        current = indicators_for(county.code, year, today)
    except DomainError as error:  # a year outside every plan phase: none is offered
        raise Http404 from error
    values = Values(county.code, today)
    values.add(year, current)
    shown_years = trend_years(year, years)
    rows = []
    for value in current:
        trend = [(str(y), values.get(value.indicator, y)) for y in shown_years]
        rows.append(
            _row(
                value, trend_svg(value.indicator, trend, chart_id=f"trend-{value.indicator.code}", width=340)
            )
        )
    by_code = {v.indicator.code: v for v in current}
    return render(
        request,
        "indicators/dashboard.html",
        {
            "counties": counties,
            "county": county,
            "years": years,
            "year": year,
            "rows": rows,
            "trend_years": shown_years,
            "as_of": current[0].on if current else None,
            "staffing": staffing(by_code.get("HIRE_RATE")),
            "caseload": caseload(by_code.get("CASELOAD")),
            "can_write": _can_write(request),
            "published": any(v.published for v in current),
        },
    )


def _indicator(code: str) -> Indicator:
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        raise Http404
    return indicator


def _targets(indicator: Indicator, county: County) -> list[dict[str, Any]]:
    """Each plan year's target: the area's own where set, else every area's."""
    found: dict[int, dict[str, Any]] = {}
    for target in Target.objects.filter(indicator=indicator, area__isnull=True).order_by("plan_year"):
        found[target.plan_year] = {"target": target, "own": False}
    for target in Target.objects.filter(indicator=indicator, area=county).order_by("plan_year"):
        found[target.plan_year] = {"target": target, "own": True}
    return [
        {**entry, "plan_year": year, "shown": shown(indicator, entry["target"].value)}
        for year, entry in sorted(found.items())
    ]


def _detail_page(
    request: HttpRequest,
    indicator: Indicator,
    counties: list[County],
    county: County,
    year: int,
    *,
    reported_form: ReportedValueForm | None = None,
    target_form: TargetForm | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    years = plan_years(today)
    values = Values(county.code, today)
    current = values.get(indicator, year)
    yearly = trend_svg(
        indicator,
        [(str(y), values.get(indicator, y)) for y in trend_years(year, years)],
        chart_id="trend-yearly",
    )
    monthly = None
    if indicator.period != PeriodKind.SCHOOL_YEAR:
        months: list[tuple[str, engine.Value | None]] = []
        for month in range(1, 13):
            period = period_of("month", year, month)
            months.append(
                (
                    str(month),
                    engine.compute(indicator, county.code, period, today) if period.start <= today else None,
                )
            )
        monthly = trend_svg(indicator, months, chart_id="trend-monthly")
    can_write = _can_write(request)
    if can_write:
        reported_form = reported_form or ReportedValueForm(
            indicator=indicator, years=years, initial={"year": year, "reported_on": today}
        )
        target_form = target_form or TargetForm(
            indicator=indicator, years=all_plan_years(), initial={"plan_year": year}
        )
    reported = (
        ReportedValue.objects.filter(indicator=indicator, area=county)
        .select_related("entered_by__staff")
        .order_by("-period_start")
    )
    snapshots = (
        Snapshot.objects.filter(indicator=indicator, area=county)
        .select_related("published_by__staff")
        .order_by("-period_start", "-published_at", "-pk")
    )
    return render(
        request,
        "indicators/detail.html",
        {
            "indicator": indicator,
            "counties": counties,
            "county": county,
            "years": years,
            "year": year,
            "row": _row(current, yearly),
            "monthly": monthly,
            "targets": _targets(indicator, county),
            "reported": [
                {
                    "r": r,
                    "label": _period_label(r.period_kind, r.period_start, r.period_end),
                    "shown": shown(indicator, r.value) if r.value is not None else "—",
                    "numerator": _number(r.numerator),
                    "denominator": _number(r.denominator),
                    "by": _name(r.entered_by),
                }
                for r in reported
            ],
            "snapshots": [
                {
                    "s": s,
                    "label": _period_label(s.period_kind, s.period_start, s.period_end),
                    "shown": shown(indicator, s.value),
                    "numerator": _number(s.numerator),
                    "denominator": _number(s.denominator),
                    "by": _name(s.published_by),
                }
                for s in snapshots
            ],
            "can_write": can_write,
            "reported_form": reported_form,
            "target_form": target_form,
        },
    )


def _period_label(kind: str, start: datetime.date, end: datetime.date) -> str:
    if kind in (PeriodKind.YEAR, PeriodKind.SCHOOL_YEAR):
        return period_of(kind, to_roc_year(start)).label
    return f"{rocdate.format(start)}–{rocdate.format(end)}"


def _name(user: Any) -> str:
    staff = getattr(user, "staff", None)
    return staff.name if staff is not None else str(user.get_username())


@kinds_required(*READ_KINDS)
def detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = _indicator(code)
    counties, county = _area(request, request.GET)
    year = _year(request.GET, plan_years(timezone.localdate()), timezone.localdate())
    return _detail_page(request, indicator, counties, county, year)


def _writer(request: HttpRequest, code: str) -> tuple[Indicator, list[County], County, int]:
    if not _can_write(request):
        raise PermissionDenied
    indicator = _indicator(code)
    counties, county = _area(request, request.POST)
    today = timezone.localdate()
    return indicator, counties, county, _year(request.POST, plan_years(today), today)


def _back(name: str, county: County, year: int, code: str | None = None) -> HttpResponse:
    url = reverse(name, kwargs={"code": code} if code else None)
    return redirect(f"{url}?area={county.code}&year={year}")


@require_POST
@kinds_required(*READ_KINDS)
def reported_add(request: HttpRequest, code: str) -> HttpResponse:
    indicator, counties, county, year = _writer(request, code)
    form = ReportedValueForm(request.POST, indicator=indicator, years=plan_years(timezone.localdate()))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_reported_value(
                indicator,
                county,
                engine.period_for(indicator, data["year"]),
                numerator=data["numerator"],
                denominator=data["denominator"],
                value=data["value"],
                source=data["source"],
                reported_on=data["reported_on"],
                note=data["note"],
                by=request.user,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Reported value for %(period)s saved.")
                % {"period": engine.period_for(indicator, data["year"]).label},
            )
            return _back("indicators:detail", county, data["year"], indicator.code)
    return _detail_page(request, indicator, counties, county, year, reported_form=form)


@require_POST
@kinds_required(*READ_KINDS)
def target_set(request: HttpRequest, code: str) -> HttpResponse:
    indicator, counties, county, year = _writer(request, code)
    form = TargetForm(request.POST, indicator=indicator, years=all_plan_years())
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_target(indicator, county, data["plan_year"], data["value"], source=data["source"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Target for %(year)s saved.") % {"year": data["plan_year"]})
            return _back("indicators:detail", county, year, indicator.code)
    return _detail_page(request, indicator, counties, county, year, target_form=form)


@require_POST
@kinds_required(*READ_KINDS)
def publish(request: HttpRequest) -> HttpResponse:
    if not _can_write(request):
        raise PermissionDenied
    _counties, county = _area(request, request.POST)
    today = timezone.localdate()
    years = plan_years(today)
    if request.POST.get("year") not in {str(y) for y in years}:
        messages.error(request, _("Choose a plan year to publish."))
        return redirect(reverse("indicators:dashboard") + f"?area={county.code}")
    year = int(request.POST["year"])
    try:
        published = services.publish(county, year, by=request.user, today=today)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Published %(count)s values for %(year)s.") % {"count": len(published), "year": year}
        )
    return _back("indicators:dashboard", county, year)
