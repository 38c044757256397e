"""The case's course on its page: status moves, the service plan, co-workers, closure, transfer, reopening.

Who may do what (the services check the rules; these views check the people):
- status moves, the plan, co-workers, reopening and asking for a transfer: the case's workers (lead and
  co-workers) and the supervisors of its unit;
- asking to close: the case's workers; deciding a closure: a supervisor of the case's unit;
- answering a transfer: a supervisor of the receiving unit, who cannot see the case yet, so the transfer
  itself is fetched and checked (`_incoming`).
Anyone else who can see the case (a co-case worker of another unit) reads the panel without its forms,
and gets 404 from the POSTs, as for a case they cannot see.

Decisions that cannot be taken back here (approving a closure, 未成案, reopening, a transfer and its
answer) are buttons of their own that ask first (`data-confirm`); none is the button Enter presses in a
one-line field. A refused form comes back with everything typed and every problem listed at the top.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from safetynet.audit.services import record_read
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
from safetynet.cases.models import CASE_STATUS_LABELS, Case, Clock, Closure, Transfer
from safetynet.cases.services.lifecycle import WORKER_MOVES
from safetynet.core.access import (
    CASE_KINDS,
    cases_visible_to,
    get_case_for_work,
    kinds_required,
    require_kind,
    staff_of,
)
from safetynet.core.errors import DomainError
from safetynet.core.forms import apply_domain_error
from safetynet.domain.casestatus import TRANSITIONS, CaseStatus
from safetynet.org.models import AccessKind

SUPERVISOR = (AccessKind.SUPERVISOR,)
# Statuses from which the worker may ask to close (the table's moves into 督導審核中).
CLOSABLE = frozenset(s for s, targets in TRANSITIONS.items() if CaseStatus.REVIEW in targets)
REOPENABLE = frozenset({CaseStatus.CLOSED, CaseStatus.NOT_OPENED})


def confirmations() -> dict[str, str]:
    """What the final decisions ask before they are sent, in the language of the page."""
    return {
        "not_opened": _("Record the case as not opened? Its clocks stop and it leaves the worker's cases."),
        "reopen": _("Reopen the case? It goes back to assessing, its visit plan counted from today."),
        "transfer": _("Ask this unit to take the case? It moves there once their supervisor accepts."),
    }


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
    case = get_case_for_work(user, pk)
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
    closures = list(
        case.closures.select_related("requested_by__staff", "decided_by__staff").order_by(
            "requested_at", "pk"
        )
    )
    transfers = list(case.transfers.select_related("from_unit", "to_unit", "requested_by", "decided_by"))
    pending_closure = next((c for c in closures if c.approved is None), None)
    # The supervisor's note on the last request stays in sight until the worker asks again.
    returned_closure = (
        closures[-1]
        if closures and closures[-1].approved is False and case.is_open and pending_closure is None
        else None
    )
    pending_transfer = next((t for t in transfers if t.accepted is None), None)
    moves = (
        [
            (s, CASE_STATUS_LABELS[s])
            for s in sorted(TRANSITIONS[CaseStatus(case.status)])
            if s in WORKER_MOVES
        ]
        if may_act and case.status != CaseStatus.REVIEW
        else []
    )
    running = Clock.objects.running().filter(case=case).count() if worker and case.status in CLOSABLE else 0
    return {
        "lifecycle": {
            "confirm": confirmations(),
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
                ClosureRequestForm.again(returned_closure, case.version)
                if worker and case.status in CLOSABLE
                else None
            ),
            "running_clocks": running,
            "pending_closure": pending_closure,
            "returned_closure": returned_closure,
            "decision_form": (
                ClosureDecisionForm(closure=pending_closure)
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
    request: HttpRequest,
    case: Case,
    form: forms.Form,
    *,
    title: str,
    action: str,
    submit: str,
    confirm: str = "",
    enter_moves: bool = False,
) -> HttpResponse:
    """One form of the panel again, on a page of its own: what was typed, every problem at the top and
    on its field; the button says what it does, and asks first (`confirm`) when that is final."""
    return render(
        request,
        "cases/lifecycle_form.html",
        {
            "case": case,
            "form": form,
            "title": title,
            "action": action,
            "submit": submit,
            "confirm": confirm,
            "enter_moves": enter_moves,
        },
    )


def _with_version(data: QueryDict, prefix: str, version: int) -> QueryDict:
    """The user's input again, now naming the version they have just been shown."""
    fresh = data.copy()
    fresh[f"{prefix}-version"] = str(version)
    return fresh


