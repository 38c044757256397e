"""Workforce pages: staffing against the plan, the forecast to the checkpoint, the budget gap table and
the plan's milestones and training. Read by WORKFORCE_KINDS for the counties they may see; vacancies
are written by managers and administrators only. An area out of the user's scope is a 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from safetynet.core.access import (
    WORKFORCE_KINDS,
    counties_visible_to,
    county_asked,
    kinds_required,
    may_enter_figures,
)
from safetynet.core.forms import submitted, year_asked
from safetynet.domain.rocdate import OFFSET, to_roc_year
from safetynet.geo.models import County
from safetynet.workforce import services
from safetynet.workforce.budget import budget_years, gap_table
from safetynet.workforce.forms import VacancyForm
from safetynet.workforce.milestones import milestone_rows
from safetynet.workforce.staffing import checkpoint, forecast, plan_years, staffing_table
from safetynet.workforce.training import training_report


def _county(request: HttpRequest, params: Any) -> tuple[list[County], County]:
    """The counties the user may read and the one asked for; an area out of scope is a 404."""
    counties = list(County.objects.filter(code__in=counties_visible_to(request.user)))
    return counties, county_asked(params, counties)


def _year(params: Any, years: list[int], today: datetime.date) -> int | None:
    """The plan year asked for, else the latest not after this one."""
    if not years:
        return None
    return year_asked(params, years, max([y for y in years if y <= to_roc_year(today)], default=years[-1]))


@kinds_required(*WORKFORCE_KINDS)
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    counties, county = _county(request, request.GET)
    years = plan_years([county.code])
    today = timezone.localdate()
    year = _year(request.GET, years, today)
    table = staffing_table(county, year, checkpoint(county, year, today)) if year is not None else None
    return render(
        request,
        "workforce/overview.html",
        {
            "counties": counties,
            "county": county,
            "years": years,
            "year": year,
            "table": table,
            "groups": table.groups() if table else [],
            "page": "overview",
        },
    )


def _forecast_page(
    request: HttpRequest, counties: list[County], county: County, year: int | None, form: VacancyForm | None
) -> HttpResponse:
    today = timezone.localdate()
    projection = forecast(county, year, today) if year is not None else None
    can_write = may_enter_figures(request.user)
    if form is None and can_write and year is not None:
        form = VacancyForm(county=county, plan_year=year)
    return render(
        request,
        "workforce/forecast.html",
        {
            "counties": counties,
            "county": county,
            "years": plan_years([county.code]),
            "year": year,
            "forecast": projection,
            "form": form if can_write else None,
            "page": "forecast",
        },
    )


@kinds_required(*WORKFORCE_KINDS)
@require_safe
def forecast_view(request: HttpRequest) -> HttpResponse:
    counties, county = _county(request, request.GET)
    year = _year(request.GET, plan_years([county.code]), timezone.localdate())
    return _forecast_page(request, counties, county, year, None)


@require_POST
@kinds_required(*WORKFORCE_KINDS)
def vacancy_add(request: HttpRequest) -> HttpResponse:
    if not may_enter_figures(request.user):
        raise PermissionDenied
    counties, county = _county(request, request.POST)
    year = _year(request.POST, plan_years([county.code]), timezone.localdate())
    if year is None:
        raise Http404
    form = VacancyForm(request.POST, county=county, plan_year=year)

    def save(data: dict[str, Any]) -> str:
        services.record_vacancy(
            data["position"],
            year,
            seats=data["seats"],
            announced_on=data["announced_on"],
            interview_on=data["interview_on"],
            expected_on=data["expected_on"],
            note=data["note"],
            by=request.user,
        )
        return _("Vacancy recorded.")

    if submitted(request, form, save):
        return redirect(f"{reverse('workforce:forecast')}?area={county.code}&year={year}")
    return _forecast_page(request, counties, county, year, form)


@kinds_required(*WORKFORCE_KINDS)
@require_safe
def budget(request: HttpRequest) -> HttpResponse:
    counties, county = _county(request, request.GET)
    years = budget_years(county)
    year = _year(request.GET, years, timezone.localdate())
    rows = gap_table(county, year) if year is not None else []
    return render(
        request,
        "workforce/budget.html",
        {
            "counties": counties,
            "county": county,
            "years": years,
            "year": year,
            "rows": rows,
            "page": "budget",
        },
    )


@kinds_required(*WORKFORCE_KINDS)
@require_safe
def plan(request: HttpRequest) -> HttpResponse:
    counties, county = _county(request, request.GET)
    today = timezone.localdate()
    rows = milestone_rows(county, today)
    years = sorted(set(plan_years([county.code])) | {r.milestone.plan_year for r in rows})
    year = _year(request.GET, years, today)
    training = None
    if year is not None:
        start = datetime.date(year + OFFSET, 1, 1)
        training = training_report(county.code, start, min(datetime.date(year + OFFSET, 12, 31), today))
    by_code: dict[str, list[Any]] = {}
    for row in rows:
        by_code.setdefault(row.milestone.code, []).append(row)
    return render(
        request,
        "workforce/plan.html",
        {
            "counties": counties,
            "county": county,
            "years": years,
            "year": year,
            "milestones": list(by_code.values()),
            "training": training,
            "page": "plan",
        },
    )
