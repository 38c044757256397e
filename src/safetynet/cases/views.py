"""The worker's side of dispatch: case pages, the supervisor's queue, and the clocks board."""

from __future__ import annotations

import datetime
from collections import Counter

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safetynet.cases import services
from safetynet.cases.models import Case, CaseStatus, Clock
from safetynet.core.access import (
    CASE_KINDS,
    cases_visible_to,
    clocks_visible_to,
    get_case_for,
    kinds_required,
    require_kind,
)
from safetynet.core.errors import DomainError
from safetynet.domain import rocdate
from safetynet.domain.clocks import ClockState, clock_state
from safetynet.domain.dispatch import load_ratio
from safetynet.intake.rules import current_rule_set
from safetynet.org.models import AccessKind, Staff

CLOCK_KINDS = (AccessKind.SCREENER, *CASE_KINDS)
STATE_LABEL = {
    ClockState.OVERDUE: gettext_lazy("Overdue"),
    ClockState.DUE: gettext_lazy("Due"),
    ClockState.MET_LATE: gettext_lazy("Met late"),
    ClockState.MET_ON_TIME: gettext_lazy("Met on time"),
}
STATE_BADGE = {
    ClockState.DUE: "ok",
    ClockState.OVERDUE: "bad",
    ClockState.MET_ON_TIME: "ok",
    ClockState.MET_LATE: "warn",
}


@kinds_required(*CASE_KINDS)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    now = timezone.now()
    links = case.reports.select_related("report").order_by("attached_at")
    clocks = [(c, c.state(now)) for c in case.clocks.order_by("due_at")]
    cocases = []
    if case.cocase_id:
        cocases = list(
            Case.objects.filter(cocase_id=case.cocase_id).exclude(pk=case.pk).select_related("unit", "lead")
        )
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "links": links,
            "clocks": clocks,
            "cocases": cocases,
            "badge": STATE_BADGE,
            "labels": STATE_LABEL,
            "routes": current_rule_set().codes.routes,
        },
    )


@kinds_required(AccessKind.SUPERVISOR)
def queue(request: HttpRequest) -> HttpResponse:
    """Cases of the supervisor's unit waiting for a worker (待分派), with the team's load beside them."""
    staff = require_kind(request.user, (AccessKind.SUPERVISOR,))
    waiting = (
        cases_visible_to(request.user)
        .filter(status=CaseStatus.PENDING)
        .select_related("person", "suggested_lead")
        .order_by("priority", "opened_at")
    )
    today = timezone.localdate()
    team = [
        {
            "staff": s,
            "open": c.open_cases,
            "standard": c.standard,
            "ratio": load_ratio(c.open_cases, c.standard, services.DEFAULT_CASELOAD),
            "on_leave": c.on_leave,
            "full": c.full,
        }
        for s, c in services.candidates(staff.unit, (), today)
    ]
    return render(request, "cases/queue.html", {"waiting": waiting, "team": team})


@kinds_required(AccessKind.SUPERVISOR)
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
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


@kinds_required(*CLOCK_KINDS)
def clock_board(request: HttpRequest) -> HttpResponse:
    """The unit's clocks: due, overdue, met on time, met late (DOMAIN §5), the most urgent first."""
    now = timezone.now()
    wanted = request.GET.get("state", "")
    clocks = clocks_visible_to(request.user).filter(due_at__gte=now - datetime.timedelta(days=365))
    # Every clock's state from two columns, so the counts are whole; then the rows shown, loaded once.
    states = [
        (pk, due, clock_state(due, met, now)) for pk, due, met in clocks.values_list("pk", "due_at", "met_at")
    ]
    counts = Counter(state for _pk, _due, state in states)
    order = {ClockState.OVERDUE: 0, ClockState.DUE: 1, ClockState.MET_LATE: 2, ClockState.MET_ON_TIME: 3}
    chosen = sorted((order[st], due, pk) for pk, due, st in states if not wanted or st == wanted)[:300]
    loaded = Clock.objects.select_related("case__person", "case__lead", "report").in_bulk(
        [pk for *_, pk in chosen]
    )
    shown = [(loaded[pk], loaded[pk].state(now)) for *_, pk in chosen]
    return render(
        request,
        "cases/clocks.html",
        {
            "rows": shown,
            "counts": [(s.value, STATE_LABEL[s], counts[s]) for s in order],
            "labels": STATE_LABEL,
            "wanted": wanted,
            "now": now,
            "badge": STATE_BADGE,
        },
    )


@kinds_required(*CASE_KINDS)
@require_POST
def clock_met(request: HttpRequest, pk: int) -> HttpResponse:
    clock = get_object_or_404(clocks_visible_to(request.user).filter(case__isnull=False), pk=pk)
    try:
        day = rocdate.parse(request.POST.get("met_on", ""))
        at = timezone.make_aware(datetime.datetime.combine(day, _time(request.POST.get("met_time", ""))))
        services.meet_clock(clock, at=at, by=request.user)
    except ValueError as error:
        messages.error(request, _("Completion date: %(error)s") % {"error": error})
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Recorded: %(label)s") % {"label": clock.label})
    assert clock.case_id is not None  # noqa: S101
    return redirect("cases:detail", pk=clock.case_id)


def _time(text: str) -> datetime.time:
    text = text.strip()
    if not text:
        return timezone.localtime().time().replace(second=0, microsecond=0)
    try:
        return datetime.time.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(_("time like 14:30")) from exc
