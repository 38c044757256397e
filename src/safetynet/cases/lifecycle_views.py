"""The case's course on its page: status moves, the service plan, co-workers, closure, transfer, reopening.

Who may do what (the services check the rules; these views check the people):
- status moves, the plan, co-workers, reopening and asking for a transfer: the case's workers (lead and
  co-workers) and the supervisors of its unit;
- asking to close: the case's workers; deciding a closure: a supervisor of the case's unit;
- answering a transfer: a supervisor of the receiving unit, who cannot see the case yet, so the transfer
  itself is fetched and checked (`_incoming`).
Anyone else who can see the case (a co-case worker of another unit) reads the panel without its forms,
and gets 404 from the POSTs, as for a case they cannot see.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetynet.cases import services
from safetynet.cases.lifecycle_forms import (
    ClosureDecisionForm,
    ClosureRequestForm,
    CoWorkersForm,
    PlanForm,
    ReopenForm,
    StatusForm,
    TransferDecisionForm,
    TransferRequestForm,
)
from safetynet.cases.models import Case, CaseStatus, Clock, Closure, Transfer
from safetynet.cases.services.lifecycle import WORKER_MOVES
from safetynet.core.access import (
    CASE_KINDS,
    cases_visible_to,
    get_case_for,
    kinds_required,
    require_kind,
    staff_of,
)
from safetynet.core.errors import DomainError
from safetynet.core.forms import apply_domain_error
from safetynet.domain.casestatus import TRANSITIONS
from safetynet.domain.casestatus import CaseStatus as Lifecycle
from safetynet.intake.rules import current_rule_set
from safetynet.org.models import AccessKind

SUPERVISOR = (AccessKind.SUPERVISOR,)
# Statuses from which the worker may ask to close (the table's moves into 督導審核中).
CLOSABLE = frozenset(s.value for s, targets in TRANSITIONS.items() if Lifecycle.REVIEW in targets)
REOPENABLE = frozenset({CaseStatus.CLOSED, CaseStatus.NOT_OPENED})


def _roles(user: Any, case: Case) -> tuple[bool, bool]:
    """(is one of the case's workers, is a supervisor of the case's unit), for a staff member in post."""
    staff = staff_of(user)
    if staff is None or not staff.is_active(timezone.localdate()):
        return False, False
    worker = staff.role.kind == AccessKind.CASEWORKER and (
        staff.pk == case.lead_id or case.co_workers.filter(pk=staff.pk).exists()
    )
    supervisor = staff.role.kind == AccessKind.SUPERVISOR and staff.unit_id == case.unit_id
    return worker, supervisor


def _case_for_action(user: Any, pk: int, *, supervisor_may: bool = True) -> Case:
    """The case, if the user may act on it: 404 for a case they cannot see or only read."""
    case = get_case_for(user, pk)
    worker, supervisor = _roles(user, case)
    if not (worker or (supervisor and supervisor_may)):
        raise Http404
    return case


def incoming_transfers(user: Any) -> QuerySet[Transfer]:
    """Transfers waiting for the user's unit to answer (none unless the user supervises a unit)."""
    staff = staff_of(user)
    if staff is None or staff.role.kind != AccessKind.SUPERVISOR or staff.left_on is not None:
        return Transfer.objects.none()
    return (
        Transfer.objects.filter(to_unit_id=staff.unit_id, accepted__isnull=True)
        .select_related("case__person", "from_unit")
        .order_by("requested_at", "pk")
    )


