"""Staffing figures read from positions and staff: approved, filled and the hire rate on a day.

The hire rate (人力進用率) is filled ÷ approved; under the phase's threshold (85% by default) the
central subsidy for personnel loses the phase's deduction rate (10%), so every table marks the lines
and the (strategy, funding) groups under it, with the NT$ at stake.

The filled count of a position in a plan year is the number of its staff employed on the day when any
staff member has ever been linked to the position (`Staff.position`); a position without linked staff
uses the imported `PositionYear.reported_filled` (0 when none was reported).

Staffing is checked on the plan year's checkpoint: the area's `Checkpoint` row, else the phase's
checkpoint month and day (12/31 by default), never after today.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch

from safetynet.domain import staffing as domain
from safetynet.domain.rocdate import OFFSET, to_roc_year
from safetynet.geo.models import County
from safetynet.org.models import Staff
from safetynet.workforce.models import Checkpoint, Funding, PlanPhase, Position, PositionYear, Vacancy

HIRE_RATE_THRESHOLD = domain.Rules().hire_threshold
Rules = domain.Rules


def phase_for(plan_year: int) -> PlanPhase | None:
    """The plan phase whose years contain `plan_year`."""
    return PlanPhase.objects.filter(first_year__lte=plan_year, last_year__gte=plan_year).first()


def rules_for(plan_year: int) -> domain.Rules:
    """The staffing rules of the phase containing `plan_year` (seed 001's defaults outside any phase)."""
    phase = phase_for(plan_year)
    if phase is None:
        return domain.Rules()
    return domain.Rules(
        hire_threshold=phase.hire_threshold,
        deduction_rate=phase.deduction_rate,
        months_per_person=phase.months_per_person,
        checkpoint_month=phase.checkpoint_month,
        checkpoint_day=phase.checkpoint_day,
    )


def checkpoint_day(area: County, plan_year: int, *, phase_rules: domain.Rules | None = None) -> datetime.date:
    """The day the area's staffing of `plan_year` is checked, today or not (see `checkpoint`)."""
    row = Checkpoint.objects.filter(area=area, plan_year=plan_year).first()
    if row is not None:
        return row.on
    found = phase_rules or rules_for(plan_year)
    year = plan_year + OFFSET
    month = found.checkpoint_month if 1 <= found.checkpoint_month <= 12 else 12
    # A day the month does not have (2/29 in a common year) is the month's last day.
    day = min(max(found.checkpoint_day, 1), calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def checkpoint(area: County, plan_year: int, today: datetime.date) -> datetime.date:
    """The day staffing of `plan_year` is read: its Checkpoint row's day, else the phase's month and
    day in that year (12/31 by default), never after today."""
    return min(checkpoint_day(area, plan_year), today)


@dataclass
class HireRate:
    """Filled ÷ approved, and whether it falls under the threshold (compared exactly)."""

    approved: int
    filled: int
    threshold: Decimal = field(default=HIRE_RATE_THRESHOLD, kw_only=True)

    @property
    def rate(self) -> Decimal | None:
        return domain.hire_rate(self.filled, self.approved)

    @property
    def below_threshold(self) -> bool:
        return domain.below_threshold(self.filled, self.approved, self.threshold)

    @property
    def required(self) -> int:
        """Filled seats needed for the threshold: ceil(threshold × approved)."""
        return domain.required_filled(self.approved, self.threshold)

    @property
    def needed(self) -> int:
        """Seats still to fill to reach the threshold."""
        return domain.seats_needed(self.approved, self.filled, self.threshold)


@dataclass
class StaffingLine(HireRate):
    position: Position = field(kw_only=True)
    monthly_cost: int | None = field(default=None, kw_only=True)
    months_per_person: Decimal = field(default=domain.Rules().months_per_person, kw_only=True)
    reported: bool = field(default=False, kw_only=True)  # filled is the imported figure
    deduction_rate: Decimal = field(default=domain.Rules().deduction_rate, kw_only=True)

    @property
    def subsidy(self) -> Decimal | None:
        """The central subsidy for this line's personnel (None: monthly cost or share unknown)."""
        share = self.position.central_share
        return domain.central_subsidy(self.approved, self.monthly_cost, self.months_per_person, share)

    @property
    def deduction(self) -> Decimal | None:
        """What the line alone would lose under the threshold (seed 000: 心衛社工 7 of 9)."""
        return domain.deduction(self.subsidy, self.deduction_rate, below=self.below_threshold)


@dataclass
class Group(HireRate):
    """The lines of one strategy and funding source: the unit the hire-rate rule is applied to."""

    strategy: int | None = field(kw_only=True)
    funding: str = field(kw_only=True)
    lines: list[StaffingLine] = field(kw_only=True)
    deduction_rate: Decimal = field(default=domain.Rules().deduction_rate, kw_only=True)

    @property
    def funding_label(self) -> str:
        return str(Funding(self.funding).label) if self.funding in Funding.values else self.funding

    @property
    def subsidy(self) -> Decimal | None:
        """The group's central subsidy for personnel; unknown when any line's is."""
        amounts = [line.subsidy for line in self.lines]
        if any(amount is None for amount in amounts):
            return None
        return sum((a for a in amounts if a is not None), Decimal(0))

    @property
    def unknown_lines(self) -> int:
        return sum(1 for line in self.lines if line.subsidy is None)

    @property
    def deduction(self) -> Decimal | None:
        """NT$ deducted when under the threshold: 0 when not, None when the subsidy is unknown."""
        return domain.deduction(self.subsidy, self.deduction_rate, below=self.below_threshold)


def _group_key(key: tuple[int | None, str]) -> tuple[bool, int, int]:
    strategy, funding = key
    order = Funding.values.index(funding) if funding in Funding.values else len(Funding.values)
    return (strategy is None, strategy or 0, order)


def group_lines(lines: list[StaffingLine], phase_rules: domain.Rules) -> list[Group]:
    found: dict[tuple[int | None, str], list[StaffingLine]] = defaultdict(list)
    for line in lines:
        found[(line.position.strategy, line.position.funding)].append(line)
    return [
        Group(
            approved=sum(x.approved for x in members),
            filled=sum(x.filled for x in members),
            threshold=phase_rules.hire_threshold,
            strategy=strategy,
            funding=funding,
            lines=members,
            deduction_rate=phase_rules.deduction_rate,
        )
        for (strategy, funding), members in sorted(found.items(), key=lambda item: _group_key(item[0]))
    ]


@dataclass
class StaffingTable(HireRate):
    county: County = field(kw_only=True)
    plan_year: int = field(kw_only=True)
    on: datetime.date = field(kw_only=True)
    lines: list[StaffingLine] = field(kw_only=True)
    rules: domain.Rules = field(default_factory=domain.Rules, kw_only=True)

    def by_strategy(self) -> list[tuple[int | None, list[StaffingLine], int, int, Decimal | None]]:
        groups: dict[int | None, list[StaffingLine]] = {}
        for line in self.lines:
            groups.setdefault(line.position.strategy, []).append(line)
        result = []
        for strategy, lines in sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or 0)):
            approved, filled = sum(x.approved for x in lines), sum(x.filled for x in lines)
            result.append((strategy, lines, approved, filled, domain.hire_rate(filled, approved)))
        return result

    def groups(self) -> list[Group]:
        """Totals per (strategy, funding), each with its hire rate and projected deduction."""
        return group_lines(self.lines, self.rules)

    def groups_below(self) -> list[Group]:
        return [g for g in self.groups() if g.below_threshold]

    def lines_below(self) -> list[StaffingLine]:
        return [line for line in self.lines if line.below_threshold]

    @property
    def deduction(self) -> Decimal | None:
        """The NT$ deducted over every group under the threshold (None when one is unknown)."""
        amounts = [g.deduction for g in self.groups_below()]
        if any(a is None for a in amounts):
            return None
        return sum((a for a in amounts if a is not None), Decimal(0))

    @property
    def deduction_known(self) -> Decimal:
        """The part of the deduction that can be computed (groups with a known subsidy)."""
        return sum((g.deduction for g in self.groups_below() if g.deduction is not None), Decimal(0))


