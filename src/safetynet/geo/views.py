from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from safetynet.core.access import counties_visible_to, kinds_required
from safetynet.geo import boundaries
from safetynet.geo.models import County
from safetynet.org.models import Unit, UnitKind

MAP_KINDS = ("screener", "caseworker", "supervisor", "manager", "admin", "reviewer")


def _county_for(request: HttpRequest) -> tuple[County, list[County]]:
    counties = list(County.objects.filter(code__in=counties_visible_to(request.user)))
    if not counties:
        raise Http404
    return next((c for c in counties if c.code == request.GET.get("area")), counties[0]), counties


@kinds_required(*MAP_KINDS)
def county_map(request: HttpRequest) -> HttpResponse:
    county, counties = _county_for(request)
    towns = county.towns.prefetch_related(
        Prefetch("units", queryset=Unit.objects.filter(kind=UnitKind.SWC), to_attr="family_centres")
    ).order_by("code")
    return render(request, "geo/map.html", {"county": county, "counties": counties, "towns": towns})


@kinds_required(*MAP_KINDS)
def county_geojson(request: HttpRequest) -> JsonResponse:
    county, _ = _county_for(request)
    collection = boundaries.county_boundaries(county.code)
    units_by_town: dict[str, list[str]] = {}
    for unit in Unit.objects.filter(kind=UnitKind.SWC, county=county).prefetch_related("towns"):
        for town in unit.towns.all():
            units_by_town.setdefault(town.code, []).append(unit.name)
    populations = dict(county.towns.values_list("code", "population"))
    for feature in collection["features"]:
        code = feature["properties"]["code"]
        feature["properties"]["population"] = populations.get(code)
        feature["properties"]["swc"] = units_by_town.get(code, [])
    return JsonResponse(collection)
