"""The safety-net map of one county (守護家園地圖): figures per town, partner locations, service gaps.

One place for the queries, used by the web map (page and GeoJSON) and by the SVG image for reports,
so the page and the image never disagree. The drawing rules (suppression, classes, projection) are
pure, in `safetynet.domain.choropleth`.

- Metrics: `population` (public statistics, never suppressed); `cases`, open cases per 1,000 residents
  by the person's town; `referrals`, referrals sent in the last twelve months by the case person's
  town. Counts under three are suppressed before any rate is computed.
- Markers: mappable locations (coordinates known, address not confidential) of active organisations
  that offer an active service of the category there, in the county's towns or of the county's network.
- Gaps: the county's towns where no active service of the category (of an active organisation) has a
  location or lists the town in its service area.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetynet.cases.models import Case
from safetynet.domain import choropleth
from safetynet.domain.choropleth import Figure
from safetynet.geo import boundaries
from safetynet.geo.models import County, Town
from safetynet.referrals.models import Location, Referral, Service, ServiceCategory, ServiceStatus

REFERRAL_WINDOW = datetime.timedelta(days=365)


@dataclass(frozen=True)
class Metric:
    code: str
    label: Any  # a lazy translation: the page's choice and legend, and the image's legend title
    decimals: int


METRICS = {
    m.code: m
    for m in (
        Metric("population", gettext_lazy("Population"), 0),
        Metric("cases", gettext_lazy("Open cases per 1,000 residents"), 2),
        Metric("referrals", gettext_lazy("Referrals sent in the last 12 months"), 0),
    )
}
# Reports are written in zh-Hant, whatever language the person asking for the image reads.
REPORT_LANGUAGE = "zh-hant"
DEFAULT_METRIC = "population"


@dataclass(frozen=True)
class MapMarker:
    location: Location
    services: tuple[str, ...]

    @property
    def latitude(self) -> float:
        return float(self.location.latitude or 0)

    @property
    def longitude(self) -> float:
        return float(self.location.longitude or 0)

    @property
    def label(self) -> str:
        return f"{self.location.organization.name}（{self.location.name}）：{'、'.join(self.services)}"

    def as_json(self) -> dict[str, Any]:
        return {
            "lat": self.latitude,
            "lng": self.longitude,
            "organization": self.location.organization.name,
            "location": self.location.name,
            "town": self.location.town.name if self.location.town else "",
            "services": list(self.services),
        }


@dataclass
class CountyMap:
    county: County
    metric: Metric
    category: ServiceCategory | None
    towns: list[Town]
    figures: dict[str, Figure]
    markers: list[MapMarker]
    gaps: list[Town]
    shading: choropleth.Shading = field(init=False)

    def __post_init__(self) -> None:
        self.shading = choropleth.shade(self.figures, decimals=self.metric.decimals)

    @property
    def gap_codes(self) -> set[str]:
        return {t.code for t in self.gaps}

    def rows(self) -> list[tuple[Town, Figure, bool]]:
        """Each town with its figure and whether it is a service gap, in code order."""
        gaps = self.gap_codes
        return [(t, self.figures[t.code], t.code in gaps) for t in self.towns]

    def geojson(self) -> dict[str, Any]:
        """The county's boundaries with each town's figure, fill and gap flag; markers and legend."""
        collection = boundaries.county_boundaries(self.county.code)
        gaps = self.gap_codes
        for feature in collection["features"]:
            properties = feature["properties"]
            figure = self.figures.get(properties["code"], choropleth.NO_DATA)
            properties.update(
                value=figure.value,
                shown=figure.shown,
                suppressed=figure.suppressed,
                gap=properties["code"] in gaps,
                fill=self.shading.fills.get(properties["code"], choropleth.NO_DATA_FILL),
            )
        collection["metric"] = self.metric.code
        collection["category"] = self.category.code if self.category else ""
        collection["markers"] = [m.as_json() for m in self.markers]
        collection["legend"] = self.legend()
        return collection

    def legend(self) -> dict[str, Any]:
        return {
            "title": str(self.metric.label),
            "classes": [{"fill": c.fill, "label": c.label} for c in self.shading.classes],
            "suppressed": {
                "fill": choropleth.SUPPRESSED_FILL,
                "hatch": choropleth.SUPPRESSED_HATCH,
                "label": choropleth.SUPPRESSED_TEXT,
            }
            if self.shading.any_suppressed
            else None,
            "no_data": {"fill": choropleth.NO_DATA_FILL, "label": choropleth.NO_DATA_TEXT}
            if self.shading.any_missing
            else None,
            "gap": {"stroke": choropleth.GAP_STROKE, "dash": choropleth.GAP_DASH} if self.category else None,
            "marker": {"fill": choropleth.MARKER_FILL, "stroke": choropleth.MARKER_STROKE},
        }

    def svg(self) -> str:
        """The map as an SVG image for reports, in the page's own words (zh-Hant)."""
        features = boundaries.county_boundaries(self.county.code)["features"]
        with translation.override(REPORT_LANGUAGE):
            legend = str(self.metric.label)
            category = self.category.name if self.category else str(_("All"))
            texts = choropleth.Texts(
                title=_("%(name)s: safety-net map") % {"name": self.county.name},
                subtitle=f"{legend}・{_('Partner location')}：{category}",
                legend_title=legend,
                suppressed=str(_("Fewer than 3: not shown")),
                no_data=str(_("No data")),
                gap=_("Service gaps: %(category)s") % {"category": self.category.name}
                if self.category
                else "",
                marker=str(_("Partner location")),
                gap_list=str(_("Service gaps")) if self.category else "",
                none_missing=str(_("None.")),
                note=str(_("Counts under 3 are not shown, and no rate is computed from them.")),
            )
        return choropleth.render_svg(
            features,
            self.figures,
            texts=texts,
            gaps=self.gap_codes,
            markers=[choropleth.Marker(m.longitude, m.latitude, m.label) for m in self.markers],
            decimals=self.metric.decimals,
        )


