"""How each computed indicator counts its numerator and denominator over the records.

An `Indicator` row names one of these methods and gives its parameters (route, days, contact kinds
…), so a county can change what "visited within 10 days" counts without a code change. Each method
counts for one area and one period with a few aggregate queries, and returns the counts with their
breakdown (per role, per strategy and funding, per kind) for the tables that show them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from safetynet.cases.models import Case, Contact, SupervisionSession
from safetynet.domain.casestatus import CaseStatus
from safetynet.domain.indicators import Period, fraction, months
from safetynet.intake.models import Dispatch, DispatchOutcome, Report, ReportSubject, SubjectRole
from safetynet.org.models import Role, Staff
from safetynet.people.models import Registry, RegistryEntry
from safetynet.referrals.models import Referral
from safetynet.referrals.stats import CLOSED_LOOP

DAY = datetime.timedelta(days=1)
# A dispatch that put the subject in a case's hands (a re-report joins a case already served).
NEW_CASE = (DispatchOutcome.ASSIGNED, DispatchOutcome.QUEUED, DispatchOutcome.REOPENED)


@dataclass(frozen=True)
class Scope:
    """One area, one period (cut at today), and the day head counts and caseloads are read on."""

    area: str
    period: Period
    on: datetime.date  # the checkpoint for staffing and caseloads

    @property
    def starts(self) -> datetime.datetime:
        return _midnight(self.period.start)

    @property
    def ends(self) -> datetime.datetime:
        """The first moment after the period."""
        return _midnight(self.period.end + DAY)


@dataclass
class Counts:
    numerator: Decimal | int | None
    denominator: Decimal | int | None
    breakdown: list[dict[str, Any]] = field(default_factory=list)
    target: Decimal | None = None  # a target the counts imply (CASELOAD: the roles' standards)
    notes: list[str] = field(default_factory=list)


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _types(field_name: str, codes: list[str]) -> Q:
    """Subjects whose JSON list of report types holds any of `codes` (portable across databases)."""
    query = Q()
    for code in codes:
        query |= Q(**{f"{field_name}__icontains": f'"{code}"'})
    return query


def _open_on(moment: datetime.datetime) -> Q:
    """Cases open at `moment`: opened by then and not closed by then (未成案 was never a case)."""
    return (
        Q(opened_at__lte=moment)
        & (Q(closed_at__isnull=True) | Q(closed_at__gt=moment))
        & ~Q(status=CaseStatus.NOT_OPENED)
    )


def _live_contacts() -> QuerySet[Contact]:
    return Contact.objects.filter(entered_in_error_at__isnull=True)  # type: ignore[return-value]


# --- the methods ----------------------------------------------------------------------------------


def hire_rate(scope: Scope, params: dict[str, Any]) -> Counts:
    """Filled ÷ approved positions on the checkpoint, by strategy and funding and by line."""
    from safetynet.geo.models import County
    from safetynet.workforce.staffing import staffing_table

    table = staffing_table(County.objects.get(pk=scope.area), scope.period.plan_year, scope.on)
    breakdown = [
        {
            "strategy": group.strategy,
            "funding": group.funding,
            "approved": group.approved,
            "filled": group.filled,
            "value": fraction(group.filled, group.approved),
        }
        for group in table.groups()
    ]
    lines = [
        {
            "strategy": line.position.strategy,
            "unit": line.position.unit.name,
            "role": line.position.role.code,
            "role_name": line.position.role.name,
            "category": line.position.category,
            "funding": line.position.funding,
            "approved": line.approved,
            "filled": line.filled,
            "value": fraction(line.filled, line.approved),
        }
        for line in table.lines
    ]
    return Counts(table.filled, table.approved, breakdown + lines)


def open_cases_by_lead(area: str, on: datetime.date) -> dict[int, int]:
    """Open cases at the end of `on` per lead worker employed that day (CASELOAD's count, by worker)."""
    moment = _midnight(on + DAY)
    employed = Q(lead__hired_on__lte=on) & (Q(lead__left_on__isnull=True) | Q(lead__left_on__gte=on))
    return dict(
        Case.objects.open_at(moment)
        .filter(employed, area_id=area, lead__isnull=False)
        .values_list("lead_id")
        .annotate(n=Count("pk"))
        .values_list("lead_id", "n")
    )


def caseload(scope: Scope, params: dict[str, Any]) -> Counts:
    """Open cases led by workers employed on the day ÷ those workers, for each case-carrying role with
    a standard; the target is the standard weighted by the workers of each role."""
    roles = list(Role.objects.filter(caseload_standard__isnull=False).order_by("pk"))
    workers = dict(
        Staff.objects.filter(unit__county_id=scope.area, role__in=roles)
        .active_on(scope.on)
        .values_list("role_id")
        .annotate(n=Count("pk"))
        .values_list("role_id", "n")
    )
    by_lead = open_cases_by_lead(scope.area, scope.on)
    carried: dict[int, int] = defaultdict(int)
    for lead, role_id in Staff.objects.filter(pk__in=list(by_lead), role__in=roles).values_list(
        "pk", "role_id"
    ):
        carried[role_id] += by_lead[lead]
    breakdown: list[dict[str, Any]] = []
    staff_total = capacity = cases_total = 0
    for role in roles:
        staff, cases = workers.get(role.pk, 0), carried.get(role.pk, 0)
        if staff or cases:
            standard = role.caseload_standard or 0
            breakdown.append(
                {
                    "role": role.code,
                    "role_name": role.name,
                    "workers": staff,
                    "cases": cases,
                    "standard": standard,
                    "value": fraction(cases, staff),
                }
            )
            staff_total, capacity, cases_total = (
                staff_total + staff,
                capacity + staff * standard,
                cases_total + cases,
            )
    return Counts(cases_total, staff_total, breakdown, target=fraction(capacity, staff_total))


def screened_within(scope: Scope, params: dict[str, Any]) -> Counts:
    """Reports received in the period that were screened within `hours` of receipt."""
    within = datetime.timedelta(hours=params.get("hours", 24))
    counts = Report.objects.filter(
        area_id=scope.area, received_at__gte=scope.starts, received_at__lt=scope.ends
    ).aggregate(
        received=Count("pk"),
        screened=Count("pk", filter=Q(screening__decided_at__lte=F("received_at") + within)),
    )
    return Counts(counts["screened"], counts["received"])


def opened_rate(scope: Scope, params: dict[str, Any]) -> Counts:
    """Reports with a subject of `types`, screened (not history), whose `route` dispatch opened a case
    (a new one or a closed one reopened; a re-report joins a case already open) that was not found
    not to be one (未成案)."""
    subjects = ReportSubject.objects.filter(_types("types", params["types"]), report=OuterRef("pk"))
    opened = Dispatch.objects.filter(
        _types("subject__types", params["types"]),
        screening=OuterRef("screening"),
        route=params["route"],
        outcome__in=NEW_CASE,
        case__isnull=False,
    ).exclude(case__status=CaseStatus.NOT_OPENED)
    counts = (
        Report.objects.filter(
            area_id=scope.area,
            received_at__gte=scope.starts,
            received_at__lt=scope.ends,
            screening__legacy=False,
        )
        .filter(Exists(subjects))
        .aggregate(screened=Count("pk"), opened=Count("pk", filter=Exists(opened)))
    )
    return Counts(counts["opened"], counts["screened"])


def contacted_within(scope: Scope, params: dict[str, Any]) -> Counts:
    """Dispatches to `route` (of subjects with `types`, if given) made in the period whose case had a
    contact of `kinds` within `days` of the dispatch."""
    within = datetime.timedelta(days=params["days"])
    contacted = _live_contacts().filter(
        case=OuterRef("case"),
        kind__in=params["kinds"],
        occurred_at__gte=OuterRef("created_at"),
        occurred_at__lte=OuterRef("created_at") + within,
    )
    dispatches = Dispatch.objects.filter(
        screening__report__area_id=scope.area,
        route=params["route"],
        outcome__in=NEW_CASE,
        created_at__gte=scope.starts,
        created_at__lt=scope.ends,
    )
    if params.get("types"):
        dispatches = dispatches.filter(_types("subject__types", params["types"]))
    counts = dispatches.aggregate(due=Count("pk"), met=Count("pk", filter=Exists(contacted)))
    return Counts(counts["met"], counts["due"])


def followup_coverage(scope: Scope, params: dict[str, Any]) -> Counts:
    """Case-months of cases of `routes` open for a whole calendar month of the period, and how many
    of them had at least `visits` contacts of `kinds` in that month."""
    visits = params.get("visits", 1)
    due = done = 0
    breakdown = []
    for first, last in months(scope.period.start, scope.period.end):
        month_starts, month_ends = _midnight(first), _midnight(last + DAY)
        in_month = _live_contacts().filter(
            case=OuterRef("pk"),
            kind__in=params["kinds"],
            occurred_at__gte=month_starts,
            occurred_at__lt=month_ends,
        )
        cases = Case.objects.filter(
            _open_on(month_starts), area_id=scope.area, route__in=params["routes"]
        ).exclude(closed_at__lt=month_ends)
        if visits == 1:
            counts = cases.aggregate(due=Count("pk"), done=Count("pk", filter=Exists(in_month)))
        else:
            counts = {
                "due": cases.count(),
                "done": cases.annotate(
                    n=Count(
                        "contacts",
                        filter=Q(
                            contacts__entered_in_error_at__isnull=True,
                            contacts__kind__in=params["kinds"],
                            contacts__occurred_at__gte=month_starts,
                            contacts__occurred_at__lt=month_ends,
                        ),
                    )
                )
                .filter(n__gte=visits)
                .count(),
            }
        due += counts["due"]
        done += counts["done"]
        breakdown.append({"month": first, "due": counts["due"], "done": counts["done"]})
    return Counts(done, due, breakdown)


def integrated_coverage(scope: Scope, params: dict[str, Any]) -> Counts:
    """Respondents of domestic-violence reports received in the period who are on the psychiatric
    registry, or had a suicide report from a year before the period began to its end (rule 4's facts,
    read for the period rather than for each report), and how many of them have a case of `route`
    opened by the period's end."""
    on_registry = RegistryEntry.objects.filter(person=OuterRef("person")).filter(
        Q(registry=Registry.PSYCHIATRIC)
        | Q(
            registry=Registry.SUICIDE,
            event_date__gte=scope.period.start - datetime.timedelta(days=365),
            event_date__lte=scope.period.end,
        )
    )
    served = Case.objects.filter(
        person=OuterRef("person"), route=params["route"], opened_at__lt=scope.ends
    ).exclude(status=CaseStatus.NOT_OPENED)
    respondents = ReportSubject.objects.filter(
        _types("types", params["types"]),
        role=SubjectRole.RESPONDENT,
        report__area_id=scope.area,
        report__received_at__gte=scope.starts,
        report__received_at__lt=scope.ends,
    ).filter(Exists(on_registry))
    counts = respondents.aggregate(
        flagged=Count("person", distinct=True),
        served=Count("person", distinct=True, filter=Exists(served)),
    )
    return Counts(counts["served"], counts["flagged"])


def rereport_after_closure(scope: Scope, params: dict[str, Any]) -> Counts:
    """Cases closed in the period with a new report on the same person within `days` of closing."""
    window = datetime.timedelta(days=params.get("days", 183))
    again = ReportSubject.objects.filter(
        person=OuterRef("person"),
        report__received_at__gt=OuterRef("closed_at"),
        report__received_at__lte=OuterRef("closed_at") + window,
    )
    counts = Case.objects.filter(
        area_id=scope.area,
        status=CaseStatus.CLOSED,
        closed_at__gte=scope.starts,
        closed_at__lt=scope.ends,
    ).aggregate(closed=Count("pk"), again=Count("pk", filter=Exists(again)))
    return Counts(counts["again"], counts["closed"])


def referral_closed_loop(scope: Scope, params: dict[str, Any]) -> Counts:
    """Referrals sent in the period that were completed, or declined with the partner's reason."""
    counts = (
        Referral.objects.sent()
        .filter(area_id=scope.area, requested_at__gte=scope.starts, requested_at__lt=scope.ends)
        .aggregate(sent=Count("pk"), closed=Count("pk", filter=Q(status__in=CLOSED_LOOP)))
    )
    return Counts(counts["closed"], counts["sent"])


def dropout_return(scope: Scope, params: dict[str, Any]) -> Counts:
    """Students of the register who dropped out in the school year, and how many have returned."""
    from safetynet.indicators.models import DropoutRecord

    counts = DropoutRecord.objects.filter(area_id=scope.area, school_year=scope.period.plan_year).aggregate(
        dropped=Count("pk"), returned=Count("pk", filter=Q(returned_on__isnull=False))
    )
    return Counts(counts["returned"], counts["dropped"])


def supervision_sessions(scope: Scope, params: dict[str, Any]) -> Counts:
    """Supervision sessions held in the area's units in the period (內督 and 外督)."""
    by_kind = dict(
        SupervisionSession.objects.filter(
            unit__county_id=scope.area,
            held_on__gte=scope.period.start,
            held_on__lte=scope.period.end,
        )
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return Counts(
        sum(by_kind.values()), None, [{"kind": kind, "sessions": n} for kind, n in sorted(by_kind.items())]
    )


def training_rate(scope: Scope, params: dict[str, Any]) -> Counts:
    """Staff who completed the required courses ÷ staff required to take them (workforce.training)."""
    from safetynet.workforce.training import training_rate as counted

    completed, required = counted(scope.area, scope.period.start, scope.period.end)
    return Counts(completed, required)


Method = Callable[[Scope, dict[str, Any]], Counts]

METHODS: dict[str, Method] = {
    "hire_rate": hire_rate,
    "caseload": caseload,
    "screened_within": screened_within,
    "opened_rate": opened_rate,
    "contacted_within": contacted_within,
    "followup_coverage": followup_coverage,
    "integrated_coverage": integrated_coverage,
    "rereport_after_closure": rereport_after_closure,
    "referral_closed_loop": referral_closed_loop,
    "dropout_return": dropout_return,
    "supervision_sessions": supervision_sessions,
    "training_rate": training_rate,
}

# Methods whose counts come from a register a county may not keep: with no rows, a reported value
# stands in for them.
REGISTER_METHODS = {"dropout_return"}