Conflict = Callable[[services.EditConflict], HttpResponse | forms.Form]


def _act(
    request: HttpRequest,
    case: Case,
    form: forms.Form,
    save: Callable[[dict[str, Any]], str],
    *,
    title: str,
    url_name: str,
    submit: str,
    confirm: str = "",
    enter_moves: bool = False,
    conflict: Conflict | None = None,
) -> HttpResponse:
    """One of the panel's forms sent: `save` acts on the valid form's data and says what it did, and the
    case page follows; a refused form comes back on its own page (`_form_page`). Where someone saved the
    case since the form was read, `conflict` answers: a page, or the form again against the version just
    read, the user's choice kept, with the conflict said at its top."""
    if form.is_valid():
        try:
            message = save(form.cleaned_data)
        except services.EditConflict as error:
            if conflict is None:
                raise
            answer = conflict(error)
            if isinstance(answer, HttpResponse):
                return answer
            form, case = answer, error.case
            form.is_valid()
            form.add_error(None, error.message)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, message)
            return redirect("cases:detail", pk=case.pk)
    return _form_page(
        request,
        case,
        form,
        title=title,
        action=reverse(url_name, args=[case.pk]),
        submit=submit,
        confirm=confirm,
        enter_moves=enter_moves,
    )


@kinds_required(*CASE_KINDS)
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_action(request.user, pk)
    form = StatusForm(request.POST)
    not_opened = form.data.get("status") == CaseStatus.NOT_OPENED

    def save(data: dict[str, Any]) -> str:
        moved = services.change_status(case, data["status"], by=request.user, reason=data["reason"])
        return _("Status changed to %(status)s.") % {"status": moved.get_status_display()}

    return _act(
        request,
        case,
        form,
        save,
        title=_("Change status"),
        url_name="cases:status",
        submit=_("Record as not opened") if not_opened else _("Change status"),
        confirm=confirmations()["not_opened"] if not_opened else "",
    )


