"""The engine's figures as pages and reports show them: values printed like `safetynet kpi`, yearly
trends against targets, and staffing and caseload from the engine's breakdowns (SVG charts in zh-Hant
through `domain.charts`). One place, so that the dashboard and the generated report never disagree.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from safetynet.domain import charts
from safetynet.domain.indicators import percent
from safetynet.domain.rocdate import to_roc_year
from safetynet.indicators import engine
from safetynet.indicators.models import Indicator, Unit
from safetynet.workforce.models import Funding, PlanPhase

FUNDING_LABELS = dict(Funding.choices)
# The hire-rate rule of the plan (DOMAIN §9), drawn on the staffing chart when HIRE_RATE has no target.
HIRE_THRESHOLD = Decimal("0.85")


def plan_years(today: datetime.date) -> list[int]:
    """Every year of the plan phases up to this ROC year."""
    this_year = to_roc_year(today)
    years = {y for phase in PlanPhase.objects.all() for y in phase.years if y <= this_year}
    return sorted(years)


def all_plan_years() -> list[int]:
    return sorted({y for phase in PlanPhase.objects.all() for y in phase.years})


def trend_years(year: int, years: list[int]) -> list[int]:
    """The plan years of the year's phase through the year; in a phase's first year, the previous
    phase's years too, so that the trend has something to compare with."""
    phases = sorted(PlanPhase.objects.all(), key=lambda p: p.first_year)
    phase = next((p for p in phases if year in p.years), None)
    if phase is None:
        return [year]
    first = phase.first_year
    if year == first:
        earlier = [p for p in phases if p.last_year < first]
        if earlier:
            first = earlier[-1].first_year
    return [y for y in years if first <= y <= year]


# --- the engine's values, once per request --------------------------------------------------------


@dataclass
class Values:
    """The engine's values of one area by (year, code), computed on first use."""

    area: str
    today: datetime.date
    found: dict[tuple[int, str], engine.Value] = field(default_factory=dict)
    checkpoints: dict[tuple[int, str], datetime.date] = field(default_factory=dict)

    def add(self, year: int, values: Iterable[engine.Value]) -> None:
        for value in values:
            self.found[(year, value.indicator.code)] = value

    def get(self, indicator: Indicator, year: int) -> engine.Value:
        key = (year, indicator.code)
        if key not in self.found:
            period = engine.period_for(indicator, year)
            if (year, period.kind) not in self.checkpoints:
                self.checkpoints[(year, period.kind)] = engine.checkpoint_day(self.area, period, self.today)
            self.found[key] = engine.compute(
                indicator, self.area, period, self.today, on=self.checkpoints[(year, period.kind)]
            )
        return self.found[key]


