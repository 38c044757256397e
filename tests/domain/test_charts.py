"""The indicator charts: SVG a browser and WeasyPrint both read, with the figures the caller gave."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain import charts as c

SVG = "{http://www.w3.org/2000/svg}"

YEARS = [
    c.Point("110", 0.8, "80.00%", target=0.85, met=False),
    c.Point("111", None, "—", target=0.85),
    c.Point("112", 0.9, "90.00%", target=0.85, met=True),
    c.Point("113", 0.95, "95.00%", target=0.9, met=True),
]


def trend(points: list[c.Point] | None = None, **extra: object) -> ET.Element:
    svg = c.trend_chart(
        YEARS if points is None else points,
        title="人力進用率 <趨勢>",
        description="110-113年 & 目標",
        empty_text="無資料",
        x_label="年度",
        y_label="比率",
        target_label="目標",
        tick_format=c.format_percent,
        y_max=1.0,
        chart_id="trend-HIRE_RATE",
        **extra,  # type: ignore[arg-type]
    )
    return parse(svg)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def texts(root: ET.Element, cls: str) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text") if cls in (t.get("class") or "").split()]


def test_it_draws_a_point_and_a_printed_label_for_each_value() -> None:
    root = trend()
    circles = root.findall(f".//{SVG}circle[@class='point']")
    assert [c_.get("data-index") for c_ in circles] == ["0", "2", "3"]
    assert texts(root, "point-label") == ["80.00%", "90.00%", "95.00%"]
    assert texts(root, "x-tick") == ["110", "111", "112", "113"]
    assert texts(root, "x-label") == ["年度"] and texts(root, "y-label") == ["比率"]


def test_a_missing_value_is_a_gap_never_a_zero() -> None:
    root = trend()
    lines = root.findall(f".//{SVG}polyline[@class='trend']")
    # 110 stands alone before the gap; 112-113 are joined.
    assert len(lines) == 1 and len(lines[0].get("points", "").split()) == 2
    assert texts(root, "gap-label") == ["—"]
    bottom = max(float(t.get("y1", 0)) for t in root.iter(f"{SVG}line") if t.get("stroke") == c.MUTED)
    assert all(float(p.get("cy", 0)) < bottom for p in root.findall(f".//{SVG}circle"))


def test_the_target_is_a_dashed_step_over_the_periods_it_holds_for() -> None:
    root = trend()
    steps = root.findall(f".//{SVG}line[@class='target']")
    assert [(s.get("data-from"), s.get("data-to")) for s in steps] == [("0", "2"), ("3", "3")]
    assert all(s.get("stroke-dasharray") for s in steps)
    y85, y90 = (float(s.get("y1", 0)) for s in steps)
    assert y90 < y85  # higher on the page
    circles = {p.get("data-index"): float(p.get("cy", 0)) for p in root.findall(f".//{SVG}circle")}
    assert circles["0"] > y85 > circles["2"]  # 80% under the 85% line, 90% above it


def test_points_are_coloured_by_whether_they_meet_the_target() -> None:
    root = trend()
    fills = {p.get("data-index"): p.get("fill") for p in root.findall(f".//{SVG}circle")}
    assert fills == {"0": c.NOT_MET, "2": c.MET, "3": c.MET}


def test_points_say_whether_they_meet_the_target_by_a_tick_or_a_cross_not_by_colour_alone() -> None:
    root = trend(met_label="達成", not_met_label="未達成")
    marks = {m.get("data-index"): m.get("class") for m in root.findall(f".//{SVG}path[@data-index]")}
    assert marks == {"0": "mark not-met", "2": "mark met", "3": "mark met"}
    assert texts(root, "key") == ["目標", "達成", "未達成"]
    assert len(root.findall(f".//{SVG}path")) == 5  # and a tick and a cross in the key
    # A point with nothing to meet has no mark.
    plain = trend(
        [c.Point("110", 0.5, "50%"), c.Point("111", 0.6, "60%")], met_label="達成", not_met_label="未達成"
    )
    assert plain.findall(f".//{SVG}path") == [] and texts(plain, "key") == []


def test_the_key_of_met_and_not_met_takes_a_row_of_its_own_where_the_first_is_full() -> None:
    wide, narrow = (
        trend(met_label="達成", not_met_label="未達成"),
        trend(YEARS[:1], met_label="達成了今年度的目標", not_met_label="沒有達成今年度的目標"),
    )
    rows = {t.text: float(t.get("y", 0)) for t in narrow.findall(f".//{SVG}text[@class='key']")}
    assert rows["目標"] < rows["達成了今年度的目標"] == rows["沒有達成今年度的目標"]
    # The plot moves down by the row, keeping its own height.
    assert float(narrow.get("height", 0)) == float(wide.get("height", 0)) + c.KEY_ROW


def test_a_bar_that_falls_short_is_striped_as_well_as_red() -> None:
    roles = [
        c.Point("社工", 30.0, "30", target=25.0, met=False),
        c.Point("督導", 20.0, "20", target=40.0, met=True),
    ]
    svg = c.trend_chart(
        roles,
        title="案量",
        description="",
        empty_text="無資料",
        kind="bar",
        chart_id="caseload",
        met_label="未超過標準",
        not_met_label="超過標準",
        slot=120,
    )
    root = parse(svg)
    stripes = root.findall(f".//{SVG}rect[@class='short']")
    assert [r.get("data-index") for r in stripes] == ["0"]
    assert stripes[0].get("fill") == "url(#caseload-short)" and 'id="caseload-short"' in svg
    assert texts(root, "key") == ["未超過標準", "超過標準"]
    assert len(root.findall(f".//{SVG}rect[@class='swatch']")) == 1  # the striped swatch of 超過標準


def test_a_rate_axis_runs_to_100_percent_at_least() -> None:
    assert "100%" in texts(trend(), "tick")


def test_bars_are_drawn_from_zero_with_their_own_targets() -> None:
    roles = [
        c.Point("心理衛生\n社工", 30.0, "30.00", target=25.0),
        c.Point("關懷訪視員", 20.0, "20.00", target=40.0),
    ]
    root = parse(
        c.trend_chart(
            roles, title="案量", description="", empty_text="無資料", kind="bar", chart_id="caseload"
        )
    )
    bars = root.findall(f".//{SVG}rect[@class='bar']")
    assert len(bars) == 2
    assert float(bars[0].get("height", 0)) > float(bars[1].get("height", 0))
    assert len(root.findall(f".//{SVG}line[@class='target']")) == 2
    first = next(t for t in root.iter(f"{SVG}text") if t.get("class") == "x-tick")
    assert [s.text for s in first.iter(f"{SVG}tspan")] == ["心理衛生", "社工"]


def test_every_text_is_escaped_and_titled_for_screen_readers() -> None:
    svg = c.trend_chart(
        [c.Point("<b>&", 1.0, "<i>")],
        title="a<b>&",
        description='"q" & <d>',
        empty_text="無資料",
        chart_id='x"><script>',
    )
    root = parse(svg)  # parses: nothing unescaped
    assert "<script>" not in svg and "<b>" not in svg
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == "a<b>&"
    assert desc is not None and desc.text == '"q" & <d>'
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert texts(root, "x-tick") == ["<b>&"] and texts(root, "point-label") == ["<i>"]


def test_it_names_its_font_and_needs_no_stylesheet() -> None:
    svg = c.trend_chart(YEARS, title="t", description="d", empty_text="無資料")
    root = parse(svg)
    assert root.get("font-family") == "Noto Sans CJK TC, sans-serif"
    assert root.find(f".//{SVG}style") is None and 'class="chart"' in svg


def test_no_data_says_so_in_the_callers_words() -> None:
    for points in ([], [c.Point("110", None, "—"), c.Point("111", None, "—")]):
        root = trend(points)
        assert texts(root, "empty") == ["無資料"]
        assert root.find(f".//{SVG}circle") is None


def test_staffing_bars_show_approved_and_filled_with_the_threshold_of_each_group() -> None:
    groups = [c.Group("策略1\n中央補助", 9, 7), c.Group("策略2\n地方自籌", 3, 3), c.Group("<x>", 0, 0)]
    svg = c.staffing_chart(
        groups,
        title="人力進用",
        description="核定與到位",
        empty_text="無資料",
        threshold=0.85,
        approved_label="核定",
        filled_label="到位",
        threshold_label="85%門檻",
        short_label="到位未達門檻",
    )
    root = parse(svg)
    filled = root.findall(f".//{SVG}rect[@class='bar filled']")
    assert [r.get("fill") for r in filled] == [c.NOT_MET, c.MET, c.MET]  # 7 < 7.65; 3 ≥ 2.55
    # Short is striped too, and named in the key: not told by red alone.
    assert [r.get("data-index") for r in root.findall(f".//{SVG}rect[@class='short']")] == ["0"]
    assert texts(root, "key")[-1] == "到位未達門檻"
    assert texts(root, "approved") == ["9", "3", "0"] and texts(root, "filled") == ["7", "3", "0"]
    lines = root.findall(f".//{SVG}line[@class='threshold']")
    assert [line.get("data-index") for line in lines] == ["0", "1"]  # none where nothing is approved
    approved = root.findall(f".//{SVG}rect[@class='bar approved']")
    top, height = float(approved[0].get("y", 0)), float(approved[0].get("height", 0))
    at = float(lines[0].get("y1", 0))
    assert abs((top + height - at) / height - 0.85) < 0.01
    assert "核定" in texts(root, "key") and "85%門檻" in texts(root, "key")
    assert "<x>" not in svg


def test_staffing_with_nothing_approved_is_no_data() -> None:
    svg = c.staffing_chart(
        [],
        title="t",
        description="d",
        empty_text="無資料",
        threshold=0.85,
        approved_label="a",
        filled_label="f",
        threshold_label="t",
    )
    assert texts(parse(svg), "empty") == ["無資料"]


@given(st.floats(min_value=0.001, max_value=1e6, allow_nan=False))
def test_ticks_are_round_and_reach_the_top(top: float) -> None:
    ticks = c.nice_ticks(top)
    assert ticks[0] == 0 and ticks[-1] >= top * (1 - 1e-9) and 2 <= len(ticks) <= 7
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1


@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=0, max_value=1000, allow_nan=False)), min_size=0, max_size=12
    )
)
def test_any_values_give_well_formed_svg_with_a_point_per_value(values: list[float | None]) -> None:
    points = [c.Point(str(110 + i), v, "" if v is None else f"{v:.1f}") for i, v in enumerate(values)]
    root = parse(c.trend_chart(points, title="t", description="d", empty_text="無資料"))
    assert len(root.findall(f".//{SVG}circle")) == sum(v is not None for v in values)


def stacked(labels: list[str], series: list[c.Series], width: int | None = None) -> ET.Element:
    svg = c.stacked_chart(
        labels,
        series,
        title="警示 <每週>",
        description="各規則",
        empty_text="沒有警示",
        y_label="警示數",
        width=width,
    )
    return ET.fromstring(svg)  # noqa: S314 - our own output


def test_a_stacked_chart_draws_each_series_on_the_one_below_and_prints_the_total() -> None:
    root = stacked(["11/30", "12/07"], [c.Series("讀取無業務關係者", (2, 0)), c.Series("非上班時間", (1, 3))])
    bars = root.findall(f".//{SVG}rect[@class='bar']")
    assert [(b.get("data-index"), b.get("data-series")) for b in bars] == [("0", "0"), ("0", "1"), ("1", "1")]
    first, second = bars[0], bars[1]
    # The second layer sits on top of the first: its bottom is the first's top.
    assert abs(float(second.get("y", 0)) + float(second.get("height", 0)) - float(first.get("y", 0))) < 0.2
    totals = [t.text for t in root.findall(f".//{SVG}text[@class='total']")]
    assert totals == ["3", "3"]
    keys = [t.text for t in root.findall(f".//{SVG}text[@class='key']")]
    assert keys == ["讀取無業務關係者", "非上班時間"]
    assert root.find(f"{SVG}title").text == "警示 <每週>"  # type: ignore[union-attr]


def test_a_stacked_chart_with_nothing_to_draw_says_so() -> None:
    root = stacked(["11/30"], [c.Series("讀取無業務關係者", (0,))])
    assert root.find(f".//{SVG}text[@class='empty']").text == "沒有警示"  # type: ignore[union-attr]


def test_a_stacked_chart_key_wraps_when_the_chart_is_narrow() -> None:
    names = [
        "讀取無業務關係者",
        "讀取性侵害被害人",
        "非上班時間大量讀取",
        "跨日重複查看同一人",
        "身分證號查無其人",
    ]
    root = stacked(["11/30"], [c.Series(n, (1,)) for n in names])
    rows = {float(t.get("y", 0)) for t in root.findall(f".//{SVG}text[@class='key']")}
    assert len(rows) > 1
    width = float(root.get("width", 0))
    for swatch in root.findall(f"{SVG}rect[@width='12']"):
        assert float(swatch.get("x", 0)) + 12 <= width


def test_a_stacked_chart_counts_in_whole_ticks() -> None:
    for top in (1, 9, 10):
        root = stacked(["11/30"], [c.Series("讀取無業務關係者", (top,))])
        ticks = [float(t.text or "") for t in root.findall(f".//{SVG}text[@class='tick']")]
        assert ticks and all(t == int(t) for t in ticks)
