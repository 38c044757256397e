"""A case's course: status moves, closure with the supervisor's approval, reopening, and transfer."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.utils.translation import gettext_noop as N_

from safetynet.cases.models import (
    Case,
    CaseReport,
    Clock,
    Closure,
    ClosureReason,
    FollowUpTask,
    Transfer,
)
from safetynet.cases.services.common import (
    QUEUE_KINDS,
    cancel_clocks,
    case_url,
    lock,
    move,
    replan,
    supervisors_of,
    touch,
    zh_hant,
)
from safetynet.core import words
from safetynet.core.errors import DomainError, Problems
from safetynet.core.services import notify, resolve_notifications
from safetynet.domain.casestatus import CaseStatus
from safetynet.org.models import AccessKind, Staff, Unit

CLOSURE_CHECKLIST = {
    "plan_reviewed": gettext_lazy("The service plan's goals were reviewed one by one"),
    "last_assessment": gettext_lazy("The assessment before closing is done"),
    "family_informed": gettext_lazy("The person or family was told of the closure"),
    "network_informed": gettext_lazy("The network partners concerned were told"),
}
REQUIRED_CHECKS = ("plan_reviewed",)
# The clocks of the visit plan (`replan`), which a receiving unit starts again.
PLAN_CLOCKS = tuple(FollowUpTask.values)
TRANSFER_CANCEL_REASON = "移轉他單位"
# Moves the worker makes on the case page; closing goes through the supervisor, reopening through `reopen_case`.
WORKER_MOVES = (CaseStatus.SERVING, CaseStatus.FOLLOW_UP, CaseStatus.NOT_OPENED)


def _is_supervisor_of(user: Any, unit_id: int) -> bool:
    if user is None:
        return False
    staff = Staff.objects.filter(user=user, unit_id=unit_id, role__kind=AccessKind.SUPERVISOR).first()
    return staff is not None and staff.is_active(timezone.localdate())


@transaction.atomic
def change_status(
    case: Case,
    status: str,
    *,
    by: Any,
    at: datetime.datetime | None = None,
    reason: str = "",
    version: int | None = None,
) -> Case:
    """The worker's moves: 評估中 → 處遇中 or 未成案 (with a reason), 處遇中 ⇄ 後追."""
    at = at or timezone.now()
    locked = lock(case, version)
    if locked.status == CaseStatus.REVIEW:
        # Only the supervisor's decision takes a case out of review: approved, or returned with a note.
        raise DomainError(_("The closure is waiting for the supervisor's decision."), field="status")
    if status not in WORKER_MOVES:
        raise DomainError(
            _("To close, send the case for the supervisor's approval; to reopen, use “Reopen the case”."),
            field="status",
        )
    if status == CaseStatus.NOT_OPENED:
        if not reason.strip():
            raise DomainError(_("Say why the case is not opened."), field="reason")
        move(locked, status, by=by, at=at, reason=reason.strip())
        cancel_clocks(locked, "未成案", at)
        return locked
    move(locked, status, by=by, at=at, reason=reason.strip())
    return locked


@transaction.atomic
def request_closure(
    case: Case,
    *,
    reason: str,
    checklist: list[str],
    by: Any,
    summary: str = "",
    open_clocks_reason: str = "",
    version: int | None = None,
    at: datetime.datetime | None = None,
) -> Closure:
    """The worker asks to close: the case waits for the supervisor (督導審核中); running clocks need a reason."""
    at = at or timezone.now()
    locked = lock(case, version)
    # Every problem at once, so the worker fixes the request in one round.
    problems = Problems()
    if reason not in ClosureReason.values:
        problems.add("reason", _("Choose a reason for closing."))
    unknown = set(checklist) - set(CLOSURE_CHECKLIST)
    if unknown:
        problems.add(
            "checklist", _("Unknown checklist items: %(items)s") % {"items": ", ".join(sorted(unknown))}
        )
    missing = [words.term(CLOSURE_CHECKLIST[c]) for c in REQUIRED_CHECKS if c not in checklist]
    if missing:
        problems.add("checklist", _("Before closing, complete: %(items)s") % {"items": words.joined(missing)})
    running = Clock.objects.running().filter(case=locked).count()
    if running and not open_clocks_reason.strip():
        problems.add(
            "open_clocks_reason",
            ngettext(
                "%(n)s clock is still running: say why the case closes before it is met.",
                "%(n)s clocks are still running: say why the case closes before they are met.",
                running,
            )
            % {"n": running},
        )
    problems.check()
    previous = locked.status
    move(locked, CaseStatus.REVIEW, by=by, at=at, reason=zh_hant(ClosureReason(reason).label))
    closure = Closure.objects.create(
        case=locked,
        reason=reason,
        checklist=sorted(set(checklist)),
        summary=summary.strip(),
        open_clocks_reason=open_clocks_reason.strip(),
        previous_status=previous,
        requested_by=by,
        requested_at=at,
    )
    notify(
        supervisors_of(locked.unit),
        kind="closure",
        template=N_("Closure to review: %(name)s (%(reason)s)"),
        params={"name": locked.person.name, "reason": zh_hant(ClosureReason(reason).label)},
        url=case_url(locked),
        subject=closure,
        at=at,
    )
    return closure