def _float(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def shown(indicator: Indicator, value: Decimal | None) -> str:
    """A target (or any figure of the indicator) as the engine prints its values."""
    if value is None:
        return "—"
    if indicator.unit == Unit.RATE:
        return percent(value)
    if indicator.unit == Unit.RATIO:
        return f"{value.quantize(Decimal('0.01'))}"
    return f"{value.normalize():f}"


def number_shown(value: Decimal | int | None) -> str:
    """A count as `safetynet kpi` prints it (7, 12.5, —)."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    if value == value.to_integral_value():
        return str(int(value))
    return str(round(float(value), 4))


def _axis(indicator: Indicator) -> tuple[Any, float | None]:
    if indicator.unit == Unit.RATE:
        return charts.format_percent, 1.0
    return charts.format_number, None


def trend_svg(
    indicator: Indicator,
    values: Sequence[tuple[str, engine.Value | None]],
    *,
    chart_id: str,
    width: int | None = None,
) -> SafeString:
    """The indicator's values by period against their targets (None: a period not reached yet)."""
    tick_format, y_max = _axis(indicator)
    points = [
        charts.Point(
            label,
            _float(v.value) if v else None,
            (v.shown if v.value is not None else "—") if v else "",
            target=_float(v.target) if v else None,
            met=v.met if v else None,
        )
        for label, v in values
    ]
    described = "; ".join(
        f"{label}: {v.shown if v else '—'}"
        + (f" ({_('target')} {shown(indicator, v.target)})" if v and v.target is not None else "")
        + (f" {_('Met') if v.met else _('Not met')}" if v and v.met is not None else "")
        for label, v in values
    )
    svg = charts.trend_chart(
        points,
        title=_("%(name)s by period") % {"name": indicator.name},
        description=described,
        empty_text=_("No data"),
        y_label=indicator.get_unit_display(),
        target_label=_("Target"),
        met_label=_("Met"),
        not_met_label=_("Not met"),
        tick_format=tick_format,
        y_max=y_max,
        chart_id=chart_id,
        width=width,
    )
    return mark_safe(svg)  # noqa: S308 - every text in it is escaped by the chart builder


# --- staffing and caseload, from the engine's breakdowns --------------------------------------------


def _strategy(number: Any) -> str:
    return _("Strategy %(strategy)s") % {"strategy": number} if number else _("Other")


def staffing(value: engine.Value | None, strategy: int | None = None) -> dict[str, Any]:
    """HIRE_RATE's breakdown by strategy and role (line rows summed) and by strategy and funding; of one
    strategy only when `strategy` is given (a chart per strategy stays readable on paper)."""
    if value is None:
        return {"roles": [], "groups": [], "chart": None}
    threshold = value.target if value.target is not None else HIRE_THRESHOLD
    roles: dict[tuple[int, str], dict[str, Any]] = {}
    groups = []
    for row in value.breakdown:
        if strategy is not None and row["strategy"] != strategy:
            continue
        if "role" not in row:
            groups.append(
                {
                    **row,
                    "strategy_label": _strategy(row["strategy"]),
                    "funding_label": FUNDING_LABELS.get(row["funding"], row["funding"]),
                    "below": row["value"] is not None and row["value"] < threshold,
                }
            )
            continue
        key = (row["strategy"] or 0, row["role"])
        entry = roles.setdefault(
            key,
            {
                "strategy": row["strategy"],
                "role": row["role"],
                "role_name": row["role_name"],
                "approved": 0,
                "filled": 0,
            },
        )
        entry["approved"] += row["approved"]
        entry["filled"] += row["filled"]
    rows = [roles[key] for key in sorted(roles)]
    for entry in rows:
        entry["strategy_label"] = _strategy(entry["strategy"])
        entry["value"] = Decimal(entry["filled"]) / entry["approved"] if entry["approved"] else None
        entry["below"] = entry["value"] is not None and entry["value"] < threshold
    chart = charts.staffing_chart(
        [charts.Group(f"{r['strategy_label']}\n{r['role_name']}", r["approved"], r["filled"]) for r in rows],
        title=_("Approved and filled positions by strategy and role"),
        description="; ".join(
            f"{r['strategy_label']} {r['role_name']}: {r['filled']}/{r['approved']}"
            + (f" ({_('Filled, under the threshold')})" if r["below"] else "")
            for r in rows
        ),
        empty_text=_("No data"),
        threshold=float(threshold),
        approved_label=_("Approved"),
        filled_label=_("Filled"),
        threshold_label=_("%(threshold)s of approved") % {"threshold": percent(threshold, 0)},
        short_label=_("Filled, under the threshold"),
        y_label=_("Positions"),
        chart_id="staffing-chart" if strategy is None else f"staffing-chart-{strategy}",
    )
    return {
        "roles": rows,
        "groups": groups,
        "threshold": threshold,
        "chart": mark_safe(chart),  # noqa: S308 - escaped by the chart builder
    }


def caseload(value: engine.Value | None) -> dict[str, Any]:
    """CASELOAD's breakdown: open cases per worker of each role against the role's standard."""
    if value is None:
        return {"rows": [], "chart": None}
    rows = [
        {**row, "over": row["value"] is not None and row["value"] > row["standard"]}
        for row in value.breakdown
    ]
    chart = charts.trend_chart(
        [
            charts.Point(
                row["role_name"],
                _float(row["value"]),
                "—" if row["value"] is None else f"{row['value'].quantize(Decimal('0.1'))}",
                target=float(row["standard"]),
                met=None if row["value"] is None else not row["over"],
            )
            for row in rows
        ],
        title=_("Open cases per worker by role"),
        description="; ".join(
            f"{row['role_name']}: {row['cases']}/{row['workers']} ({_('standard')} {row['standard']})"
            + (f" {_('Over the standard')}" if row["over"] else "")
            for row in rows
        ),
        empty_text=_("No data"),
        y_label=_("Cases per worker"),
        target_label=_("Standard"),
        met_label=_("Within the standard"),
        not_met_label=_("Over the standard"),
        kind="bar",
        chart_id="caseload-chart",
        slot=78,
    )
    return {"rows": rows, "chart": mark_safe(chart)}  # noqa: S308 - escaped by the chart builder
