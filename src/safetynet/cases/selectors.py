"""Read-only questions about a team: caseloads against the role's standard, overdue visits, closures
waiting for the supervisor, re-reports after closure and supervision sessions held.

Each function answers in a fixed number of queries, however many workers the unit has.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from safetynet.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseReport,
    Clock,
    Closure,
    FollowUpTask,
    SupervisionKind,
    SupervisionSession,
)
from safetynet.cases.services.common import FIRST_VISIT_CLOCKS
from safetynet.domain import rocdate
from safetynet.domain.casestatus import CaseStatus
from safetynet.org.models import AccessKind, Role, Staff, Unit

# Clocks that ask for a visit: the plan's visits and BSRS-5 re-tests, and the first visit after dispatch.
VISIT_CLOCKS = (FollowUpTask.VISIT.value, FollowUpTask.BSRS5.value, *FIRST_VISIT_CLOCKS)


def load_percent(open_cases: int, capacity: int | None) -> int | None:
    """Open cases against capacity as a whole percentage, rounded up so that any load above the
    standard reads above 100% (211 of 175 → 121%); None when the role has no standard."""
    if not capacity:
        return None
    return -(-open_cases * 100 // capacity)


class Load(models.TextChoices):
    """Open cases against the role's standard."""

    OVER = "over", _("over")
    AT = "at", _("at the standard")
    UNDER = "under", _("under the standard")

    @property
    def badge(self) -> str:
        """The colour the load reads in on the page."""
        return LOAD_BADGES[self]


LOAD_BADGES = {Load.OVER: "bad", Load.AT: "warn", Load.UNDER: "ok"}


def load_state(open_cases: int, capacity: int | None) -> Load | None:
    """Over, at or under the standard; None when there is no standard."""
    if not capacity:
        return None
    if open_cases > capacity:
        return Load.OVER
    return Load.AT if open_cases == capacity else Load.UNDER


@dataclass(frozen=True)
class WorkerLoad:
    staff: Staff
    open_cases: int
    overdue_visits: int
    on_leave: bool

    @property
    def standard(self) -> int | None:
        return self.staff.role.caseload_standard

    @property
    def percent(self) -> int | None:
        return load_percent(self.open_cases, self.standard)

    @property
    def state(self) -> Load | None:
        return load_state(self.open_cases, self.standard)

    @property
    def over(self) -> bool:
        return self.state == Load.OVER


@dataclass
class RoleLoad:
    """The workers of one role in the unit, and their load taken together."""

    role: Role
    workers: list[WorkerLoad] = field(default_factory=list)

    @property
    def open_cases(self) -> int:
        return sum(w.open_cases for w in self.workers)

    @property
    def overdue_visits(self) -> int:
        return sum(w.overdue_visits for w in self.workers)

    @property
    def capacity(self) -> int | None:
        standard = self.role.caseload_standard
        return len(self.workers) * standard if standard else None

    @property
    def percent(self) -> int | None:
        return load_percent(self.open_cases, self.capacity)

    @property
    def state(self) -> Load | None:
        return load_state(self.open_cases, self.capacity)

    @property
    def over(self) -> bool:
        return self.state == Load.OVER


def team_load(unit: Unit, day: datetime.date, now: datetime.datetime) -> list[RoleLoad]:
    """The unit's case workers employed on `day`, grouped by role: open cases they lead, overdue
    visits on those cases, leave. Three queries."""
    staff = list(
        Staff.objects.filter(unit=unit, role__kind=AccessKind.CASEWORKER)
        .active_on(day)
        .select_related("role")
        .annotate(open_cases=Count("cases", filter=Q(cases__status__in=OPEN_STATUSES), distinct=True))
        .order_by("role_id", "name", "pk")
    )
    ids = [s.pk for s in staff]
    away = set(Staff.objects.filter(pk__in=ids).on_leave(day).values_list("pk", flat=True))
    overdue = overdue_visits_by_worker(ids, now)
    roles: dict[int, RoleLoad] = {}
    for s in staff:
        group = roles.setdefault(s.role_id, RoleLoad(s.role))
        group.workers.append(WorkerLoad(s, s.open_cases, overdue[s.pk], s.pk in away))  # type: ignore[attr-defined]
    return list(roles.values())


def overdue_visits_by_worker(staff_ids: list[int], now: datetime.datetime) -> Counter[int]:
    """Running visit clocks past due on the open cases each worker leads (a closed case's clock left
    running asks for nothing)."""
    rows = (
        Clock.objects.running()
        .filter(
            name__in=VISIT_CLOCKS, due_at__lt=now, case__lead_id__in=staff_ids, case__status__in=OPEN_STATUSES
        )
        .values("case__lead_id")
        .annotate(n=Count("pk"))
    )
    return Counter({row["case__lead_id"]: row["n"] for row in rows})


def waiting_cases(unit: Unit) -> int:
    """Open cases of the unit without a lead worker (待分派)."""
    return Case.objects.filter(unit=unit, status=CaseStatus.PENDING).count()


def pending_closures(cases: QuerySet[Case]) -> QuerySet[Closure]:
    """Closure requests still waiting for the supervisor, on the given cases, oldest first."""
    return (
        Closure.objects.filter(case__in=cases, approved__isnull=True, case__status=CaseStatus.REVIEW)
        .select_related("case__person", "case__lead", "requested_by__staff")
        .order_by("requested_at", "pk")
    )


def rereports_after_closure(unit: Unit, since: datetime.datetime) -> int:
    """Reports since `since` that came in on a closed case of the unit (結案後再通報)."""
    return CaseReport.objects.filter(case__unit=unit, after_closure=True, attached_at__gte=since).count()


def closed_since(unit: Unit, since: datetime.datetime) -> int:
    return Case.objects.filter(unit=unit, status=CaseStatus.CLOSED, closed_at__gte=since).count()


@dataclass(frozen=True)
class YearCount:
    roc_year: int
    internal: int
    external: int


def supervision_counts(unit: Unit) -> list[YearCount]:
    """內督 and 外督 sessions of the unit per calendar year (ROC), the latest year first."""
    rows = (
        SupervisionSession.objects.filter(unit=unit)
        .annotate(year=ExtractYear("held_on"))
        .values("year", "kind")
        .annotate(n=Count("pk"))
    )
    years: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        years[row["year"]][row["kind"]] = row["n"]
    return [
        YearCount(
            rocdate.to_roc_year(datetime.date(year, 1, 1)),
            kinds.get(SupervisionKind.INTERNAL, 0),
            kinds.get(SupervisionKind.EXTERNAL, 0),
        )
        for year, kinds in sorted(years.items(), reverse=True)
    ]


def supervision_sessions(unit: Unit) -> QuerySet[SupervisionSession]:
    return (
        SupervisionSession.objects.filter(unit=unit)
        .annotate(attendee_count=Count("attendees", distinct=True))
        .prefetch_related("case_notes__case__person")
        .order_by("-held_on", "-pk")
    )
