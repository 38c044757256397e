from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from safetynet.core.access import WORKFORCE_KINDS, counties_visible_to, kinds_required
from safetynet.domain.rocdate import to_roc_year
from safetynet.geo.models import County
from safetynet.workforce.staffing import measuring_day, plan_years, staffing_table


@kinds_required(*WORKFORCE_KINDS)
def overview(request: HttpRequest) -> HttpResponse:
    codes = counties_visible_to(request.user)
    counties = list(County.objects.filter(code__in=codes))
    if not counties:
        raise Http404
    county = next((c for c in counties if c.code == request.GET.get("area")), counties[0])
    years = plan_years([county.code])
    today = timezone.localdate()
    default_year = max([y for y in years if y <= to_roc_year(today)], default=years[-1] if years else None)
    try:
        year = int(request.GET.get("year", default_year or 0))
    except ValueError:
        year = default_year or 0
    if years and year not in years:
        year = default_year or years[-1]
    table = staffing_table(county, year, measuring_day(year, today)) if years else None
    return render(
        request,
        "workforce/overview.html",
        {"counties": counties, "county": county, "years": years, "year": year, "table": table},
    )
