"""The administrative-guidance report (行政輔導報告) of one area and year, built from records in the
seeds' order: 執行特色, 展望與規劃, 困境與建議.

Every figure comes from the indicator engine (`indicators.engine`, through `presentation.Values`) and
the workforce, referral and map services, the same calls the pages make; nothing is typed in. A year
with no records says so table by table. The public edition is built from the same tables with small
cells suppressed and without anyone's name; only the internal edition names workers.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone, translation

from safetynet.domain import rocdate
from safetynet.domain.indicators import fraction
from safetynet.domain.rocdate import OFFSET
from safetynet.geo.models import County
from safetynet.indicators import engine
from safetynet.indicators.computations import open_cases_by_lead
from safetynet.indicators.models import Indicator, Unit
from safetynet.indicators.presentation import Values, caseload, staffing, trend_svg, trend_years
from safetynet.intake.models import RouteService
from safetynet.org.models import Role, Staff
from safetynet.referrals.mapping import county_map
from safetynet.referrals.models import Organization, ServiceCategory
from safetynet.referrals.stats import Period as ReferralPeriod
from safetynet.reporting.document import (
    Cell,
    Chart,
    Column,
    Document,
    Figure,
    Notes,
    Quantity,
    Section,
    Series,
    Table,
)
from safetynet.workforce.budget import gap_table
from safetynet.workforce.milestones import milestone_rows
from safetynet.workforce.models import PlanPhase, PositionYear, Vacancy
from safetynet.workforce.staffing import StaffingTable, forecast, staffing_table

Progress = Callable[[int, str], None]
LANGUAGE = "zh-hant"  # the report is the central government's: zh-Hant whatever the reader's language
STRATEGY_NAMES = "一二三四五六七八九十"
EDITION_LABELS = {"public": "公開版", "internal": "內部版（含個人姓名，限機關內部使用）"}


@dataclass(frozen=True)
class Request:
    area: County
    year: int
    edition: str  # public or internal
    referrals: tuple[int, int]  # ROC years of the referral statistics, first and last
    today: datetime.date


def default_referral_years(year: int) -> tuple[int, int]:
    """The three years before the report's (seed 000, a 110 report, counts 107-109)."""
    return (year - 3, year - 1)


def _noop(percent: int, step: str) -> None:
    return None


def strategy_name(number: int | None) -> str:
    if not number:
        return "其他"
    return f"策略{STRATEGY_NAMES[number - 1]}" if number <= len(STRATEGY_NAMES) else f"策略{number}"


def _quantity(value: Decimal | int | None, indicator: Indicator) -> Cell:
    if value is None:
        return None
    return Quantity(value, "percent" if indicator.unit == Unit.RATE else "number")


def _met(met: bool | None) -> str:
    return {True: "達成", False: "未達成", None: "—"}[met]


