"""Dispatch into cases: opening, choosing the worker, re-reports, and the clocks that run on them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from safetynet.cases.models import OPEN_STATUSES, Case, CaseReport, Clock, CoCase, StatusChange
from safetynet.cases.services.common import (
    HIGH_RISK_LIST,
    QUEUE_KINDS,
    case_url,
    list_high_risk,
    lock,
    move,
    replan,
    supervisors_of,
)
from safetynet.core.errors import DomainError
from safetynet.core.services import notify, resolve_notifications
from safetynet.domain.casestatus import CaseStatus
from safetynet.domain.dispatch import Candidate, choose_worker
from safetynet.domain.referral import RESPONSE_CLOCK
from safetynet.org.models import AccessKind, DispatchMode, Staff, Unit

DEFAULT_CASELOAD = 25  # for roles without a standard, when ranking load


@dataclass(frozen=True)
class ClockSpec:
    name: str
    label: str
    due: datetime.datetime


def candidates(unit: Unit, roles: Iterable[str], day: datetime.date) -> list[tuple[Staff, Candidate]]:
    """The unit's workers who may take the route's cases on `day`, with their open caseload."""
    staff = Staff.objects.filter(unit=unit, role__kind=AccessKind.CASEWORKER).active_on(day)
    wanted = list(roles)
    if wanted:
        staff = staff.filter(role__code__in=wanted)
    away = set(Staff.objects.filter(unit=unit).on_leave(day).values_list("pk", flat=True))
    rows = staff.select_related("role", "user").annotate(
        open_cases=Count("cases", filter=Q(cases__status__in=OPEN_STATUSES))
    )
    return [
        (s, Candidate(s.pk, s.open_cases, s.role.caseload_standard, on_leave=s.pk in away))  # type: ignore[attr-defined]
        for s in rows.order_by("pk")
    ]


def pick_worker(pool: list[tuple[Staff, Candidate]]) -> Staff | None:
    """The worker the rule picks from a pool of `candidates`: the lowest load ratio among those not
    away and not full (`domain.dispatch.choose_worker`); None when there is none."""
    chosen = choose_worker((c for _, c in pool), default_standard=DEFAULT_CASELOAD)
    return next((s for s, c in pool if chosen is not None and c.id == chosen.id), None)


def _assign(case: Case, worker: Staff, at: datetime.datetime, by: Any = None) -> None:
    case.lead = worker
    case.assigned_at = at
    case.save(update_fields=["lead", "assigned_at"])
    move(case, CaseStatus.ASSESSING, by=by, at=at, reason=f"派案給 {worker.name}")
    replan(case, at)
    # Whoever was asked to find this case a worker need not any more.
    resolve_notifications(case, kinds=QUEUE_KINDS, at=at)
    notify(
        [worker.user],
        kind="dispatch",
        template=N_("New dispatch: %(name)s (%(route)s)"),
        params={"name": case.person.name, "route": case.route},
        url=case_url(case),
        at=at,
    )


@transaction.atomic
def open_case(
    *,
    route: str,
    person: Any,
    unit: Unit,
    report: Any,
    roles: Iterable[str],
    priority: int | None = None,
    grade: str = "",
    classification: str = "",
    lists: Iterable[str] = (),
    clocks: Iterable[ClockSpec] = (),
    at: datetime.datetime | None = None,
) -> Case:
    """Open a case for a dispatched route and pick its worker (DOMAIN §4.10).

    In a unit that dispatches fast, the worker with the lowest load ratio gets the case at once; in a unit
    whose supervisor confirms, or when every worker is full or away, it waits in the supervisor's queue
    (待分派) with the suggested worker, and the supervisors are alerted.
    """
    at = at or timezone.now()
    lists = list(lists)
    case = Case.objects.create(
        route=route,
        person=person,
        area_id=report.area_id,
        unit=unit,
        priority=priority,
        grade=grade or "",
        classification=classification or "",
        lists=list(lists),
        high_risk=HIGH_RISK_LIST in lists,
        high_risk_since=at if HIGH_RISK_LIST in lists else None,
        opened_at=at,
    )
    StatusChange.objects.create(case=case, to_status=case.status, at=at, reason="篩派開案")
    CaseReport.objects.create(case=case, report=report, attached_at=at)
    Clock.objects.bulk_create(
        Clock(name=c.name, label=c.label, case=case, unit=unit, starts_at=at, due_at=c.due) for c in clocks
    )
    worker = pick_worker(candidates(unit, roles, timezone.localdate(at)))
    if worker is not None and unit.dispatch_mode == DispatchMode.AUTO:
        _assign(case, worker, at)
    else:
        case.suggested_lead = worker
        case.save(update_fields=["suggested_lead"])
        if worker is not None:
            template = N_(
                "Waiting for a worker: %(name)s (%(route)s): the unit's supervisor confirms each dispatch."
            )
        else:
            template = N_(
                "Waiting for a worker: %(name)s (%(route)s): every worker is on leave or at the caseload"
                " standard; please assign."
            )
        notify(
            supervisors_of(unit),
            kind="queue" if worker is not None else "overload",
            template=template,
            params={"name": person.name, "route": route},
            url=reverse("cases:queue"),
            subject=case,
            at=at,
        )
    _join_cocase(case)
    return case


def _join_cocase(case: Case) -> None:
    """Two routes on one person make a co-case (共案); the earliest open case leads it."""
    others = list(
        Case.objects.open().filter(person=case.person).exclude(pk=case.pk).order_by("opened_at", "pk")
    )
    if not others or all(o.route == case.route for o in others):
        return
    cocase = next((o.cocase for o in others if o.cocase is not None), None)
    if cocase is None:
        cocase = CoCase.objects.create(person=case.person, lead=others[0])
    members = [case, *others]
    Case.objects.filter(pk__in=[m.pk for m in members]).update(cocase=cocase)
    case.cocase = cocase
    leads = [m.lead.user for m in members if m.lead is not None and m.lead.user is not None]
    notify(
        leads,
        kind="cocase",
        template=N_("Co-case: %(name)s is served by several units"),
        params={"name": case.person.name},
        url=case_url(case),
        at=case.opened_at,
    )


@transaction.atomic
def attach_report(
    case: Case, report: Any, *, lists: Iterable[str] = (), at: datetime.datetime | None = None
) -> CaseReport:
    """A re-report (續報) of an open case: no new case; the lead worker is told. A re-report that lists the
    case (TIPVDA ≥ 8 → 高危機網絡會議) lists it from now."""
    at = at or timezone.now()
    link, created = CaseReport.objects.get_or_create(
        case=case, report=report, defaults={"re_report": True, "attached_at": at}
    )
    if HIGH_RISK_LIST in lists and not case.high_risk:
        list_high_risk(
            lock(case),
            since=at,
            why=N_("A re-report with TIPVDA high danger lists %(name)s for the high-risk network meeting"),
            at=at,
        )
    if created and case.lead is not None:
        notify(
            [case.lead.user],
            kind="re_report",
            template=N_("Re-report: %(name)s"),
            params={"name": case.person.name},
            url=case_url(case),
            at=at,
        )
    return link


@transaction.atomic
def assign_case(case: Case, worker: Staff, *, by: Any, at: datetime.datetime | None = None) -> Case:
    """The supervisor assigns a waiting case (待分派) to a worker of the case's unit (at `at`, default now)."""
    at = at or timezone.now()
    locked = lock(case)
    if locked.status != CaseStatus.PENDING:
        raise DomainError(gettext("This case has already been assigned."), field="worker")
    if worker.unit_id != locked.unit_id or worker.role.kind != AccessKind.CASEWORKER:
        raise DomainError(gettext("Assign the case to a caseworker of its unit."), field="worker")
    if not worker.is_active(timezone.localdate(at)):
        raise DomainError(gettext("This worker has left."), field="worker")
    _assign(locked, worker, at, by)
    return locked


