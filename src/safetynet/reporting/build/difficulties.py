"""3 困境與建議: the hiring threshold and its deductions, the vacancies, the budget, data quality."""

from __future__ import annotations

from safetynet.domain import rocdate
from safetynet.domain.indicators import fraction
from safetynet.indicators import engine
from safetynet.reporting.build.context import Context, day_cell, strategy_name
from safetynet.reporting.document import Cell, Column, Notes, Section, Table
from safetynet.workforce.budget import gap_table
from safetynet.workforce.models import Vacancy
from safetynet.workforce.staffing import StaffingTable, forecast


def chapter(report: Context) -> Section:
    table = report.staffing_table
    return Section(
        3,
        "所遇困境與待中央協助事項",
        [
            hire_risk(report, table),
            lines_below(report, table),
            *outlook_to_checkpoint(report),
            vacancies(report),
            budget(report),
            data_quality(report),
        ],
    )


def hire_risk(report: Context, table: StaffingTable) -> Table:
    rules = table.rules
    rows: list[list[Cell]] = []
    for group in table.groups():
        rows.append(
            [
                strategy_name(group.strategy),
                group.funding_label,
                group.approved,
                group.filled,
                fraction(group.filled, group.approved),
                group.required,
                group.needed,
                "未達門檻" if group.below_threshold else "達門檻",
                None if group.deduction is None else int(group.deduction),
            ]
        )
    threshold = int(rules.hire_threshold * 100)
    deduction = int(rules.deduction_rate * 100)
    return Table(
        key="hire_risk",
        title=f"人力進用率與{threshold}%規定（{rocdate.format(table.on)}）",
        columns=[
            Column("策略"),
            Column("經費來源"),
            Column("核定", "count"),
            Column("到位", "count"),
            Column("進用率", "percent"),
            Column(f"{threshold}%應到位", "count"),
            Column("尚須進用", "count"),
            Column("判定"),
            Column("預估扣減（元）", "money"),
        ],
        rows=rows,
        total=[
            "合計",
            "",
            table.approved,
            table.filled,
            fraction(table.filled, table.approved),
            "",
            "",
            "",
            None if table.deduction is None else int(table.deduction),
        ]
        if rows
        else None,
        notes=[
            f"依計畫規定，人力進用率未達{threshold}%者扣減部助款{deduction}%；人事費以每人"
            f"{rules.months_per_person.normalize():f}個月估算。預估扣減「—」表示月支薪資或補助比率未登錄。"
        ],
        empty=f"{report.year}年尚無核定人力資料。",
    )


def lines_below(report: Context, table: StaffingTable) -> Table:
    rows: list[list[Cell]] = [
        [
            strategy_name(line.position.strategy),
            line.position.unit.name,
            line.position.role.name,
            line.approved,
            line.filled,
            fraction(line.filled, line.approved),
            None if line.deduction is None else int(line.deduction),
        ]
        for line in table.lines_below()
    ]
    return Table(
        key="lines_below",
        title="未達進用門檻之職務",
        columns=[
            Column("策略"),
            Column("單位"),
            Column("職稱"),
            Column("核定", "count"),
            Column("到位", "count"),
            Column("進用率", "percent"),
            Column("該職務預估扣減（元）", "money"),
        ],
        rows=rows,
        empty="各職務進用率均達門檻。" if table.lines else f"{report.year}年尚無核定人力資料。",
    )


def outlook_to_checkpoint(report: Context) -> list[Table]:
    """Before the year's checkpoint: where each group will stand on it, from the vacancies expected
    and the departures known (none once the checkpoint has passed: the table above is final)."""
    projected = forecast(report.area, report.year, report.request.today)
    if projected.is_past or not projected.groups:
        return []
    rows: list[list[Cell]] = [
        [
            strategy_name(g.strategy),
            g.funding_label,
            g.approved,
            g.filled,
            g.forecast,
            g.forecast_rate,
            g.uncovered,
            "有扣款風險" if g.at_risk else "可達門檻",
        ]
        for g in projected.groups
    ]
    return [
        Table(
            key="forecast",
            title=f"預估至查核日（{rocdate.format(projected.checkpoint)}）之人力進用",
            columns=[
                Column("策略"),
                Column("經費來源"),
                Column("核定", "count"),
                Column("目前到位", "count"),
                Column("預估到位", "count"),
                Column("預估進用率", "percent"),
                Column("預計職缺外尚須補實", "count"),
                Column("判定"),
            ],
            rows=rows,
            notes=["預估到位：目前在職者，扣除查核日前已知離職者，加上預計於查核日前到職之職缺。"],
        )
    ]


def vacancies(report: Context) -> Table:
    """The recruiting the seeds report (seed 001: 111年缺額 110-12-07 公告, 12/16 面試)."""
    rows: list[list[Cell]] = []
    for v in (
        Vacancy.objects.filter(position__area=report.area, plan_year__in=(report.year, report.year + 1))
        .select_related("position__unit", "position__role")
        .order_by("plan_year", "announced_on", "pk")
    ):
        rows.append(
            [
                f"{v.plan_year}年",
                v.position.unit.name,
                v.position.role.name,
                v.seats,
                day_cell(v.announced_on),
                day_cell(v.interview_on),
                day_cell(v.expected_on),
                day_cell(v.filled_on),
            ]
        )
    return Table(
        key="vacancies",
        title=f"職缺招募進度（{report.year}-{report.year + 1}年）",
        columns=[
            Column("年度"),
            Column("單位"),
            Column("職稱"),
            Column("缺額", "count"),
            Column("公告日"),
            Column("甄選日"),
            Column("預計到職"),
            Column("補實日"),
        ],
        rows=rows,
        empty="未登錄職缺。",
    )


def budget(report: Context) -> Table:
    rows: list[list[Cell]] = []
    for row in gap_table(report.area, report.year):
        personnel = row.personnel
        rows.append(
            [
                row.line.programme.name,
                row.line.central_business,
                row.cap,
                row.gap,
                None if personnel is None else personnel.approved,
                None if personnel is None or personnel.central is None else int(personnel.central),
            ]
        )
    return Table(
        key="budget",
        title=f"{report.year}年 業務費中央補助與核定本上限",
        columns=[
            Column("方案"),
            Column("中央補助業務費（元）", "money"),
            Column("核定本上限（元）", "money"),
            Column("差額（元）", "money"),
            Column("核定人力", "count"),
            Column("人事費中央補助（元）", "money"),
        ],
        rows=rows,
        notes=[
            "差額為中央補助業務費減核定本上限：負數為補助低於核定本規劃金額之缺口。",
            f"人事費以每人{report.staffing_table.rules.months_per_person.normalize():f}個月估算（依計畫期程規定）。",
        ],
        empty=f"{report.year}年尚未登錄預算資料。",
    )


def data_quality(report: Context) -> Notes:
    items = []
    for (year, _code), v in sorted(report.values.found.items(), key=lambda item: item[0]):
        for note in v.notes:
            if note != engine.NOT_BEGUN:
                items.append(f"{v.indicator.name}（{v.period.label}）：{note}")
        if v.differs and v.published is not None:
            items.append(f"{v.indicator.name}（{year}年）：重新計算之值 {v.shown} 與已發布之值不同，請確認。")
    return Notes(
        key="data_quality",
        title="資料品質備註（系統檢核）",
        items=items,
        empty="系統檢核未發現數值不一致。",
    )
