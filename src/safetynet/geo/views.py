"""The safety-net map (守護家園地圖): a page, its GeoJSON and the same map as an SVG for reports.

All three read one `safetynet.referrals.mapping.CountyMap`, so what the page shades, lists and marks
is what the image prints.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from safetynet.core.access import counties_visible_to, kinds_required
from safetynet.geo.models import County
from safetynet.org.models import Unit, UnitKind
from safetynet.referrals import mapping
from safetynet.referrals.models import ServiceCategory

MAP_KINDS = ("screener", "caseworker", "supervisor", "manager", "admin", "reviewer")


class MapForm(forms.Form):
    """The map's choices; blank means the default, anything unknown is a field error (never a 500)."""

    metric = forms.ChoiceField(label=_("Shade by"), required=False, choices=[])
    category = forms.ChoiceField(label=_("Service category"), required=False, choices=[])

    def __init__(self, *args: Any, categories: list[ServiceCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        metric = self.fields["metric"]
        category = self.fields["category"]
        assert isinstance(metric, forms.ChoiceField) and isinstance(category, forms.ChoiceField)  # noqa: S101 - mypy
        metric.choices = [(m.code, m.label) for m in mapping.METRICS.values()]
        category.choices = [("", _("All")), *((c.code, c.name) for c in categories)]
        self.categories = {c.code: c for c in categories}

    def chosen_metric(self) -> str:
        return str(self.cleaned_data.get("metric") or mapping.DEFAULT_METRIC)

    def chosen_category(self) -> ServiceCategory | None:
        return self.categories.get(self.cleaned_data.get("category") or "")


def _county_for(request: HttpRequest) -> tuple[County, list[County]]:
    counties = list(County.objects.filter(code__in=counties_visible_to(request.user)))
    if not counties:
        raise Http404
    return next((c for c in counties if c.code == request.GET.get("area")), counties[0]), counties


def _read(request: HttpRequest) -> tuple[County, list[County], MapForm, mapping.CountyMap | None]:
    county, counties = _county_for(request)
    form = MapForm(request.GET, categories=list(ServiceCategory.objects.filter(active=True)))
    if not form.is_valid():
        return county, counties, form, None
    return county, counties, form, mapping.county_map(county, form.chosen_metric(), form.chosen_category())


def _errors(form: MapForm) -> JsonResponse:
    errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
    return JsonResponse({"errors": errors}, status=400)


def _query(county_map: mapping.CountyMap) -> str:
    category = county_map.category.code if county_map.category else ""
    return urlencode({"area": county_map.county.code, "metric": county_map.metric.code, "category": category})


@kinds_required(*MAP_KINDS)
@require_safe
def county_map(request: HttpRequest) -> HttpResponse:
    county, counties, form, found = _read(request)
    context: dict[str, Any] = {"county": county, "counties": counties, "form": form, "map": found}
    if found is None:
        return render(request, "geo/map.html", context, status=400)
    towns = county.towns.prefetch_related(
        Prefetch("units", queryset=Unit.objects.filter(kind=UnitKind.SWC), to_attr="family_centres")
    ).order_by("code")
    gaps = found.gap_codes
    context.update(
        query=_query(found),
        metric_label=found.metric.label,
        rows=[{"town": t, "figure": found.figures[t.code], "gap": t.code in gaps} for t in towns],
    )
    return render(request, "geo/map.html", context)


@kinds_required(*MAP_KINDS)
@require_safe
def county_geojson(request: HttpRequest) -> JsonResponse:
    county, _counties, form, found = _read(request)
    if found is None:
        return _errors(form)
    collection = found.geojson()
    units_by_town: dict[str, list[str]] = {}
    for unit in Unit.objects.filter(kind=UnitKind.SWC, county=county).prefetch_related("towns"):
        for town in unit.towns.all():
            units_by_town.setdefault(town.code, []).append(unit.name)
    populations = {t.code: t.population for t in found.towns}
    for feature in collection["features"]:
        code = feature["properties"]["code"]
        feature["properties"]["population"] = populations.get(code)
        feature["properties"]["swc"] = units_by_town.get(code, [])
    return JsonResponse(collection)


@kinds_required(*MAP_KINDS)
@require_safe
def county_map_svg(request: HttpRequest) -> HttpResponse:
    """The map as an image for reports (zh-Hant, Noto Sans CJK TC), the same figures as the page."""
    _county, _counties, form, found = _read(request)
    if found is None:
        return _errors(form)
    response = HttpResponse(found.svg(), content_type="image/svg+xml; charset=utf-8")
    name = "-".join(
        part
        for part in (
            "map",
            found.county.code,
            found.metric.code,
            found.category.code if found.category else "",
        )
        if part
    )
    response["Content-Disposition"] = f'inline; filename="{name}.svg"'
    return response