class Builder:
    def __init__(self, request: Request, progress: Progress) -> None:
        self.request = request
        self.area = request.area
        self.year = request.year
        self.public = request.edition == "public"
        self.progress = progress
        self.values = Values(self.area.code, request.today)
        self.phase = PlanPhase.objects.filter(first_year__lte=self.year, last_year__gte=self.year).first()
        self.years = sorted({y for p in PlanPhase.objects.all() for y in p.years})

    # --- the engine's values ------------------------------------------------------------------------

    def catalogue(self, year: int) -> list[engine.Value]:
        if not any(key[0] == year for key in self.values.found):
            self.values.add(year, engine.catalogue(self.area.code, year, self.request.today))
        return [v for (y, _code), v in self.values.found.items() if y == year]

    def value(self, code: str, year: int | None = None) -> engine.Value | None:
        year = year or self.year
        self.catalogue(year)
        return self.values.found.get((year, code))

    @cached_property
    def on(self) -> datetime.date:
        """The day staffing and caseloads are counted: the engine's checkpoint of the year."""
        hire = self.value("HIRE_RATE")
        return hire.on if hire else self.request.today

    @cached_property
    def staffing_table(self) -> StaffingTable:
        return staffing_table(self.area, self.year, self.on)

    # --- the document -------------------------------------------------------------------------------

    def build(self) -> Document:
        steps: list[tuple[str, Callable[[], Section]]] = [
            ("執行特色", self.features),
            ("展望與規劃", self.outlook),
            ("困境與建議", self.difficulties),
        ]
        sections = []
        with translation.override(LANGUAGE):
            self.progress(5, "計算績效指標")
            self.catalogue(self.year)
            for index, (label, step) in enumerate(steps):
                self.progress(10 + index * 25, label)
                sections.append(step())
        if self.public:
            for section in sections:
                section.blocks = [b.suppressed() if isinstance(b, Table) else b for b in section.blocks]
        as_of = self.on
        return Document(
            title="強化社會安全網 地方政府行政輔導報告",
            area_code=self.area.code,
            area_name=self.area.name,
            year=self.year,
            edition=self.request.edition,
            edition_label=EDITION_LABELS[self.request.edition],
            report_day=self.request.today,
            as_of=as_of,
            sections=sections,
            summary=[
                f"計畫年度：{self.year}年（{self.phase.name if self.phase else '未屬任何計畫期程'}）",
                f"人力與案量計算日：{rocdate.format(as_of)}",
                f"轉介統計期間：{self.request.referrals[0]}-{self.request.referrals[1]}年",
                f"產製日期：{rocdate.format(self.request.today)}；所有數值由系統紀錄計算，非人工填列。",
            ],
        )

    # --- 1 執行特色 -----------------------------------------------------------------------------------

    def features(self) -> Section:
        table, on = self.staffing_table, self.on
        by_lead = open_cases_by_lead(self.area.code, on)
        leads = list(
            Staff.objects.filter(pk__in=list(by_lead))
            .select_related("role")
            .order_by("role_id", "hired_on", "pk")
        )
        blocks: list[Any] = [
            self.staffing_roles(table, leads, by_lead),
            self.worker_caseloads(leads, by_lead, on),
            self.partners(),
            self.referrals(),
            self.results(),
        ]
        dropouts = self.dropouts()
        if dropouts.rows:
            blocks.append(dropouts)
        hire = self.value("HIRE_RATE")
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
        load = caseload(self.value("CASELOAD"))
        if load["rows"]:
            blocks.append(
                Chart(
                    key="caseload_chart",
                    title="各職稱平均案量與案量標準",
                    svg=str(load["chart"]),
                    kind="column",
                    categories=[r["role_name"] for r in load["rows"]],
                    series=[
                        Series("平均案量", [_float(r["value"]) for r in load["rows"]]),
                        Series("案量標準", [float(r["standard"]) for r in load["rows"]], "target"),
                    ],
                )
            )
        blocks.append(self.map())
        return Section(1, "本縣（市）社安網業務執行特色", blocks)

    def staffing_roles(self, table: StaffingTable, leads: list[Staff], by_lead: dict[int, int]) -> Table:
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
            carried = (
                cases.get(role_id, 0) if role.caseload_standard is not None or role_id in cases else None
            )
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
            title=f"{self.year}年 人力配置與目前服務案量",
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
            empty=f"{self.year}年尚無核定人力資料。",
        )

    def worker_caseloads(self, leads: list[Staff], by_lead: dict[int, int], on: datetime.date) -> Table:
        rows: list[list[Cell]] = []
        numbers: dict[int, int] = defaultdict(int)
        for lead in leads:
            numbers[lead.role_id] += 1
            name = lead.name if not self.public else f"{lead.role.name} {numbers[lead.role_id]}"
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
                if self.public
                else ["內部版：含工作人員姓名，請勿外流。"]
            ),
            empty="計算日無主責個案之工作人員。",
        )

    def partners(self) -> Table:
        organizations = (
            Organization.objects.filter(area=self.area, active=True)
            .prefetch_related("services__categories")
            .order_by("kind", "name")
        )
        rows: list[list[Cell]] = []
        for organization in organizations:
            categories = sorted({c.name for s in organization.services.all() for c in s.categories.all()})
            rows.append([organization.name, organization.get_kind_display(), "、".join(categories)])
        return Table(
            key="partners",
            title=f"{self.area.name}社安網合作網絡",
            columns=[Column("合作單位"), Column("類型"), Column("服務類別")],
            rows=rows,
            empty="尚未登錄本縣（市）之合作單位。",
        )

    def referrals(self) -> Table:
        first, last = self.request.referrals
        period = ReferralPeriod(
            self.area.code,
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

    def results(self) -> Table:
        rows: list[list[Cell]] = []
        values = self.catalogue(self.year)
        if all(v.value is None for v in values):
            values = []  # nothing to report: the table says so instead of a column of dashes
        for v in values:
            rows.append(
                [
                    v.indicator.code,
                    v.indicator.name,
                    v.period.label,
                    _plain_count(v.numerator),
                    _plain_count(v.denominator),
                    _quantity(v.value, v.indicator),
                    _quantity(v.target, v.indicator),
                    _met(v.met),
                    "填報" if v.source == "reported" else "系統計算",
                ]
            )
        return Table(
            key="results",
            title=f"{self.year}年 策略執行成果（績效指標）",
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

    def dropouts(self) -> Table:
        """School years before the report's (seed 001: 107-109 in a 110 report) and its own, when the
        education department's figures or the register give them."""
        rows: list[list[Cell]] = []
        notes: list[str] = []
        for year in range(self.year - 3, self.year + 1):
            if year not in self.years:
                continue
            v = self.value("DROPOUT_RETURN", year)
            if v is None or not v.denominator:
                continue
            rows.append([f"{year}學年度", _plain_count(v.denominator), _plain_count(v.numerator), v.value])
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

    def map(self) -> Figure:
        on = self.on
        found = county_map(self.area, "cases", cases_at=_end_of(on))
        return Figure(
            key="map",
            title=f"{self.area.name}社安網建置守護家園地圖（每千人在案數）",
            svg=found.svg(),
            notes=[
                f"依個案居住鄉鎮市區計算 {rocdate.format(on)} 當日在案數；未滿3案之鄉鎮不顯示，亦不計算比率。"
            ],
        )

    # --- 2 展望與規劃 ---------------------------------------------------------------------------------

    def outlook(self) -> Section:
        blocks: list[Any] = [self.staffing_plan(), self.milestones(), self.targets()]
        blocks.extend(self.trends())
        return Section(2, "社安網計畫展望與規劃", blocks)

    def staffing_plan(self) -> Table:
        years = list(self.phase.years) if self.phase else [self.year]
        rows_by: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
        for strategy, role, plan_year, approved in (
            PositionYear.objects.filter(position__area=self.area, plan_year__in=years)
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

    def milestones(self) -> Table:
        years = set(self.phase.years) if self.phase else {self.year}
        rows: list[list[Cell]] = []
        for row in milestone_rows(self.area, self.request.today):
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
                    _met(row.met),
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

    def targets(self) -> Table:
        current = [y for y in range(self.year - 2, self.year + 1) if y in self.years]
        goal_years = sorted({self.year, self.phase.last_year if self.phase else self.year})
        indicators: dict[str, Indicator] = {}
        for year in current:
            for v in self.catalogue(year):
                indicators.setdefault(v.indicator.code, v.indicator)
        rows: list[list[Cell]] = []
        for code, indicator in indicators.items():
            cells: list[Cell] = [indicator.name]
            for year in current:
                found = self.value(code, year)
                cells.append(_quantity(found.value, indicator) if found else None)
            for year in goal_years:
                cells.append(_quantity(engine.target_for(indicator, self.area.code, year), indicator))
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

    def trends(self) -> list[Chart]:
        years = trend_years(self.year, [y for y in self.years if y <= self.year])
        charts = []
        for v in self.catalogue(self.year):
            indicator = v.indicator
            points = [(str(y), self.value(indicator.code, y)) for y in years]
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
                        Series("數值", [_float(p.value) if p else None for _l, p in points]),
                        Series("目標值", [_float(p.target) if p else None for _l, p in points], "target"),
                    ],
                    percent=indicator.unit == Unit.RATE,
                )
            )
        return charts

    # --- 3 困境與建議 ---------------------------------------------------------------------------------

    def difficulties(self) -> Section:
        table = self.staffing_table
        return Section(
            3,
            "所遇困境與待中央協助事項",
            [
                self.hire_risk(table),
                self.lines_below(table),
                *self.outlook_to_checkpoint(),
                self.vacancies(),
                self.budget(),
                self.data_quality(),
            ],
        )

    def hire_risk(self, table: StaffingTable) -> Table:
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
            empty=f"{self.year}年尚無核定人力資料。",
        )

    def lines_below(self, table: StaffingTable) -> Table:
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
            empty="各職務進用率均達門檻。" if table.lines else f"{self.year}年尚無核定人力資料。",
        )

    def outlook_to_checkpoint(self) -> list[Table]:
        """Before the year's checkpoint: where each group will stand on it, from the vacancies expected
        and the departures known (none once the checkpoint has passed: the table above is final)."""
        projected = forecast(self.area, self.year, self.request.today)
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

    def vacancies(self) -> Table:
        """The recruiting the seeds report (seed 001: 111年缺額 110-12-07 公告, 12/16 面試)."""
        rows: list[list[Cell]] = []
        for v in (
            Vacancy.objects.filter(position__area=self.area, plan_year__in=(self.year, self.year + 1))
            .select_related("position__unit", "position__role")
            .order_by("plan_year", "announced_on", "pk")
        ):
            rows.append(
                [
                    f"{v.plan_year}年",
                    v.position.unit.name,
                    v.position.role.name,
                    v.seats,
                    _day(v.announced_on),
                    _day(v.interview_on),
                    _day(v.expected_on),
                    _day(v.filled_on),
                ]
            )
        return Table(
            key="vacancies",
            title=f"職缺招募進度（{self.year}-{self.year + 1}年）",
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

    def budget(self) -> Table:
        rows: list[list[Cell]] = []
        for row in gap_table(self.area, self.year):
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
            title=f"{self.year}年 業務費中央補助與核定本上限",
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
                f"人事費以每人{self.staffing_table.rules.months_per_person.normalize():f}個月估算（依計畫期程規定）。",
            ],
            empty=f"{self.year}年尚未登錄預算資料。",
        )

    def data_quality(self) -> Notes:
        items = []
        for (year, _code), v in sorted(self.values.found.items(), key=lambda item: item[0]):
            for note in v.notes:
                if note != engine.NOT_BEGUN:
                    items.append(f"{v.indicator.name}（{v.period.label}）：{note}")
            if v.differs and v.published is not None:
                items.append(
                    f"{v.indicator.name}（{year}年）：重新計算之值 {v.shown} 與已發布之值不同，請確認。"
                )
        return Notes(
            key="data_quality",
            title="資料品質備註（系統檢核）",
            items=items,
            empty="系統檢核未發現數值不一致。",
        )


def _day(day: datetime.date | None) -> Cell:
    return None if day is None else rocdate.format(day, "slash")


def _end_of(day: datetime.date) -> datetime.datetime:
    """The midnight after `day` in the site's time zone: what is open then was open that day."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def _float(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def _plain_count(value: Decimal | int | None) -> Cell:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def route_names() -> dict[str, str]:
    """Each route as the report names it, in the routes' order: by the role that takes its cases
    (MHSW → 心理衛生社工); a route without one by its code."""
    roles = dict(Role.objects.values_list("code", "name"))
    return {
        service.route: roles.get(service.roles[0], service.route) if service.roles else service.route
        for service in RouteService.objects.all()
    }


def build(request: Request, progress: Progress = _noop) -> Document:
    return Builder(request, progress).build()