@transaction.atomic
def decide_closure(
    closure: Closure, *, approve: bool, by: Any, note: str = "", at: datetime.datetime | None = None
) -> Closure:
    """The unit's supervisor approves (已結案; running clocks are cancelled) or returns the case to work."""
    at = at or timezone.now()
    locked = lock(closure.case)
    fresh = Closure.objects.select_for_update().get(pk=closure.pk)
    if fresh.approved is not None or locked.status != CaseStatus.REVIEW:
        raise DomainError(_("This closure request has already been decided."), field="decision")
    if not _is_supervisor_of(by, locked.unit_id):
        raise DomainError(_("Only a supervisor of the case's unit can decide the closure."), field="decision")
    if not approve and not note.strip():
        raise DomainError(_("Write why the closure is returned: the worker reads it."), field="decision_note")
    fresh.approved, fresh.decided_by, fresh.decided_at, fresh.decision_note = approve, by, at, note.strip()
    fresh.save(update_fields=["approved", "decided_by", "decided_at", "decision_note"])
    # The other supervisors asked to review it need not any more.
    resolve_notifications(fresh, kinds=("closure",), at=at)
    params = {"name": locked.person.name, "note": note.strip()}
    if approve:
        move(locked, CaseStatus.CLOSED, by=by, at=at, reason=zh_hant(fresh.get_reason_display()))
        cancel_clocks(locked, "結案", at)
        template = N_("Closure approved: %(name)s")
    else:
        move(locked, fresh.previous_status, by=by, at=at, reason=f"退回：{note.strip()}")
        replan(locked, at)
        template = N_("Closure returned: %(name)s (%(note)s)")
    if locked.lead is not None and locked.lead.user is not None:
        notify(
            [locked.lead.user],
            kind="closure",
            template=template,
            params=params,
            url=case_url(locked),
            at=at,
        )
    return fresh


def _reopen(case: Case, *, by: Any, at: datetime.datetime, reason: str) -> None:
    lead = case.lead
    if lead is not None and lead.is_active(timezone.localdate(at)):
        # The worker takes the case back today: the visit plan counts from now, not from the old assignment.
        case.assigned_at = at
        case.save(update_fields=["assigned_at"])
        move(case, CaseStatus.ASSESSING, by=by, at=at, reason=reason)
        replan(case, at)
        if lead.user is not None:
            notify(
                [lead.user],
                kind="reopen",
                template=N_("Reopened: %(name)s"),
                params={"name": case.person.name},
                url=case_url(case),
                at=at,
            )
    else:
        case.lead = None
        case.save(update_fields=["lead"])
        move(case, CaseStatus.PENDING, by=by, at=at, reason=reason)
        notify(
            supervisors_of(case.unit),
            kind="queue",
            template=N_("Waiting for a worker (reopened): %(name)s"),
            params={"name": case.person.name},
            url=case_url(case),
            subject=case,
            at=at,
        )


@transaction.atomic
def reopen_case(case: Case, *, by: Any, reason: str, at: datetime.datetime | None = None) -> Case:
    """Reopen a closed case: its history stays, the same worker takes it back if still here."""
    at = at or timezone.now()
    locked = lock(case)
    if not reason.strip():
        raise DomainError(_("Say why the case is reopened."), field="reason")
    _reopen(locked, by=by, at=at, reason=reason.strip())
    return locked


@transaction.atomic
def reopen_for_report(case: Case, report: Any, *, at: datetime.datetime) -> CaseReport:
    """A new report within the re-report window after closure (結案後再通報): the case reopens with it."""
    locked = lock(case)
    _reopen(locked, by=None, at=at, reason=f"結案後再通報（通報 {report.pk}）")
    link, _created = CaseReport.objects.get_or_create(
        case=locked, report=report, defaults={"re_report": True, "after_closure": True, "attached_at": at}
    )
    return link