def plan_years(county_codes: list[str]) -> list[int]:
    return sorted(
        set(
            PositionYear.objects.filter(position__area_id__in=county_codes).values_list(
                "plan_year", flat=True
            )
        )
    )


def staffing_table(
    county: County, plan_year: int, on: datetime.date, *, phase_rules: domain.Rules | None = None
) -> StaffingTable:
    """Every position of the county with approved seats in `plan_year`, filled on `on`."""
    found_rules = phase_rules or rules_for(plan_year)
    approved = PositionYear.objects.filter(plan_year=plan_year)
    positions = (
        Position.objects.filter(area=county, years__plan_year=plan_year)
        .with_filled(on)
        .annotate(linked=Count("staff", distinct=True))
        .select_related("unit", "role")
        .prefetch_related(Prefetch("years", queryset=approved, to_attr="this_year"))
    )
    lines = []
    for p in positions:
        year: PositionYear | None = p.this_year[0] if p.this_year else None  # type: ignore[attr-defined]
        reported = not p.linked  # type: ignore[attr-defined]
        filled = (year.reported_filled or 0) if reported and year else p.filled  # type: ignore[attr-defined]
        lines.append(
            StaffingLine(
                approved=year.approved if year else 0,
                filled=filled,
                threshold=found_rules.hire_threshold,
                position=p,
                monthly_cost=year.monthly_cost if year else None,
                months_per_person=found_rules.months_per_person,
                reported=reported,
                deduction_rate=found_rules.deduction_rate,
            )
        )
    return StaffingTable(
        approved=sum(line.approved for line in lines),
        filled=sum(line.filled for line in lines),
        threshold=found_rules.hire_threshold,
        county=county,
        plan_year=plan_year,
        on=on,
        lines=lines,
        rules=found_rules,
    )