def open_case_counts(county: County, at: datetime.datetime | None = None) -> dict[str, int]:
    """Open cases by the person's town: now, or at a past moment (a report's checkpoint)."""
    cases = Case.objects.open() if at is None else Case.objects.open_at(at)
    rows = (
        cases.filter(area_id=county.code, person__town__county_id=county.code)
        .values("person__town")
        .annotate(n=Count("pk"))
        .values_list("person__town", "n")
    )
    return dict(rows)


def referral_counts(county: County, since: datetime.datetime) -> dict[str, int]:
    rows = (
        Referral.objects.sent()
        .filter(area_id=county.code, requested_at__gte=since, case__person__town__county_id=county.code)
        .values("case__person__town")
        .annotate(n=Count("pk"))
        .values_list("case__person__town", "n")
    )
    return dict(rows)


def town_figures(
    county: County,
    towns: list[Town],
    metric: Metric,
    now: datetime.datetime | None = None,
    cases_at: datetime.datetime | None = None,
) -> dict[str, Figure]:
    if metric.code == "cases":
        cases = open_case_counts(county, cases_at)
        return {
            t.code: choropleth.rate_figure(cases.get(t.code, 0), t.population, decimals=metric.decimals)
            for t in towns
        }
    if metric.code == "referrals":
        sent = referral_counts(county, (now or timezone.now()) - REFERRAL_WINDOW)
        return {t.code: choropleth.count_figure(sent.get(t.code, 0)) for t in towns}
    return {t.code: choropleth.count_figure(t.population, suppress=False) for t in towns}


def _services(category: ServiceCategory | None) -> Any:
    services = Service.objects.filter(status=ServiceStatus.ACTIVE, organization__active=True)
    return services.filter(categories=category) if category is not None else services


def markers(county: County, category: ServiceCategory | None) -> list[MapMarker]:
    """Where the county's partners serve, for one category or all; confidential addresses never."""
    services = _services(category)
    locations = (
        Location.objects.filter(
            Q(town__county_id=county.code) | Q(organization__area_id=county.code),
            organization__active=True,
            latitude__isnull=False,
            longitude__isnull=False,
            address_confidential=False,
            pk__in=services.values("locations"),
        )
        .select_related("organization", "town")
        .prefetch_related(Prefetch("services", queryset=services.order_by("name"), to_attr="offered"))
        .order_by("organization__name", "name")
    )
    return [MapMarker(location, tuple(s.name for s in location.offered)) for location in locations]


def gaps(county: County, category: ServiceCategory) -> list[Town]:
    """The county's towns that no active service of `category` reaches, by location or service area."""
    services = _services(category)
    # NOT IN over a NULL matches nothing: locations without a town must stay out of the subquery.
    located = Location.objects.filter(services__in=services, town__isnull=False).values("town")
    served = Service.towns.through.objects.filter(service__in=services).values("town")
    return list(
        Town.objects.in_county(county).exclude(code__in=located).exclude(code__in=served).order_by("code")
    )


def county_map(
    county: County,
    metric: str = DEFAULT_METRIC,
    category: ServiceCategory | None = None,
    now: datetime.datetime | None = None,
    cases_at: datetime.datetime | None = None,
) -> CountyMap:
    chosen = METRICS[metric]
    towns = list(Town.objects.in_county(county).order_by("code"))
    return CountyMap(
        county=county,
        metric=chosen,
        category=category,
        towns=towns,
        figures=town_figures(county, towns, chosen, now, cases_at),
        markers=markers(county, category),
        gaps=gaps(county, category) if category is not None else [],
    )