@transaction.atomic
def meet_clock(clock: Clock, *, at: datetime.datetime, by: Any) -> Clock:
    """Record when what the clock asked for was done (a first visit, an assessment report)."""
    locked = Clock.objects.select_for_update().get(pk=clock.pk)
    if locked.met_at is not None or locked.cancelled_at is not None:
        raise DomainError(gettext("This clock has already been met or cancelled."), field="met_at")
    if locked.name == RESPONSE_CLOCK:
        raise DomainError(
            gettext("A referral's answer clock is met when the partner answers."), field="met_at"
        )
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise DomainError(gettext("The time it was met cannot be in the future."), field="met_at")
    if at < locked.starts_at:
        raise DomainError(gettext("The time it was met is before the clock started."), field="met_at")
    locked.met_at, locked.met_by = at, by
    locked.save(update_fields=["met_at", "met_by"])
    resolve_notifications(locked, kinds=("overdue",))
    if locked.case is not None:
        replan(locked.case, at)
    return locked


@transaction.atomic
def mark_overdue(now: datetime.datetime | None = None) -> int:
    """Mark clocks that passed their due time unmet, and tell the worker and the supervisors, once."""
    now = now or timezone.now()
    # A closed case's clock left running (before closing cancelled them) is nobody's to chase.
    late = list(
        Clock.objects.select_for_update(of=("self",))
        .running()
        .filter(overdue_at__isnull=True, due_at__lt=now)
        .filter(Q(case__isnull=True) | Q(case__status__in=OPEN_STATUSES))
        .select_related("case__lead__user", "case__lead__supervisor__user", "case__person", "case__unit")
    )
    supervisors: dict[int, list[Any]] = {}  # per unit, read once
    params: dict[str, Any]
    desks: dict[int, list[Any]] = {}
    for clock in late:
        clock.overdue_at = now
        case = clock.case
        if case is not None:
            if case.unit_id not in supervisors:
                supervisors[case.unit_id] = supervisors_of(case.unit)
            lead = case.lead
            users = [
                lead.user if lead else None,
                lead.supervisor.user if lead and lead.supervisor else None,
                *supervisors[case.unit_id],
            ]
            template, params = N_("Overdue: %(clock)s (%(name)s)"), {"name": case.person.name}
            url = case_url(case)
        elif clock.unit_id is not None:
            if clock.unit_id not in desks:
                staff = Staff.objects.filter(unit_id=clock.unit_id, user__isnull=False).select_related("user")
                desks[clock.unit_id] = [s.user for s in staff]
            users = desks[clock.unit_id]
            template, params = N_("Overdue: %(clock)s (report %(report)s)"), {"report": clock.report_id}
            url = reverse("intake:report", args=[clock.report_id])
        else:
            continue
        notify(
            users,
            kind="overdue",
            template=template,
            params={"clock": clock.label, **params},
            url=url,
            subject=clock,
        )
    Clock.objects.bulk_update(late, ["overdue_at"])
    return len(late)
