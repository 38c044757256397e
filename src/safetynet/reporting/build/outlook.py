"""2 展望與規劃: the staffing plan of the phase, its milestones, the indicators' targets and trends."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Sum

from safetynet.indicators import engine
from safetynet.indicators.models import Indicator, Unit
from safetynet.indicators.presentation import trend_svg, trend_years
from safetynet.org.models import Role
from safetynet.reporting.build.context import Context, float_or_none, met_label, quantity, strategy_name
from safetynet.reporting.document import Cell, Chart, Column, Quantity, Section, Series, Table
from safetynet.workforce.milestones import milestone_rows
from safetynet.workforce.models import PositionYear


def chapter(report: Context) -> Section:
    blocks: list[Any] = [staffing_plan(report), milestones(report), targets(report)]
    blocks.extend(trends(report))
    return Section(2, "社安網計畫展望與規劃", blocks)


def staffing_plan(report: Context) -> Table:
    years = list(report.phase.years) if report.phase else [report.year]
    rows_by: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for strategy, role, plan_year, approved in (
        PositionYear.objects.filter(position__area=report.area, plan_year__in=years)
        .values_list("position__strategy", "position__role_id", "plan_year")
        .annotate(n=Sum("approved"))
        .values_list("position__strategy", "position__role_id", "plan_year", "n")
    ):
        rows_by[(strategy or 0, role)][plan_year] = approved
    roles = Role.objects.in_bulk([role for _s, role in rows_by])
    rows: list[list[Cell]] = []
    subtotals: set[int] = set()
    strategies = sorted({s for s, _r in rows_by})
    for strategy in strategies:
        keys = sorted(k for k in rows_by if k[0] == strategy)
        for key in keys:
            rows.append(
                [strategy_name(strategy), roles[key[1]].name, *[rows_by[key].get(y, 0) for y in years]]
            )
        subtotals.add(len(rows))
        rows.append(
            [
                f"{strategy_name(strategy)} 小計",
                "",
                *[sum(rows_by[k].get(y, 0) for k in keys) for y in years],
            ]
        )
    total: list[Cell] = ["總計", "", *[sum(r.get(y, 0) for r in rows_by.values()) for y in years]]
    return Table(
        key="staffing_plan",
        title=f"人力進用規劃（{years[0]}-{years[-1]}年，核定人數）",
        columns=[Column("策略"), Column("職稱"), *[Column(f"{y}年", "count") for y in years]],
        rows=rows,
        total=total if rows else None,
        subtotals=subtotals,
        empty="本計畫期程尚無核定人力資料。",
    )


def milestones(report: Context) -> Table:
    years = set(report.phase.years) if report.phase else {report.year}
    rows: list[list[Cell]] = []
    for row in milestone_rows(report.area, report.request.today):
        m = row.milestone
        if m.plan_year not in years:
            continue
        kind = "percent" if m.unit == "percent" else "number"
        rows.append(
            [
                m.name,
                f"{m.plan_year}年",
                Quantity(m.target, kind),  # type: ignore[arg-type]
                None if row.actual is None else Quantity(row.actual, kind),  # type: ignore[arg-type]
                met_label(row.met),
                {"units": "單位登錄", "staff": "人力紀錄", "indicator": "績效指標", "hand": "人工填報"}[
                    row.source
                ],
            ]
        )
    return Table(
        key="milestones",
        title="計畫里程碑與目前達成情形",
        columns=[
            Column("項目"),
            Column("年度"),
            Column("目標值", "number"),
            Column("目前值", "number"),
            Column("達成"),
            Column("目前值來源"),
        ],
        rows=rows,
        empty="本計畫期程尚未訂定里程碑。",
    )


def targets(report: Context) -> Table:
    current = [y for y in range(report.year - 2, report.year + 1) if y in report.years]
    goal_years = sorted({report.year, report.phase.last_year if report.phase else report.year})
    indicators: dict[str, Indicator] = {}
    for year in current:
        for v in report.catalogue(year):
            indicators.setdefault(v.indicator.code, v.indicator)
    rows: list[list[Cell]] = []
    for code, indicator in indicators.items():
        cells: list[Cell] = [indicator.name]
        for year in current:
            found = report.value(code, year)
            cells.append(quantity(found.value, indicator) if found else None)
        for year in goal_years:
            cells.append(quantity(engine.target_for(indicator, report.area.code, year), indicator))
        if any(cell is not None for cell in cells[1:]):
            rows.append(cells)
    return Table(
        key="targets",
        title="績效指標：現執行情形值與績效目標值",
        columns=[
            Column("指標"),
            *[Column(f"現執行情形值 {y}", "number") for y in current],
            *[Column(f"績效目標值 {y}", "number") for y in goal_years],
        ],
        rows=rows,
        notes=["學年度指標（如中輟復學率）以學年度計；進行中之期間為至產製日之值。"],
        empty="尚無指標資料。",
    )


def trends(report: Context) -> list[Chart]:
    years = trend_years(report.year, [y for y in report.years if y <= report.year])
    charts = []
    for v in report.catalogue(report.year):
        indicator = v.indicator
        points = [(str(y), report.value(indicator.code, y)) for y in years]
        if all(p is None or p.value is None for _label, p in points):
            continue
        charts.append(
            Chart(
                key=f"trend_{indicator.code.lower()}",
                title=f"{indicator.name}（歷年趨勢與目標）",
                svg=str(trend_svg(indicator, points, chart_id=f"trend-{indicator.code}", width=330)),
                kind="line",
                categories=[label for label, _p in points],
                series=[
                    Series("數值", [float_or_none(p.value) if p else None for _l, p in points]),
                    Series("目標值", [float_or_none(p.target) if p else None for _l, p in points], "target"),
                ],
                percent=indicator.unit == Unit.RATE,
            )
        )
    return charts
