"""1 執行特色: staffing and caseloads, the partners, referrals, the year's results and the map."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count

from safetynet.domain import rocdate
from safetynet.domain.indicators import fraction
from safetynet.domain.rocdate import OFFSET
from safetynet.indicators.computations import open_cases_by_lead
from safetynet.indicators.presentation import caseload, staffing
from safetynet.org.models import Staff
from safetynet.referrals.mapping import county_map
from safetynet.referrals.models import Organization, ServiceCategory
from safetynet.referrals.stats import Period as ReferralPeriod
from safetynet.reporting.build.context import (
    Context,
    end_of,
    float_or_none,
    met_label,
    plain_count,
    quantity,
    route_names,
    strategy_name,
)
from safetynet.reporting.document import Cell, Chart, Column, Figure, Section, Series, Table
from safetynet.workforce.staffing import StaffingTable


def chapter(report: Context) -> Section:
    table, on = report.staffing_table, report.on
    by_lead = open_cases_by_lead(report.area.code, on)
    leads = list(
        Staff.objects.filter(pk__in=list(by_lead))
        .select_related("role")
        .order_by("role_id", "hired_on", "pk")
    )
    blocks: list[Any] = [
        staffing_roles(report, table, leads, by_lead),
        worker_caseloads(report, leads, by_lead, on),
        partners(report),
        referrals(report),
        results(report),
    ]
    dropout_table = dropouts(report)
    if dropout_table.rows:
        blocks.append(dropout_table)
    hire = report.value("HIRE_RATE")
    strategies = sorted({row["strategy"] for row in hire.breakdown if row["strategy"]}) if hire else []
    for number in strategies:
        figures = staffing(hire, strategy=number)
        rows = figures["roles"]
        if not rows:
            continue
        blocks.append(
            Chart(
                key=f"staffing_chart_{number}",
                title=f"{strategy_name(number)}：各職稱核定與實際到位人數",
                svg=str(figures["chart"]),
                kind="column",
                categories=[r["role_name"] for r in rows],
                series=[
                    Series("核定", [float(r["approved"]) for r in rows], "approved"),
                    Series("實際到位", [float(r["filled"]) for r in rows], "filled"),
                ],
            )
        )
    load = caseload(report.value("CASELOAD"))
    if load["rows"]:
        blocks.append(
            Chart(
                key="caseload_chart",
                title="各職稱平均案量與案量標準",
                svg=str(load["chart"]),
                kind="column",
                categories=[r["role_name"] for r in load["rows"]],
                series=[
                    Series("平均案量", [float_or_none(r["value"]) for r in load["rows"]]),
                    Series("案量標準", [float(r["standard"]) for r in load["rows"]], "target"),
                ],
            )
        )
    blocks.append(cases_map(report))
    return Section(1, "本縣（市）社安網業務執行特色", blocks)


def staffing_roles(
    report: Context, table: StaffingTable, leads: list[Staff], by_lead: dict[int, int]
) -> Table:
    cases: dict[int, int] = defaultdict(int)
    for lead in leads:
        cases[lead.role_id] += by_lead[lead.pk]
    groups: dict[tuple[int, int], list[Any]] = {}
    for line in table.lines:
        key = (line.position.strategy or 0, line.position.role_id)
        entry = groups.setdefault(key, [strategy_name(line.position.strategy), line.position.role, 0, 0])
        entry[2] += line.approved
        entry[3] += line.filled
    rows: list[list[Cell]] = []
    for (_s, role_id), (strategy, role, approved, filled) in sorted(groups.items()):
        carried = cases.get(role_id, 0) if role.caseload_standard is not None or role_id in cases else None
        rows.append([strategy, role.name, approved, filled, fraction(filled, approved), carried])
    total: list[Cell] = [
        "合計",
        "",
        table.approved,
        table.filled,
        fraction(table.filled, table.approved),
        sum(r[5] for r in rows if isinstance(r[5], int)),
    ]
    return Table(
        key="staffing",
        title=f"{report.year}年 人力配置與目前服務案量",
        columns=[
            Column("策略"),
            Column("職稱"),
            Column("編制人力", "count"),
            Column("實際到位", "count"),
            Column("進用率", "percent"),
            Column("目前服務案量", "count", sensitive=True),
        ],
        rows=rows,
        total=total if rows else None,
        notes=[
            f"人力與案量以 {rocdate.format(table.on)} 計；案量為當日在案、由當日在職人員主責之個案。",
            "未訂案量標準且無主責個案之職稱，案量以「—」表示。",
        ],
        empty=f"{report.year}年尚無核定人力資料。",
    )


def worker_caseloads(
    report: Context, leads: list[Staff], by_lead: dict[int, int], on: datetime.date
) -> Table:
    rows: list[list[Cell]] = []
    numbers: dict[int, int] = defaultdict(int)
    for lead in leads:
        numbers[lead.role_id] += 1
        name = lead.name if not report.public else f"{lead.role.name} {numbers[lead.role_id]}"
        rows.append([lead.role.name, name, by_lead[lead.pk]])
    return Table(
        key="worker_caseloads",
        title="個別工作人員服務案量",
        columns=[Column("職稱"), Column("工作人員"), Column("在案數", "count", sensitive=True)],
        rows=rows,
        total=["合計", "", sum(by_lead[lead.pk] for lead in leads)] if rows else None,
        notes=[f"以 {rocdate.format(on)} 當日在案之主責個案計。"]
        + (
            ["公開版不列姓名，以職稱及序號表示。"]
            if report.public
            else ["內部版：含工作人員姓名，請勿外流。"]
        ),
        empty="計算日無主責個案之工作人員。",
    )


def partners(report: Context) -> Table:
    organizations = (
        Organization.objects.filter(area=report.area, active=True)
        .prefetch_related("services__categories")
        .order_by("kind", "name")
    )
    rows: list[list[Cell]] = []
    for organization in organizations:
        categories = sorted({c.name for s in organization.services.all() for c in s.categories.all()})
        rows.append([organization.name, organization.get_kind_display(), "、".join(categories)])
    return Table(
        key="partners",
        title=f"{report.area.name}社安網合作網絡",
        columns=[Column("合作單位"), Column("類型"), Column("服務類別")],
        rows=rows,
        empty="尚未登錄本縣（市）之合作單位。",
    )


def referrals(report: Context) -> Table:
    first, last = report.request.referrals
    period = ReferralPeriod(
        report.area.code,
        datetime.date(first + OFFSET, 1, 1),
        datetime.date(last + OFFSET, 12, 31),
    )
    counted = (
        period.referrals()
        .values_list("category_id", "route")
        .annotate(n=Count("pk"))
        .values_list("category_id", "route", "n")
    )
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for category_id, route, n in counted:
        found[category_id][route or ""] = n
    names = route_names()
    order = list(names)
    routes = sorted(
        {r for routes in found.values() for r in routes},
        key=lambda r: (order.index(r) if r in order else len(order), r),
    )
    rows: list[list[Cell]] = []
    for category in ServiceCategory.objects.all():
        if category.pk in found:
            counts = [found[category.pk].get(r, 0) for r in routes]
            rows.append([category.name, *counts, sum(counts)])
    totals = [sum(found[c].get(r, 0) for c in found) for r in routes]
    return Table(
        key="referrals",
        title=f"{first}-{last}年 轉介服務統計（依服務類別及轉介單位）",
        columns=[
            Column("服務類別"),
            *[Column(names.get(r, r or "未指定"), "count", sensitive=True) for r in routes],
            Column("合計", "count", sensitive=True),
        ],
        rows=rows,
        total=["總計", *totals, sum(totals)] if rows else None,
        notes=["已送出之轉介（不含草稿），依送出日期計。"],
        empty=f"{first}-{last}年無轉介紀錄。",
    )


def results(report: Context) -> Table:
    rows: list[list[Cell]] = []
    values = report.catalogue(report.year)
    if all(v.value is None for v in values):
        values = []  # nothing to report: the table says so instead of a column of dashes
    for v in values:
        rows.append(
            [
                v.indicator.code,
                v.indicator.name,
                v.period.label,
                plain_count(v.numerator),
                plain_count(v.denominator),
                quantity(v.value, v.indicator),
                quantity(v.target, v.indicator),
                met_label(v.met),
                "填報" if v.source == "reported" else "系統計算",
            ]
        )
    return Table(
        key="results",
        title=f"{report.year}年 策略執行成果（績效指標）",
        columns=[
            Column("代碼"),
            Column("指標"),
            Column("期間"),
            Column("分子", "number", sensitive=True),
            Column("分母", "number", sensitive=True),
            Column("數值", "number", derived_from=(3, 4)),
            Column("目標值", "number"),
            Column("達成", derived_from=(3, 4)),
            Column("來源"),
        ],
        rows=rows,
        notes=["「填報」為他機關（如教育處）提供之數值，附來源與日期，與系統計算之值分列。"],
        empty="本年度尚無指標資料。",
    )


def dropouts(report: Context) -> Table:
    """School years before the report's (seed 001: 107-109 in a 110 report) and its own, when the
    education department's figures or the register give them."""
    rows: list[list[Cell]] = []
    notes: list[str] = []
    for year in range(report.year - 3, report.year + 1):
        if year not in report.years:
            continue
        v = report.value("DROPOUT_RETURN", year)
        if v is None or not v.denominator:
            continue
        rows.append([f"{year}學年度", plain_count(v.denominator), plain_count(v.numerator), v.value])
        notes.extend(f"{year}學年度：{note}" for note in v.notes)
    return Table(
        key="dropouts",
        title="中輟學生輔導與復學情形",
        columns=[
            Column("學年度"),
            Column("中輟人數", "count", sensitive=True),
            Column("復學人數", "count", sensitive=True),
            Column("復學率", "percent"),
        ],
        rows=rows,
        notes=[*notes, "復學率由人數重新計算；來源為教育處填報或中輟登錄資料。"],
    )


def cases_map(report: Context) -> Figure:
    on = report.on
    found = county_map(report.area, "cases", cases_at=end_of(on))
    return Figure(
        key="map",
        title=f"{report.area.name}社安網建置守護家園地圖（每千人在案數）",
        svg=found.svg(),
        notes=[
            f"依個案居住鄉鎮市區計算 {rocdate.format(on)} 當日在案數；未滿3案之鄉鎮不顯示，亦不計算比率。"
        ],
    )
