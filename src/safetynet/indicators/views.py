"""Indicator pages: the dashboard of an area and year, one indicator's page, and the managers' entry
of reported figures and targets and the publishing of a year's values.

Read by WORKFORCE_KINDS for the counties whose aggregates they may see (an area out of scope is a
404); written by managers and administrators only. Every figure on a page is the engine's
(`indicators.engine`), computed once per request: a trend reuses the values of the year shown.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from safetynet.core import dates
from safetynet.core.access import (
    WORKFORCE_KINDS,
    aggregates_visible_to,
    county_asked,
    kinds_required,
    may_enter_figures,
)
from safetynet.core.errors import DomainError
from safetynet.core.forms import submitted, year_asked
from safetynet.domain.indicators import period_of
from safetynet.domain.rocdate import to_roc_year
from safetynet.geo.models import County
from safetynet.indicators import engine, services
from safetynet.indicators.forms import ReportedValueForm, TargetForm
from safetynet.indicators.models import Indicator, PeriodKind, ReportedValue, Snapshot, Source, Target
from safetynet.indicators.presentation import (
    Values,
    all_plan_years,
    caseload,
    number_shown,
    plan_years,
    shown,
    staffing,
    trend_svg,
    trend_years,
)
from safetynet.indicators.selectors import indicators_for

READ_KINDS = WORKFORCE_KINDS
SOURCE_LABELS = dict(Source.choices)


# --- scope --------------------------------------------------------------------------------------


def _area(request: HttpRequest, params: Any) -> tuple[list[County], County]:
    """The counties whose aggregates the user may read and the one asked for (out of scope: 404)."""
    counties = list(County.objects.filter(code__in=aggregates_visible_to(request.user)).order_by("code"))
    return counties, county_asked(params, counties)


def _year(params: Any, years: list[int], today: datetime.date) -> int:
    """The year asked for, else this ROC year (or the last plan year before it)."""
    if not years:
        raise Http404
    return year_asked(params, years, to_roc_year(today) if to_roc_year(today) in years else years[-1])


# --- pages ---------------------------------------------------------------------------------------


def _row(value: engine.Value, trend: SafeString) -> dict[str, Any]:
    published = value.published
    return {
        "v": value,
        "code": value.indicator.code,
        "numerator": number_shown(value.numerator),
        "denominator": number_shown(value.denominator),
        "target": shown(value.indicator, value.target),
        "source_label": SOURCE_LABELS.get(value.source, value.source),
        "published_shown": shown(value.indicator, published.value) if published else "",
        "trend": trend,
    }


@kinds_required(*READ_KINDS)
@require_safe
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
            "can_write": may_enter_figures(request.user),
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
    can_write = may_enter_figures(request.user)
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
                    "numerator": number_shown(r.numerator),
                    "denominator": number_shown(r.denominator),
                    "by": _name(r.entered_by),
                }
                for r in reported
            ],
            "snapshots": [
                {
                    "s": s,
                    "label": _period_label(s.period_kind, s.period_start, s.period_end),
                    "shown": shown(indicator, s.value),
                    "numerator": number_shown(s.numerator),
                    "denominator": number_shown(s.denominator),
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
        return dates.period_name(period_of(kind, to_roc_year(start)))
    return f"{dates.roc(start)}–{dates.roc(end)}"


def _name(user: Any) -> str:
    staff = getattr(user, "staff", None)
    return staff.name if staff is not None else str(user.get_username())


@kinds_required(*READ_KINDS)
@require_safe
def detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = _indicator(code)
    counties, county = _area(request, request.GET)
    year = _year(request.GET, plan_years(timezone.localdate()), timezone.localdate())
    return _detail_page(request, indicator, counties, county, year)


def _writer(request: HttpRequest, code: str) -> tuple[Indicator, list[County], County, int]:
    if not may_enter_figures(request.user):
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

    def save(data: dict[str, Any]) -> str:
        period = engine.period_for(indicator, data["year"])
        services.record_reported_value(
            indicator,
            county,
            period,
            numerator=data["numerator"],
            denominator=data["denominator"],
            value=data["value"],
            source=data["source"],
            reported_on=data["reported_on"],
            note=data["note"],
            by=request.user,
        )
        return _("Reported value for %(period)s saved.") % {"period": dates.period_name(period)}

    if submitted(request, form, save):
        return _back("indicators:detail", county, form.cleaned_data["year"], indicator.code)
    return _detail_page(request, indicator, counties, county, year, reported_form=form)


@require_POST
@kinds_required(*READ_KINDS)
def target_set(request: HttpRequest, code: str) -> HttpResponse:
    indicator, counties, county, year = _writer(request, code)
    form = TargetForm(request.POST, indicator=indicator, years=all_plan_years())

    def save(data: dict[str, Any]) -> str:
        services.set_target(indicator, county, data["plan_year"], data["value"], source=data["source"])
        return _("Target for %(year)s saved.") % {"year": data["plan_year"]}

    if submitted(request, form, save):
        return _back("indicators:detail", county, year, indicator.code)
    return _detail_page(request, indicator, counties, county, year, target_form=form)


@require_POST
@kinds_required(*READ_KINDS)
def publish(request: HttpRequest) -> HttpResponse:
    if not may_enter_figures(request.user):
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
