"""The choropleth's pure rules: suppression, classes, projection and the SVG drawn from plain data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain import choropleth as c

SVG = "{http://www.w3.org/2000/svg}"


def square(code: str, name: str, lon: float, lat: float, size: float = 0.1) -> dict[str, Any]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


FEATURES = [
    square("1", "甲鄉", 120.2, 23.4),
    square("2", "乙鄉", 120.3, 23.4),
    {
        "type": "Feature",
        "properties": {"code": "3", "name": "<b>&"},
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [
                [[[120.4, 23.4], [120.5, 23.4], [120.5, 23.5], [120.4, 23.4]]],
                [[[120.6, 23.6], [120.7, 23.6], [120.7, 23.7], [120.6, 23.6]]],
            ],
        },
    },
]
TEXTS = c.Texts(
    title="測試縣守護家園地圖",
    legend_title="開案中個案數（每千人）",
    suppressed="少於3（不公開）",
    gap="服務缺口",
    marker="合作單位據點",
    gap_list="服務缺口鄉鎮市區",
    note="少於3之數值不公開。",
)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def test_it_suppresses_counts_under_three() -> None:
    assert [c.is_suppressed(n) for n in (0, 1, 2, 3)] == [True, True, True, False]
    for n in (0, 1, 2):
        assert c.count_figure(n) == c.Figure(None, "<3", suppressed=True)
    assert c.count_figure(3) == c.Figure(3.0, "3")
    assert c.count_figure(1234) == c.Figure(1234.0, "1,234")


def test_it_computes_no_rate_from_a_suppressed_count() -> None:
    for n in (0, 1, 2):
        figure = c.rate_figure(n, 1000)
        assert (figure.value, figure.shown, figure.suppressed) == (None, "<3", True)
    assert c.rate_figure(3, 1000) == c.Figure(3.0, "3.00")
    assert c.rate_figure(4, 41131).shown == "0.10"
    assert c.rate_figure(5, None) == c.NO_DATA
    assert c.rate_figure(5, 0) == c.NO_DATA


def test_population_is_public_and_never_suppressed() -> None:
    assert c.count_figure(2, suppress=False) == c.Figure(2.0, "2")
    assert c.count_figure(None, suppress=False) == c.NO_DATA


def test_class_breaks_are_quantiles_ending_at_the_maximum() -> None:
    assert c.class_breaks([]) == ()
    assert c.class_breaks([5, 5, 5]) == (5,)
    assert c.class_breaks(range(1, 11), 5) == (2, 4, 6, 8, 10)
    assert c.class_breaks([1, 2, 100], 5) == (1, 2, 100)
    breaks = c.class_breaks(range(1, 11), 5)
    assert [c.class_of(v, breaks) for v in (1, 2, 3, 10)] == [0, 0, 1, 4]


def test_shading_keeps_suppressed_and_unknown_towns_out_of_the_classes() -> None:
    figures = {"1": c.count_figure(10), "2": c.count_figure(40), "3": c.count_figure(1), "4": c.NO_DATA}
    shading = c.shade(figures)
    assert shading.fills["3"] == c.SUPPRESSED_FILL
    assert shading.fills["4"] == c.NO_DATA_FILL
    assert shading.fills["1"] != shading.fills["2"]
    assert {shading.fills["1"], shading.fills["2"]} <= set(c.PALETTE)
    assert [e.label for e in shading.classes] == ["10", "11–40"]
    assert shading.any_suppressed and shading.any_missing


def test_the_projection_fits_the_box_and_keeps_the_aspect() -> None:
    bounds = c.Bounds(120.0, 23.0, 121.0, 24.0)
    box = c.Box(10, 20, 600, 400)
    project = c.fit(bounds, box)
    corners = [project(lon, lat) for lon in (120.0, 121.0) for lat in (23.0, 24.0)]
    assert all(box.contains(p) for p in corners)
    assert project(120.0, 24.0)[1] == 20  # north at the top, touching the box
    width = project(121.0, 23.0)[0] - project(120.0, 23.0)[0]
    height = project(120.0, 23.0)[1] - project(120.0, 24.0)[1]
    assert height == 400
    assert abs(width / height - 0.9171) < 0.001  # one degree of longitude is cos(23.5°) of one of latitude


def test_the_svg_parses_with_one_path_per_town_and_escaped_names() -> None:
    figures = {"1": c.count_figure(10), "2": c.count_figure(1), "3": c.count_figure(40)}
    markers = [c.Marker(120.25, 23.45, "嘉義家扶中心 <據點> & 服務")]
    svg = c.render_svg(FEATURES, figures, texts=TEXTS, gaps={"2"}, markers=markers)
    root = parse(svg)
    assert root.get("font-family") == "Noto Sans CJK TC"
    paths = root.findall(f".//{SVG}path")
    assert sorted(p.get("data-code") or "" for p in paths) == ["1", "2", "3"]
    by_code = {p.get("data-code"): p for p in paths}
    assert by_code["2"].get("fill") == "url(#suppressed-hatch)"
    assert by_code["2"].get("stroke") == c.GAP_STROKE
    assert by_code["1"].get("stroke") is None
    assert "&lt;b&gt;&amp;" in svg and "<b>&" not in svg
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "<b>&" in texts  # the name, unescaped again by the parser
    assert "<3" in texts and "1" not in texts
    assert "乙鄉" in texts  # the gap list
    assert [t.text for t in root.iter(f"{SVG}title")][-1] == "嘉義家扶中心 <據點> & 服務"
    assert len(root.findall(f".//{SVG}circle")) == 2  # the marker and its legend sign


def test_it_draws_a_county_where_everything_is_suppressed() -> None:
    figures = {f["properties"]["code"]: c.count_figure(0) for f in FEATURES}
    root = parse(c.render_svg(FEATURES, figures, texts=TEXTS))
    assert len(root.findall(f".//{SVG}path")) == 3
    assert not any(t.text == "0" for t in root.iter(f"{SVG}text"))


def test_markers_outside_the_frame_are_left_out() -> None:
    svg = c.render_svg(FEATURES, {}, texts=TEXTS, markers=[c.Marker(119.0, 22.0, "far away")])
    assert "far away" not in svg


coordinate = st.tuples(
    st.floats(min_value=119.0, max_value=122.5, allow_nan=False),
    st.floats(min_value=21.5, max_value=25.5, allow_nan=False),
)


@given(
    points=st.lists(coordinate, min_size=2, max_size=40),
    box=st.tuples(
        st.floats(min_value=0, max_value=500),
        st.floats(min_value=0, max_value=500),
        st.floats(min_value=1, max_value=2000),
        st.floats(min_value=1, max_value=2000),
    ),
)
def test_every_projected_point_lies_inside_the_box(
    points: list[tuple[float, float]], box: tuple[float, ...]
) -> None:
    frame = c.Box(*box)
    bounds = c.bounds_of([{"type": "Polygon", "coordinates": [[list(p) for p in points]]}])
    assert bounds is not None
    project = c.fit(bounds, frame)
    assert all(
        frame.contains(project(lon, lat), tolerance=1e-6 * max(frame.width, frame.height))
        for lon, lat in points
    )


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), max_size=50), st.integers(1, 7))
def test_every_value_falls_in_a_class_and_classes_rise_with_values(values: list[float], classes: int) -> None:
    breaks = c.class_breaks(values, classes)
    assert list(breaks) == sorted(set(breaks))
    assert len(breaks) <= classes
    if values:
        assert breaks[-1] == max(values)
        indexes = [c.class_of(v, breaks) for v in sorted(values)]
        assert indexes == sorted(indexes)
        assert all(0 <= i < len(breaks) for i in indexes)


@given(st.dictionaries(st.sampled_from("123"), st.integers(0, 50)))
def test_no_count_under_three_is_ever_printed(counts: dict[str, int]) -> None:
    figures = {code: c.count_figure(n) for code, n in counts.items()}
    root = parse(c.render_svg(FEATURES, figures, texts=TEXTS))
    printed = {t.text for t in root.iter(f"{SVG}text")}
    assert not printed & {"0", "1", "2"}
    for code, n in counts.items():
        title = next(p.find(f"{SVG}title") for p in root.iter(f"{SVG}path") if p.get("data-code") == code)
        assert title is not None and title.text is not None
        assert title.text.endswith("<3" if n < 3 else f"{n:,}")
