"""The supervisor's dispatch queue: cases of the unit waiting for a worker (待分派), the team's load beside
them, and why each case's worker is suggested (DOMAIN §4.10, `safetynet.domain.dispatch`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from safetynet.audit.services import record_listing
from safetynet.cases import services
from safetynet.cases.models import Case
from safetynet.core.access import cases_in_scope, get_case_for_work, kinds_required, require_kind
from safetynet.core.errors import DomainError
from safetynet.domain.casestatus import CaseStatus
from safetynet.domain.dispatch import Candidate, Standing, choose_worker, load_ratio, standing
from safetynet.org.models import AccessKind, Staff


@dataclass(frozen=True)
class Suggestion:
    """Why the queue suggests a worker for a waiting case, in figures the page puts into words."""

    worker: Staff | None  # the worker suggested when the case came in (★), if any
    standing: Standing | None  # where they stand now
    best: Staff | None  # the worker the rule picks now, when not the suggested one
    best_ratio: float | None
    town: Any  # the person's town of residence, when the unit serves it


def _suggestion(case: Case, pool: list[tuple[Staff, Candidate]], towns: set[str]) -> Suggestion:
    candidates = [c for _s, c in pool]
    staff = {s.pk: s for s, _c in pool}
    chosen = choose_worker(candidates, default_standard=services.DEFAULT_CASELOAD)
    here = (
        standing(case.suggested_lead_id, candidates, default_standard=services.DEFAULT_CASELOAD)
        if case.suggested_lead_id
        else None
    )
    best = chosen if chosen is not None and chosen.id != case.suggested_lead_id else None
    town = case.person.town if case.person.town_id in towns else None
    return Suggestion(
        worker=case.suggested_lead,
        standing=here,
        best=staff[best.id] if best else None,
        best_ratio=load_ratio(best.open_cases, best.standard, services.DEFAULT_CASELOAD) if best else None,
        town=town,
    )


@kinds_required(AccessKind.SUPERVISOR)
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """Cases of the supervisor's unit waiting for a worker (待分派), with the team's load beside them and,
    for each case, the suggested worker and why: their load against the team's, the town they serve."""
    staff = require_kind(request.user, (AccessKind.SUPERVISOR,))
    waiting = (
        cases_in_scope(staff)  # the unit's own: a case opened by break-glass is not theirs to assign
        .filter(status=CaseStatus.PENDING)
        .select_related("person__town", "suggested_lead")
        .order_by(F("priority").asc(nulls_last=True), "opened_at")  # 優先 1 first, unprioritised last
    )
    today = timezone.localdate()
    pool = services.candidates(staff.unit, (), today)
    team = [
        {
            "staff": s,
            "open": c.open_cases,
            "standard": c.standard,
            "ratio": load_ratio(c.open_cases, c.standard, services.DEFAULT_CASELOAD),
            "on_leave": c.on_leave,
            "full": c.full,
        }
        for s, c in pool
    ]
    towns = set(staff.unit.towns.values_list("code", flat=True))
    waiting_list = [(case, _suggestion(case, pool, towns)) for case in waiting]
    record_listing(request.user, "cases.case", [case.person_id for case, _why in waiting_list])
    return render(request, "cases/queue.html", {"waiting": waiting_list, "team": team})


@kinds_required(AccessKind.SUPERVISOR)
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_work(request.user, pk)
    worker = Staff.objects.filter(pk=request.POST.get("worker") or 0).select_related("role").first()
    if worker is None:
        messages.error(request, _("Choose a worker."))
        return redirect("cases:queue")
    try:
        services.assign_case(case, worker, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Assigned to %(name)s.") % {"name": worker.name})
    return redirect("cases:queue")