def hire_rate_summary(county_codes: list[str], today: datetime.date) -> list[StaffingTable]:
    """For each county: the staffing table of the latest plan year not after this one, at its checkpoint."""
    current = to_roc_year(today)
    tables = []
    for county in County.objects.filter(code__in=county_codes):
        years = [y for y in plan_years([county.code]) if y <= current]
        if years:
            tables.append(staffing_table(county, years[-1], checkpoint(county, years[-1], today)))
    return tables


# --- the forecast --------------------------------------------------------------------------------


@dataclass
class ForecastGroup(HireRate):
    """A (strategy, funding) group: filled now (`filled`) and projected at the checkpoint (`forecast`)."""

    strategy: int | None = field(kw_only=True)
    funding: str = field(kw_only=True)
    forecast: int = field(kw_only=True)
    vacancies: list[Vacancy] = field(kw_only=True)
    leaving: list[Staff] = field(kw_only=True)

    @property
    def funding_label(self) -> str:
        return str(Funding(self.funding).label) if self.funding in Funding.values else self.funding

    @property
    def below_forecast(self) -> bool:
        return domain.below_threshold(self.forecast, self.approved, self.threshold)

    @property
    def at_risk(self) -> bool:
        return self.below_threshold or self.below_forecast

    @property
    def uncovered(self) -> int:
        """Seats needed beyond what the vacancies expected by the checkpoint will bring."""
        return domain.seats_needed(self.approved, self.forecast, self.threshold)

    @property
    def forecast_rate(self) -> Decimal | None:
        return domain.hire_rate(self.forecast, self.approved)


@dataclass
class Forecast:
    """Where each group will stand on the checkpoint, and what must be filled by then."""

    county: County
    plan_year: int
    today: datetime.date
    checkpoint: datetime.date  # the day itself, possibly after today
    measured_on: datetime.date  # min(checkpoint, today): the day `filled` is read
    rules: domain.Rules
    groups: list[ForecastGroup]
    vacancies: list[Vacancy]

    @property
    def at_risk(self) -> list[ForecastGroup]:
        return [g for g in self.groups if g.at_risk]

    @property
    def is_past(self) -> bool:
        return self.checkpoint <= self.today


def forecast(county: County, plan_year: int, today: datetime.date) -> Forecast:
    """Filled at the checkpoint projected from today's staff: those already known to leave before it
    are gone, those already hired to start by it are in, and the seats of every vacancy not yet filled
    with an expected date on or before it are added (never beyond a line's approved seats).

    For each group under the threshold now or at the checkpoint, `needed` says how many more seats
    than today's must be filled by the checkpoint, `uncovered` how many beyond the expected vacancies.
    """
    found_rules = rules_for(plan_year)
    day = checkpoint_day(county, plan_year, phase_rules=found_rules)
    now = min(day, today)
    now_table = staffing_table(county, plan_year, now, phase_rules=found_rules)
    at_day = staffing_table(county, plan_year, day, phase_rules=found_rules) if day > now else now_table
    later = {line.position.pk: line.filled for line in at_day.lines}
    vacancies = list(
        Vacancy.objects.filter(position__area=county, plan_year=plan_year).select_related(
            "position__unit", "position__role"
        )
    )
    due: dict[int, int] = defaultdict(int)
    for vacancy in vacancies:
        if vacancy.filled_on is None and vacancy.expected_on is not None and vacancy.expected_on <= day:
            due[vacancy.position_id] += vacancy.seats
    leaving = (
        list(
            Staff.objects.filter(position__area=county, position__years__plan_year=plan_year)
            .active_on(now)
            .filter(left_on__lt=day)
            .select_related("position", "role")
            .order_by("left_on", "pk")
        )
        if day > now
        else []
    )
    groups = []
    for group in group_lines(now_table.lines, found_rules):
        pks = {line.position.pk for line in group.lines}
        projected = 0
        for line in group.lines:
            base = later[line.position.pk]
            projected += max(base, min(line.approved, base + due[line.position.pk]))
        groups.append(
            ForecastGroup(
                approved=group.approved,
                filled=group.filled,
                threshold=found_rules.hire_threshold,
                strategy=group.strategy,
                funding=group.funding,
                forecast=projected,
                vacancies=[v for v in vacancies if v.position_id in pks],
                leaving=[s for s in leaving if s.position_id in pks],
            )
        )
    return Forecast(
        county=county,
        plan_year=plan_year,
        today=today,
        checkpoint=day,
        measured_on=now,
        rules=found_rules,
        groups=groups,
        vacancies=vacancies,
    )