@transaction.atomic
def request_transfer(
    case: Case, *, to_unit: Unit, reason: str, by: Any, at: datetime.datetime | None = None
) -> Transfer:
    """Hand the case to another unit (here or in another county); it moves once that unit accepts."""
    at = at or timezone.now()
    locked = lock(case)
    if not locked.is_open:
        raise DomainError(_("A closed case cannot be transferred."), field="to_unit")
    if locked.status == CaseStatus.REVIEW:
        raise DomainError(_("A case waiting for closure approval cannot be transferred."), field="to_unit")
    if Transfer.objects.filter(case=locked, accepted__isnull=True).exists():
        raise DomainError(_("This case already has a transfer waiting for an answer."), field="to_unit")
    problems = Problems()
    if to_unit.pk == locked.unit_id or not to_unit.active:
        problems.add("to_unit", _("Choose another unit that is in service."))
    if not reason.strip():
        problems.add("reason", _("Say why the case is transferred."))
    problems.check()
    transfer = Transfer.objects.create(
        case=locked,
        from_unit=locked.unit,
        to_unit=to_unit,
        reason=reason.strip(),
        requested_by=by,
        requested_at=at,
    )
    notify(
        supervisors_of(to_unit),
        kind="transfer",
        template=N_("Transfer to accept: %(name)s (from %(unit)s)"),
        params={"name": locked.person.name, "unit": locked.unit.name},
        # The receiving unit cannot open the case yet: the link goes to the transfer itself.
        url=reverse("cases:transfer", args=[transfer.pk]),
        subject=transfer,
        at=at,
    )
    return transfer


@transaction.atomic
def decide_transfer(
    transfer: Transfer,
    *,
    accept: bool,
    by: Any,
    worker: Staff | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Transfer:
    """The receiving unit's supervisor accepts, naming the worker who takes the case, or declines."""
    at = at or timezone.now()
    # The case first, as every other write locks it, then the transfer.
    locked = lock(Transfer.objects.get(pk=transfer.pk).case)
    fresh = Transfer.objects.select_for_update(of=("self",)).select_related("to_unit").get(pk=transfer.pk)
    if fresh.accepted is not None:
        raise DomainError(_("This transfer has already been answered."), field="decision")
    if not locked.is_open or locked.status == CaseStatus.REVIEW:
        raise DomainError(
            _("The case was closed or is waiting for closure approval: it cannot be taken in."),
            field="decision",
        )
    if not _is_supervisor_of(by, fresh.to_unit_id):
        raise DomainError(_("Only a supervisor of the receiving unit can answer."), field="decision")
    if accept:
        if worker is None or worker.unit_id != fresh.to_unit_id or worker.role.kind != AccessKind.CASEWORKER:
            raise DomainError(_("Choose a case worker of the receiving unit."), field="worker")
        if not worker.is_active(timezone.localdate(at)):
            raise DomainError(_("This worker has left the unit."), field="worker")
    elif not note.strip():
        raise DomainError(_("Write why the transfer is declined."), field="decision_note")
    fresh.accepted, fresh.decided_by, fresh.decided_at, fresh.decision_note = accept, by, at, note.strip()
    fresh.save(update_fields=["accepted", "decided_by", "decided_at", "decision_note"])
    resolve_notifications(fresh, kinds=("transfer",), at=at)
    previous_lead = locked.lead
    if accept:
        assert worker is not None  # noqa: S101 - checked above
        locked.unit, locked.lead, locked.assigned_at = fresh.to_unit, worker, at
        locked.area_id = fresh.to_unit.county_id or locked.area_id
        locked.co_workers.clear()
        touch(locked, by, at, ["unit", "area", "lead", "assigned_at"])
        if locked.status == CaseStatus.PENDING:
            # A case still waiting for a worker has one now: the sending unit's queue is done with it.
            move(locked, CaseStatus.ASSESSING, by=by, at=at, reason=f"移入並派案給 {worker.name}")
            resolve_notifications(locked, kinds=QUEUE_KINDS, at=at)
        # The visit plan was the sending unit's: it leaves their boards, and the receiving worker's
        # starts from today (`replan`). What the law or a partner asks of the case (a first visit
        # within 24 hours of the report, a referral's answer) does not restart or lapse because the
        # case changed hands: those clocks go with it.
        cancel_clocks(locked, TRANSFER_CANCEL_REASON, at, names=PLAN_CLOCKS)
        Clock.objects.running().filter(case=locked).update(unit=fresh.to_unit)
        replan(locked, at)
        if worker.user is not None:
            notify(
                [worker.user],
                kind="dispatch",
                template=N_("Transferred in: %(name)s"),
                params={"name": locked.person.name},
                url=case_url(locked),
                at=at,
            )
    if previous_lead is not None and previous_lead.user is not None:
        notify(
            [previous_lead.user],
            kind="transfer",
            template=(
                N_("Transfer accepted: %(name)s") if accept else N_("Transfer declined: %(name)s (%(note)s)")
            ),
            params={"name": locked.person.name, "note": note.strip()},
            url="",
            at=at,
        )
    return fresh
