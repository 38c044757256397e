from __future__ import annotations

import pytest

from safetynet.geo.models import County, Town

pytestmark = pytest.mark.django_db


def test_it_loads_all_counties_and_towns_at_migrate_time() -> None:
    assert County.objects.count() == 22
    assert Town.objects.count() == 368
    assert Town.objects.in_county("10010").count() == 18
    assert list(Town.objects.in_county("10020").values_list("name", flat=True)) == ["東區", "西區"]


def test_it_uses_official_names_with_tai_not_its_short_form() -> None:
    names = list(County.objects.values_list("name", flat=True)) + list(
        Town.objects.values_list("name", flat=True)
    )
    assert not [n for n in names if "台" in n]
    assert County.objects.get(code="63000").name == "臺北市"
    assert Town.objects.get(code="10010180").get_kind_display() == "山地原住民鄉(區)"


def test_it_knows_the_chiayi_populations() -> None:
    county = sum(Town.objects.in_county("10010").values_list("population", flat=True))
    assert county == 488158
    assert Town.objects.get(code="10020010").population == 117482


def test_it_serves_the_town_boundaries_of_the_users_county(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("worker").get("/geo/towns.geojson")
    data = response.json()
    assert {f["properties"]["county_code"] for f in data["features"]} == {"10010"}
    assert len(data["features"]) == 18
    puzi = next(f for f in data["features"] if f["properties"]["code"] == "10010020")
    assert puzi["properties"]["name"] == "朴子市"
    assert puzi["properties"]["swc"] == ["嘉義縣朴子社會福利服務中心"]


def test_it_lists_towns_through_the_api(client) -> None:  # type: ignore[no-untyped-def]
    towns = client.get("/api/v1/geo/counties/10020/towns").json()
    assert [t["name"] for t in towns] == ["東區", "西區"]
    assert client.get("/api/v1/geo/counties/99999/towns").status_code == 404