def panel_context(user: Any, case: Case) -> dict[str, Any]:
    """What `cases/_lifecycle.html` needs, for the case page (under one key, `lifecycle`)."""
    worker, supervisor = _roles(user, case)
    may_act = worker or supervisor
    closures = list(case.closures.select_related("requested_by__staff", "decided_by__staff"))
    transfers = list(case.transfers.select_related("from_unit", "to_unit", "requested_by", "decided_by"))
    pending_closure = next((c for c in closures if c.approved is None), None)
    pending_transfer = next((t for t in transfers if t.accepted is None), None)
    moves = (
        [CaseStatus(s.value) for s in sorted(TRANSITIONS[Lifecycle(case.status)]) if s.value in WORKER_MOVES]
        if may_act
        else []
    )
    running = Clock.objects.running().filter(case=case).count() if worker and case.status in CLOSABLE else 0
    return {
        "lifecycle": {
            "history": case.status_changes.select_related("by__staff").order_by("-at", "-id"),
            "moves": moves,
            "worker": worker,
            "supervisor": supervisor,
            "plan_form": PlanForm.for_case(case) if may_act else None,
            "co_workers": case.co_workers.order_by("name"),
            "co_workers_form": (
                CoWorkersForm(
                    case=case,
                    initial={"version": case.version, "co_workers": list(case.co_workers.all())},
                )
                if may_act and case.is_open
                else None
            ),
            "closure_form": (
                ClosureRequestForm(initial={"version": case.version}, prefix="close")
                if worker and case.status in CLOSABLE
                else None
            ),
            "running_clocks": running,
            "pending_closure": pending_closure,
            "decision_form": (
                ClosureDecisionForm(prefix="decide")
                if supervisor and pending_closure is not None and case.status == CaseStatus.REVIEW
                else None
            ),
            "closures": closures,
            "reopen_form": ReopenForm(prefix="reopen") if may_act and case.status in REOPENABLE else None,
            "transfers": transfers,
            "pending_transfer": pending_transfer,
            "transfer_form": (
                TransferRequestForm(case=case)
                if may_act and case.is_open and case.status != CaseStatus.REVIEW and pending_transfer is None
                else None
            ),
        }
    }


def _form_page(
    request: HttpRequest, case: Case, form: forms.Form, *, title: str, action: str, status: int = 200
) -> HttpResponse:
    """One form of the panel again, with its errors on the fields, on a page of its own."""
    return render(
        request,
        "cases/lifecycle_form.html",
        {"case": case, "form": form, "title": title, "action": action},
        status=status,
    )


def _with_version(data: QueryDict, prefix: str, version: int) -> QueryDict:
    """The user's input again, now naming the version they have just been shown."""
    fresh = data.copy()
    fresh[f"{prefix}-version"] = str(version)
    return fresh


@kinds_required(*CASE_KINDS)
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_action(request.user, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            case = services.change_status(
                case, form.cleaned_data["status"], by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request, _("Status changed to %(status)s.") % {"status": case.get_status_display()}
            )
            return redirect("cases:detail", pk=case.pk)
    return _form_page(
        request, case, form, title=_("Change status"), action=reverse("cases:status", args=[case.pk])
    )


@kinds_required(*CASE_KINDS)
@require_POST
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the service plan; if someone saved since the form was read, show both versions to merge."""
    case = _case_for_action(request.user, pk)
    form = PlanForm(request.POST, prefix="plan")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_plan(
                case,
                version=data["version"],
                goals=data["plan_goals"],
                tasks=data["plan_tasks"],
                review_on=data["plan_review_on"],
                by=request.user,
            )
        except services.EditConflict as conflict:
            theirs = conflict.case
            merge = PlanForm(_with_version(request.POST, "plan", theirs.version), prefix="plan")
            return render(
                request,
                "cases/lifecycle_conflict.html",
                {"case": theirs, "theirs": theirs, "form": merge, "message": conflict.message},
                status=409,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Service plan saved."))
            return redirect("cases:detail", pk=case.pk)
    return _form_page(
        request, case, form, title=_("Service plan"), action=reverse("cases:plan", args=[case.pk])
    )


@kinds_required(*CASE_KINDS)
@require_POST
def co_workers(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_action(request.user, pk)
    form = CoWorkersForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.set_co_workers(
                case, form.cleaned_data["co_workers"], version=form.cleaned_data["version"], by=request.user
            )
        except services.EditConflict as conflict:
            # The choice stays as made, against the version just read; the page says what changed.
            form = CoWorkersForm(_with_version(request.POST, "cw", conflict.case.version), case=conflict.case)
            form.is_valid()
            form.add_error(None, conflict.message)
            case = conflict.case
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Co-workers saved."))
            return redirect("cases:detail", pk=case.pk)
    return _form_page(
        request, case, form, title=_("Co-workers"), action=reverse("cases:co_workers", args=[case.pk])
    )


@kinds_required(*CASE_KINDS)
@require_POST
def closure_request(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_action(request.user, pk, supervisor_may=False)
    form = ClosureRequestForm(request.POST, prefix="close")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.request_closure(
                case,
                reason=data["reason"],
                checklist=data["checklist"],
                summary=data["summary"],
                open_clocks_reason=data["open_clocks_reason"],
                version=data["version"],
                by=request.user,
            )
        except services.EditConflict as conflict:
            form = ClosureRequestForm(
                _with_version(request.POST, "close", conflict.case.version), prefix="close"
            )
            form.is_valid()
            form.add_error(None, conflict.message)
            case = conflict.case
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Closure sent to the supervisor for approval."))
            return redirect("cases:detail", pk=case.pk)
    return _form_page(
        request,
        case,
        form,
        title=_("Ask to close the case"),
        action=reverse("cases:closure_request", args=[case.pk]),
    )


@kinds_required(*SUPERVISOR)
@require_POST
def closure_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or return a closure, from the case page or from the team page (`next=team`), which gets
    its answer back as a message on the team page."""
    closure = get_object_or_404(Closure.objects.filter(case__in=cases_visible_to(request.user)), pk=pk)
    case = get_case_for(request.user, closure.case_id)
    form = ClosureDecisionForm(request.POST, prefix="decide")
    from_team = request.POST.get("next") == "team"
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.decide_closure(
                closure, approve=approve, by=request.user, note=form.cleaned_data["decision_note"]
            )
        except DomainError as error:
            if from_team:
                messages.error(request, f"{case.person.name}：{error.message}")
                return redirect("cases:team")
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Closure approved: %(name)s.") % {"name": case.person.name}
                if approve
                else _("Closure returned: %(name)s.") % {"name": case.person.name},
            )
            return redirect("cases:team") if from_team else redirect("cases:detail", pk=case.pk)
    elif from_team:
        messages.error(request, _("Choose to approve or to return the closure."))
        return redirect("cases:team")
    return _form_page(
        request,
        case,
        form,
        title=_("Decide the closure"),
        action=reverse("cases:closure_decide", args=[closure.pk]),
    )