@kinds_required(*CASE_KINDS)
@require_POST
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the service plan; if someone saved since the form was read, show both versions to merge."""
    case = _case_for_action(request.user, pk)

    def save(data: dict[str, Any]) -> str:
        services.update_plan(
            case,
            version=data["version"],
            goals=data["plan_goals"],
            tasks=data["plan_tasks"],
            review_on=data["plan_review_on"],
            by=request.user,
        )
        return _("Service plan saved.")

    def merge(conflict: services.EditConflict) -> HttpResponse:
        theirs = conflict.case
        merged = PlanForm(_with_version(request.POST, "plan", theirs.version), prefix="plan")
        return render(
            request,
            "cases/lifecycle_conflict.html",
            {"case": theirs, "theirs": theirs, "form": merged, "message": conflict.message},
            status=409,
        )

    return _act(
        request,
        case,
        PlanForm(request.POST, prefix="plan"),
        save,
        title=_("Service plan"),
        url_name="cases:plan",
        submit=_("Save plan"),
        conflict=merge,
    )


@kinds_required(*CASE_KINDS)
@require_POST
def co_workers(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_action(request.user, pk)

    def save(data: dict[str, Any]) -> str:
        services.set_co_workers(case, data["co_workers"], version=data["version"], by=request.user)
        return _("Co-workers saved.")

    return _act(
        request,
        case,
        CoWorkersForm(request.POST, case=case),
        save,
        title=_("Co-workers"),
        url_name="cases:co_workers",
        submit=_("Save co-workers"),
        conflict=lambda c: CoWorkersForm(_with_version(request.POST, "cw", c.case.version), case=c.case),
    )


@kinds_required(*CASE_KINDS)
@require_POST
def closure_request(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_action(request.user, pk, supervisor_may=False)

    def save(data: dict[str, Any]) -> str:
        services.request_closure(
            case,
            reason=data["reason"],
            checklist=data["checklist"],
            summary=data["summary"],
            open_clocks_reason=data["open_clocks_reason"],
            version=data["version"],
            by=request.user,
        )
        return _("Closure sent to the supervisor for approval.")

    return _act(
        request,
        case,
        ClosureRequestForm(request.POST, prefix="close"),
        save,
        title=_("Ask to close the case"),
        url_name="cases:closure_request",
        submit=_("Send for approval"),
        enter_moves=True,
        conflict=lambda c: ClosureRequestForm(
            _with_version(request.POST, "close", c.case.version), prefix="close"
        ),
    )


@kinds_required(*SUPERVISOR)
@require_POST
def closure_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Return a closure with a note, or approve it (its own button, confirmed), from the case page or
    from the team page (`next=team`, where the answer goes back to). A refused decision comes back on a
    page of its own with the note as typed, whichever page it was sent from."""
    closure = get_object_or_404(
        Closure.objects.filter(case__in=cases_visible_to(request.user)).select_related(
            "requested_by__staff", "decided_by__staff"
        ),
        pk=pk,
    )
    case = get_case_for_work(request.user, closure.case_id)
    form = ClosureDecisionForm(request.POST, closure=closure)
    from_team = request.POST.get("next") == "team"
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.decide_closure(
                closure, approve=approve, by=request.user, note=form.cleaned_data["decision_note"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
            closure.refresh_from_db()
        else:
            messages.success(
                request,
                _("Closure approved: %(name)s.") % {"name": case.person.name}
                if approve
                else _("Closure returned to the worker: %(name)s.") % {"name": case.person.name},
            )
            return redirect("cases:team") if from_team else redirect("cases:detail", pk=case.pk)
    pending = closure.approved is None and case.status == CaseStatus.REVIEW
    return render(
        request,
        "cases/lifecycle_decide.html",
        {
            "case": case,
            "closure": closure,
            "form": form,
            "pending": pending,
            "next": "team" if from_team else "",
        },
    )


@kinds_required(*CASE_KINDS)
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_action(request.user, pk)

    def save(data: dict[str, Any]) -> str:
        reopened = services.reopen_case(case, by=request.user, reason=data["reason"])
        return _("Case reopened: %(status)s.") % {"status": reopened.get_status_display()}

    return _act(
        request,
        case,
        ReopenForm(request.POST, prefix="reopen"),
        save,
        title=_("Reopen the case"),
        url_name="cases:reopen",
        submit=_("Reopen"),
        confirm=confirmations()["reopen"],
    )


@kinds_required(*CASE_KINDS)
@require_POST
def transfer_request(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_action(request.user, pk)

    def save(data: dict[str, Any]) -> str:
        transfer = services.request_transfer(
            case, to_unit=data["to_unit"], reason=data["reason"], by=request.user
        )
        return _("Transfer requested: waiting for %(unit)s to accept.") % {"unit": transfer.to_unit.name}

    return _act(
        request,
        case,
        TransferRequestForm(request.POST, case=case),
        save,
        title=_("Transfer the case"),
        url_name="cases:transfer_request",
        submit=_("Ask the unit to accept"),
        confirm=confirmations()["transfer"],
    )


def _incoming(user: Any, pk: int) -> Transfer:
    """A transfer addressed to the user's unit, for its supervisor; 404 for anyone else. The page
    names the case's person, answered or not: the read is logged."""
    staff = require_kind(user, SUPERVISOR)
    found = get_object_or_404(
        Transfer.objects.filter(to_unit_id=staff.unit_id).select_related(
            "case__person", "from_unit__county", "to_unit", "requested_by", "decided_by"
        ),
        pk=pk,
    )
    record_read(user, found)
    return found


def _transfer_page(
    request: HttpRequest, transfer: Transfer, form: TransferDecisionForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "cases/lifecycle_transfer.html",
        {"transfer": transfer, "form": form},
        status=status,
    )


@kinds_required(*SUPERVISOR)
@require_safe
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
