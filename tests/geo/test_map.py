"""The safety-net map: figures per town with small counts suppressed, partner markers, service gaps,
and the same map as an SVG image — page, GeoJSON and image from the same figures."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from safetynet.cases.models import Case
from safetynet.domain import choropleth
from safetynet.geo.models import County, Town
from safetynet.intake.services import receive_report, screen_report
from safetynet.referrals.models import Organization, Service, ServiceStatus
from safetynet.referrals.services import directory
from tests.referrals.helpers import category, refer, user

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
EMPLOYMENT_GAPS = {"10010170", "10010180"}  # 大埔鄉, 阿里山鄉: neither employment centre reaches them
PUZI = "10010020"  # 朴子市: 朴子就業中心 is there


def geojson(client: Any, **params: str) -> dict[str, Any]:
    response = client.get("/geo/towns.geojson", params)
    assert response.status_code == 200, response.content
    data: dict[str, Any] = response.json()
    return data


def by_code(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["properties"]["code"]: f["properties"] for f in data["features"]}


def svg_root(client: Any, **params: str) -> ET.Element:
    response = client.get("/geo/map.svg", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("image/svg+xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own output


def open_cases(town: str) -> int:
    return Case.objects.open().filter(area_id=town[:5], person__town_id=town).count()


def open_case_in(town: str, n: int) -> None:
    """A 社福中心 report about a child in `town`, received and screened through the services."""
    received = timezone.now() - datetime.timedelta(days=2)
    document = {
        "received_at": timezone.localtime(received).isoformat(),
        "area": town[:5],
        "source": "113",
        "subjects": [{"ref": "s", "role": "child", "types": ["VF"], "town": town, "name": f"地圖測試{n}"}],
    }
    report = receive_report(document, by=user("screener")).report
    screen_report(report, by=user("screener"), at=received + datetime.timedelta(hours=1))


def quiet_town() -> Town:
    """A town of 嘉義縣 without open cases in the demo, to build small counts in."""
    for town in Town.objects.in_county("10010").order_by("code"):
        if open_cases(town.code) == 0:
            return town
    pytest.skip("every town of the demo has open cases")


@pytest.mark.parametrize("metric", ["population", "cases", "referrals"])
def test_it_gives_every_town_its_figure_for_each_metric(as_user, metric: str) -> None:  # type: ignore[no-untyped-def]
    data = geojson(as_user("manager"), metric=metric)
    towns = by_code(data)
    assert len(towns) == 18 and data["metric"] == metric
    for properties in towns.values():
        assert {"value", "shown", "suppressed", "gap", "fill", "name", "population", "swc"} <= set(properties)
        assert properties["gap"] is False  # no category chosen
        if properties["suppressed"]:
            assert (properties["value"], properties["shown"]) == (None, "<3")
        assert properties["shown"] not in {"0", "1", "2", "0.00"}
    assert data["legend"]["title"] and data["legend"]["marker"]
    if metric == "population":
        assert towns[PUZI]["value"] == 41131 and towns[PUZI]["shown"] == "41,131"
        assert not any(p["suppressed"] for p in towns.values())


def test_a_town_with_one_or_two_open_cases_shows_under_three_and_no_rate(as_user) -> None:  # type: ignore[no-untyped-def]
    town = quiet_town()
    manager = as_user("manager")
    for n in (1, 2, 3):
        open_case_in(town.code, n)
        count = open_cases(town.code)
        properties = by_code(geojson(manager, metric="cases"))[town.code]
        if count < 3:
            assert (properties["value"], properties["shown"], properties["suppressed"]) == (None, "<3", True)
            assert properties["fill"] == choropleth.SUPPRESSED_FILL
            page = manager.get("/geo/map/", {"metric": "cases"}).content.decode()
            row = page.split(f"<td>{town.code}</td>", 1)[1].split("</tr>", 1)[0]
            assert "&lt;3" in row
        else:
            assert town.population
            rate = count * 1000 / town.population
            assert properties["suppressed"] is False
            assert properties["value"] == pytest.approx(rate)
            assert properties["shown"] == f"{rate:.2f}"
    assert open_cases(town.code) >= 3


def test_referrals_count_those_sent_in_the_last_twelve_months_by_the_persons_town(as_user) -> None:  # type: ignore[no-untyped-def]
    manager = as_user("manager")
    before = by_code(geojson(manager, metric="referrals"))[PUZI]
    refer(send=False)  # a draft is not sent
    for _ in range(3):
        refer()
    after = by_code(geojson(manager, metric="referrals"))[PUZI]
    assert after["suppressed"] is False
    assert after["value"] >= 3
    if before["value"] is not None:
        assert after["value"] == before["value"] + 3


def test_gaps_for_employment_are_the_mountain_towns_no_centre_reaches(as_user) -> None:  # type: ignore[no-untyped-def]
    manager = as_user("manager")
    towns = by_code(geojson(manager, category="employment"))
    gaps = {code for code, p in towns.items() if p["gap"]}
    assert gaps >= EMPLOYMENT_GAPS
    assert PUZI not in gaps
    page = manager.get("/geo/map/", {"metric": "cases", "category": "employment"})
    assert page.status_code == 200
    table = page.content.decode().split('data-testid="gaps"', 1)[1].split("</table>", 1)[0]
    assert "阿里山鄉" in table and "大埔鄉" in table and "朴子市" not in table


def test_a_service_that_lists_a_town_in_its_area_closes_the_gap_unless_it_is_inactive(as_user) -> None:  # type: ignore[no-untyped-def]
    organization = Organization.objects.get(name="嘉義就業中心")
    alishan = Town.objects.get(code="10010180")
    service = directory.add_service(
        organization, "山地鄉巡迴就業服務", categories=[category("employment")], towns=[alishan]
    )
    manager = as_user("manager")
    gaps = {c for c, p in by_code(geojson(manager, category="employment")).items() if p["gap"]}
    assert "10010180" not in gaps and "10010170" in gaps
    Service.objects.filter(pk=service.pk).update(status=ServiceStatus.INACTIVE)
    gaps = {c for c, p in by_code(geojson(manager, category="employment")).items() if p["gap"]}
    assert "10010180" in gaps


def test_markers_show_mappable_locations_of_the_category_and_never_a_confidential_one(as_user) -> None:  # type: ignore[no-untyped-def]
    county = County.objects.get(code="10010")
    shelter = directory.create_organization("測試庇護家園", kind="ngo", area=county)
    hidden = directory.add_location(
        shelter,
        "庇護所",
        town=Town.objects.get(code="10010050"),
        latitude=Decimal("23.550000"),
        longitude=Decimal("120.430000"),
        confidential=True,
    )
    directory.add_service(
        shelter, "庇護安置與就業陪伴", categories=[category("employment")], locations=[hidden]
    )
    manager = as_user("manager")
    markers = geojson(manager, category="employment")["markers"]
    assert {m["organization"] for m in markers} == {"朴子就業中心", "嘉義就業中心"}
    assert all(m["services"] == ["就業媒合與職業訓練"] for m in markers)
    everything = geojson(manager)["markers"]
    names = {m["organization"] for m in everything}
    assert "測試庇護家園" not in names and "女性藥癮者中途之家" not in names  # confidential addresses
    assert len(everything) > len(markers)
    assert all(23 < m["lat"] < 24 and 120 < m["lng"] < 121 for m in everything)
    svg = manager.get("/geo/map.svg", {"category": "employment"}).content.decode()
    assert "測試庇護家園" not in svg and "庇護所" not in svg


def test_the_svg_image_draws_each_town_with_the_pages_figures(as_user) -> None:  # type: ignore[no-untyped-def]
    manager = as_user("manager")
    params = {"metric": "cases", "category": "employment"}
    towns = by_code(geojson(manager, **params))
    root = svg_root(manager, **params)
    assert root.get("font-family") == "Noto Sans CJK TC"
    paths = {p.get("data-code"): p for p in root.iter(f"{SVG}path") if p.get("data-code")}
    assert set(paths) == set(towns) and len(list(root.iter(f"{SVG}path"))) == 18
    for code, properties in towns.items():
        path = paths[code]
        title = path.find(f"{SVG}title")
        assert title is not None and title.text == f"{properties['name']}：{properties['shown']}"
        if properties["suppressed"]:
            assert path.get("fill") == "url(#suppressed-hatch)"
        else:
            assert path.get("fill") == properties["fill"]
        assert ("gap" in (path.get("class") or "")) == properties["gap"]
    texts = "".join(root.itertext())
    assert "嘉義縣守護家園地圖" in texts and "服務缺口" in texts and "阿里山鄉" in texts
    assert "Map" not in texts and "suppressed" not in texts  # zh-Hant for reports


def test_a_reviewer_draws_either_county_by_its_area(as_user) -> None:  # type: ignore[no-untyped-def]
    reviewer = as_user("reviewer")
    city = svg_root(reviewer, area="10020", metric="referrals")
    assert {p.get("data-code") for p in city.iter(f"{SVG}path")} == {"10020010", "10020020"}
    assert "嘉義市守護家園地圖" in "".join(city.itertext())
    county = svg_root(reviewer, area="10010")
    assert len(list(county.iter(f"{SVG}path"))) == 18


@pytest.mark.parametrize(
    ("params", "field"), [({"metric": "crime"}, "metric"), ({"category": "no-such-category"}, "category")]
)
def test_an_unknown_metric_or_category_is_a_field_error_not_a_500(as_user, params, field) -> None:  # type: ignore[no-untyped-def]
    manager = as_user("manager")
    for url in ("/geo/towns.geojson", "/geo/map.svg"):
        response = manager.get(url, params)
        assert response.status_code == 400
        assert list(response.json()["errors"]) == [field]
    page = manager.get("/geo/map/", params)
    assert page.status_code == 400
    assert 'class="errorlist"' in page.content.decode()
    assert 'id="map"' not in page.content.decode()


def test_an_inactive_category_is_not_offered(as_user) -> None:  # type: ignore[no-untyped-def]
    employment = category("employment")
    employment.active = False
    employment.save(update_fields=["active"])
    assert as_user("manager").get("/geo/towns.geojson", {"category": "employment"}).status_code == 400


def test_the_page_offers_the_choices_the_legend_and_the_image(as_user) -> None:  # type: ignore[no-untyped-def]
    page = as_user("supervisor").get("/geo/map/", {"metric": "referrals", "category": "employment"})
    html = page.content.decode()
    assert page.status_code == 200
    assert '<option value="referrals" selected>' in html
    assert '<option value="employment" selected>' in html
    assert "/geo/map.svg?area=10010&amp;metric=referrals&amp;category=employment" in html
    assert "/geo/towns.geojson?area=10010&amp;metric=referrals&amp;category=employment" in html
    assert 'id="map-legend"' in html


@pytest.mark.parametrize("url", ["/geo/map/", "/geo/towns.geojson", "/geo/map.svg"])
def test_partners_may_not_see_the_map_and_strangers_must_log_in(as_user, url: str) -> None:  # type: ignore[no-untyped-def]
    assert as_user("partner").get(url).status_code == 403
    anonymous = as_user(None).get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    for persona in ("screener", "worker", "supervisor", "manager", "admin", "reviewer"):
        assert as_user(persona).get(url).status_code == 200, persona


def test_the_geojson_takes_a_few_queries_not_one_per_town(as_user, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    manager = as_user("manager")
    manager.get("/geo/towns.geojson")  # boundaries cached
    with django_assert_max_num_queries(13):  # 12, and the session's authenticator app
        geojson(manager, metric="cases", category="employment")
