"""A case's course: status moves, closure with the supervisor's approval, reopening, and transfer."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safetynet.cases.models import Case, CaseReport, CaseStatus, Clock, Closure, ClosureReason, Transfer
from safetynet.cases.services.common import cancel_clocks, case_url, lock, move, replan, supervisors_of, touch
from safetynet.core.errors import DomainError
from safetynet.core.services import notify
from safetynet.org.models import AccessKind, Staff, Unit

CLOSURE_CHECKLIST = {
    "plan_reviewed": "服務計畫目標已逐項檢視",
    "last_assessment": "已完成結案前評估",
    "family_informed": "已告知案主或案家結案",
    "network_informed": "已通知相關網絡單位",
}
REQUIRED_CHECKS = ("plan_reviewed",)
# Moves the worker makes on the case page; closing goes through the supervisor, reopening through `reopen_case`.
WORKER_MOVES = {CaseStatus.SERVING, CaseStatus.FOLLOW_UP, CaseStatus.NOT_OPENED}


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
    if status not in WORKER_MOVES:
        raise DomainError("結案請送督導審核，重新開案請用「重新開案」", field="status")
    if status == CaseStatus.NOT_OPENED:
        if not reason.strip():
            raise DomainError("未成案請說明原因", field="reason")
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
    if reason not in ClosureReason.values:
        raise DomainError("請選擇結案原因", field="reason")
    unknown = set(checklist) - set(CLOSURE_CHECKLIST)
    if unknown:
        raise DomainError(f"未知的檢核項目：{', '.join(sorted(unknown))}", field="checklist")
    missing = [CLOSURE_CHECKLIST[c] for c in REQUIRED_CHECKS if c not in checklist]
    if missing:
        raise DomainError(f"結案前須完成：{'、'.join(missing)}", field="checklist")
    running = Clock.objects.running().filter(case=locked).count()
    if running and not open_clocks_reason.strip():
        raise DomainError(f"尚有 {running} 個時限未完成，請說明原因", field="open_clocks_reason")
    previous = locked.status
    move(locked, CaseStatus.REVIEW, by=by, at=at, reason=ClosureReason(reason).label)
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
        message=f"結案審核：{locked.person.name}（{ClosureReason(reason).label}）",
        url=case_url(locked),
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
        raise DomainError("此結案申請已審核", field="decision")
    if not _is_supervisor_of(by, locked.unit_id):
        raise DomainError("只有本單位督導可以審核結案", field="decision")
    if not approve and not note.strip():
        raise DomainError("退回請寫明理由", field="decision_note")
    fresh.approved, fresh.decided_by, fresh.decided_at, fresh.decision_note = approve, by, at, note.strip()
    fresh.save(update_fields=["approved", "decided_by", "decided_at", "decision_note"])
    if approve:
        move(locked, CaseStatus.CLOSED, by=by, at=at, reason=fresh.get_reason_display())
        cancel_clocks(locked, "結案", at)
        message = f"結案核准：{locked.person.name}"
    else:
        move(locked, fresh.previous_status, by=by, at=at, reason=f"退回：{note.strip()}")
        replan(locked, at)
        message = f"結案退回：{locked.person.name}（{note.strip()}）"
    if locked.lead is not None and locked.lead.user is not None:
        notify([locked.lead.user], kind="closure", message=message, url=case_url(locked), at=at)
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
                [lead.user], kind="reopen", message=f"重新開案：{case.person.name}", url=case_url(case), at=at
            )
    else:
        case.lead = None
        case.save(update_fields=["lead"])
        move(case, CaseStatus.PENDING, by=by, at=at, reason=reason)
        notify(
            supervisors_of(case.unit),
            kind="queue",
            message=f"待分派（重新開案）：{case.person.name}",
            url=case_url(case),
            at=at,
        )


@transaction.atomic
def reopen_case(case: Case, *, by: Any, reason: str, at: datetime.datetime | None = None) -> Case:
    """Reopen a closed case: its history stays, the same worker takes it back if still here."""
    at = at or timezone.now()
    locked = lock(case)
    if not reason.strip():
        raise DomainError("請說明重新開案原因", field="reason")
    _reopen(locked, by=by, at=at, reason=reason.strip())
    return locked


@transaction.atomic
def reopen_for_report(case: Case, report: Any, *, at: datetime.datetime) -> CaseReport:
    """A new report within the re-report window after closure (結案後再通報): the case reopens with it."""
    locked = lock(case)
    _reopen(locked, by=None, at=at, reason=f"結案後再通報（通報 {report.pk}）")
    link, _ = CaseReport.objects.get_or_create(
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
        raise DomainError("已結案的個案不能移轉", field="to_unit")
    if locked.status == CaseStatus.REVIEW:
        raise DomainError("結案審核中的個案不能移轉", field="to_unit")
    if to_unit.pk == locked.unit_id or not to_unit.active:
        raise DomainError("請選擇另一個服務中的單位", field="to_unit")
    if not reason.strip():
        raise DomainError("請說明移轉原因", field="reason")
    if Transfer.objects.filter(case=locked, accepted__isnull=True).exists():
        raise DomainError("此案已有待回覆的移轉", field="to_unit")
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
        message=f"移轉個案待接受：{locked.person.name}（來自 {locked.unit.name}）",
        # The receiving unit cannot open the case yet: the link goes to the transfer itself.
        url=reverse("cases:transfer", args=[transfer.pk]),
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
        raise DomainError("此移轉已回覆", field="decision")
    if not locked.is_open or locked.status == CaseStatus.REVIEW:
        raise DomainError("此案已結案或在結案審核中，不能移入", field="decision")
    if not _is_supervisor_of(by, fresh.to_unit_id):
        raise DomainError("只有移入單位的督導可以回覆", field="decision")
    if accept:
        if worker is None or worker.unit_id != fresh.to_unit_id or worker.role.kind != AccessKind.CASEWORKER:
            raise DomainError("請選擇移入單位的個案工作者", field="worker")
        if not worker.is_active(timezone.localdate(at)):
            raise DomainError("此人員已離職", field="worker")
    elif not note.strip():
        raise DomainError("不接受請寫明理由", field="decision_note")
    fresh.accepted, fresh.decided_by, fresh.decided_at, fresh.decision_note = accept, by, at, note.strip()
    fresh.save(update_fields=["accepted", "decided_by", "decided_at", "decision_note"])
    previous_lead = locked.lead
    if accept:
        assert worker is not None  # noqa: S101 - checked above
        locked.unit, locked.lead, locked.assigned_at = fresh.to_unit, worker, at
        locked.area_id = fresh.to_unit.county_id or locked.area_id
        locked.co_workers.clear()
        touch(locked, by, at, ["unit", "area", "lead", "assigned_at"])
        if locked.status == CaseStatus.PENDING:
            # A case still waiting for a worker has one now.
            move(locked, CaseStatus.ASSESSING, by=by, at=at, reason=f"移入並派案給 {worker.name}")
        Clock.objects.running().filter(case=locked).update(unit=fresh.to_unit)
        replan(locked, at)
        if worker.user is not None:
            notify(
                [worker.user],
                kind="dispatch",
                message=f"移入個案：{locked.person.name}",
                url=case_url(locked),
                at=at,
            )
    if previous_lead is not None and previous_lead.user is not None:
        answer = "已接受" if accept else f"不接受（{note.strip()}）"
        notify(
            [previous_lead.user],
            kind="transfer",
            message=f"移轉{answer}：{locked.person.name}",
            url="",
            at=at,
        )
    return fresh