@kinds_required(*CASE_KINDS)
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_action(request.user, pk)
    form = ReopenForm(request.POST, prefix="reopen")
    if form.is_valid():
        try:
            case = services.reopen_case(case, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Case reopened: %(status)s.") % {"status": case.get_status_display()})
            return redirect("cases:detail", pk=case.pk)
    return _form_page(
        request, case, form, title=_("Reopen the case"), action=reverse("cases:reopen", args=[case.pk])
    )


@kinds_required(*CASE_KINDS)
@require_POST
def transfer_request(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_action(request.user, pk)
    form = TransferRequestForm(request.POST, case=case)
    if form.is_valid():
        try:
            transfer = services.request_transfer(
                case,
                to_unit=form.cleaned_data["to_unit"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Transfer requested: waiting for %(unit)s to accept.") % {"unit": transfer.to_unit.name},
            )
            return redirect("cases:detail", pk=case.pk)
    return _form_page(
        request,
        case,
        form,
        title=_("Transfer the case"),
        action=reverse("cases:transfer_request", args=[case.pk]),
    )


def _incoming(user: Any, pk: int) -> Transfer:
    """A transfer addressed to the user's unit, for its supervisor; 404 for anyone else."""
    staff = require_kind(user, SUPERVISOR)
    return get_object_or_404(
        Transfer.objects.filter(to_unit_id=staff.unit_id).select_related(
            "case__person", "from_unit__county", "to_unit", "requested_by", "decided_by"
        ),
        pk=pk,
    )


def _transfer_page(
    request: HttpRequest, transfer: Transfer, form: TransferDecisionForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "cases/lifecycle_transfer.html",
        {"transfer": transfer, "form": form, "routes": current_rule_set().codes.routes},
        status=status,
    )


@kinds_required(*SUPERVISOR)
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """A transfer to the supervisor's unit: who, from where and why, with the accept or decline form."""
    found = _incoming(request.user, pk)
    return _transfer_page(request, found, TransferDecisionForm(unit_id=found.to_unit_id))


@kinds_required(*SUPERVISOR)
@require_POST
def transfer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    found = _incoming(request.user, pk)
    form = TransferDecisionForm(request.POST, unit_id=found.to_unit_id)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.decide_transfer(
                found,
                accept=accept,
                by=request.user,
                worker=form.cleaned_data["worker"],
                note=form.cleaned_data["decision_note"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            if accept:
                messages.success(request, _("Transfer accepted: the case is now your unit's."))
                return redirect("cases:detail", pk=found.case_id)
            messages.success(request, _("Transfer declined."))
            return redirect("cases:transfer", pk=found.pk)
    return _transfer_page(request, found, form)
