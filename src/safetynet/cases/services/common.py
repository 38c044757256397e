"""What the case services share: status moves with their history, edit versions, and the visit plan."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from safetynet.cases.models import (
    CASE_STATUS_LABELS,
    Case,
    Clock,
    Contact,
    FollowUpRule,
    FollowUpTask,
    StatusChange,
)
from safetynet.core import words
from safetynet.core.errors import DomainError
from safetynet.core.services import notify, resolve_notifications
from safetynet.domain import visitplan
from safetynet.domain.casestatus import CaseStatus, IllegalTransition, check_transition
from safetynet.org.models import AccessKind, Staff, Unit

FIRST_VISIT_CLOCKS = ("cp1_first_visit", "cp2_first_visit", "vf_first_visit", "su_first_contact")
HIGH_RISK_LIST = "high_risk_meeting"  # the rule set's list code for the 高危機網絡會議
FIRST_VISIT_AGAIN = "首次訪視尚未完成"
# Notifications asking a supervisor to find a case its worker: closed once the case has one.
QUEUE_KINDS = ("queue", "overload")
TASK_LABEL = {FollowUpTask.VISIT: "定期訪視", FollowUpTask.BSRS5: "每月BSRS-5施測"}


class EditConflict(DomainError):
    """Someone saved the case after this writer read it: their change is shown, nothing is overwritten."""

    def __init__(self, case: Case) -> None:
        who = words.staff_name(case.updated_by) if case.updated_by else "—"
        when = timezone.localtime(case.updated_at).strftime("%H:%M") if case.updated_at else ""
        super().__init__(
            gettext(
                "%(who)s changed this case at %(when)s; your change is not saved yet: "
                "look at their version, then decide."
            )
            % {"who": who, "when": when},
            field="version",
        )
        self.case = case


def zh_hant(label: Any) -> str:
    """A label as the records keep it (a status change's reason, a clock's label, a notification's
    value): in zh-Hant, whatever the language of the page that wrote it."""
    with translation.override("zh-hant"):
        return str(label)


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def supervisors_of(unit: Unit) -> list[Any]:
    """Accounts to alert about a unit's cases: the supervisors working in the unit today."""
    day = timezone.localdate()
    rows = Staff.objects.filter(unit=unit, role__kind=AccessKind.SUPERVISOR, user__isnull=False).active_on(
        day
    )
    return [s.user for s in rows.select_related("user")]


def lock(case: Case, version: int | None = None) -> Case:
    """The case row, locked for this transaction; with `version`, refused if someone saved it since."""
    locked = (
        Case.objects.select_for_update(of=("self",)).select_related("person", "unit", "lead").get(pk=case.pk)
    )
    if version is not None and locked.version != version:
        raise EditConflict(locked)
    return locked


def touch(case: Case, by: Any, at: datetime.datetime, fields: list[str]) -> None:
    """Save `fields` of a locked case as a new version."""
    case.version += 1
    case.updated_at, case.updated_by = at, by
    case.save(update_fields=[*fields, "version", "updated_at", "updated_by"])


def move(case: Case, status: str, *, by: Any, at: datetime.datetime, reason: str = "") -> None:
    """Move a locked case along the lifecycle table, keeping the move in its history."""
    try:
        wanted = check_transition(case.status, status)
    except IllegalTransition as exc:
        raise DomainError(
            gettext("The case cannot move from “%(from)s” to “%(to)s”.")
            % {
                "from": CASE_STATUS_LABELS[exc.current],
                "to": CASE_STATUS_LABELS[exc.wanted],
            },
            field="status",
        ) from exc
    StatusChange.objects.create(
        case=case, from_status=case.status, to_status=wanted, at=at, by=by, reason=reason
    )
    case.status = wanted
    case.closed_at = at if wanted in (CaseStatus.CLOSED, CaseStatus.NOT_OPENED) else None
    touch(case, by, at, ["status", "closed_at"])


def cancel_clocks(case: Case, reason: str, at: datetime.datetime, names: tuple[str, ...] = ()) -> int:
    """Stop the case's running clocks (of `names`, default all), with the reason the case page shows;
    their overdue notifications are dealt with too."""
    # As in `running_clocks`: the case index, not every unmet clock of the county.
    running = (
        Clock.objects.filter(case=case).exclude(met_at__isnull=False).exclude(cancelled_at__isnull=False)
    )
    if names:
        running = running.filter(name__in=names)
    ids = list(running.values_list("pk", flat=True))
    if not ids:
        return 0
    resolve_notifications(Clock, ids=ids, kinds=("overdue",), at=at)
    return Clock.objects.filter(pk__in=ids).update(cancelled_at=at, cancel_reason=reason[:200])


def running_clocks(case: Case) -> list[Clock]:
    """The case's clocks still asking for something, earliest due first.

    Written as exclusions so that SQLite keeps to the case's few clocks: given `met_at IS NULL` it may
    walk every unmet clock of the county through the (met_at, due_at) index instead (the (case, met_at)
    index now serves `Clock.objects.running()` on other paths).
    """
    clocks = Clock.objects.filter(case=case).exclude(met_at__isnull=False).exclude(cancelled_at__isnull=False)
    return list(clocks.order_by("due_at", "pk"))


def frequencies() -> list[visitplan.Frequency]:
    return [
        visitplan.Frequency(r.route, r.risk_level, r.task, r.interval_days)
        for r in FollowUpRule.objects.all()
    ]


def replan(case: Case, at: datetime.datetime) -> None:
    """Due dates of the case's next visit and next BSRS-5 from its risk level and what was last done.

    The next visit counts from the last face-to-face contact (or the assignment when there was none);
    while the first-visit clock of the report runs, that clock is the plan. A clock that no longer
    matches is cancelled and a new one started, so the history shows when and why the plan moved.
    """
    if not case.is_open or case.lead_id is None:
        return
    rules = frequencies()
    start = case.assigned_at or case.opened_at
    clocks = running_clocks(case)
    for task in (FollowUpTask.VISIT, FollowUpTask.BSRS5):
        days = visitplan.interval(rules, case.route, case.risk_level, task)
        current = [c for c in clocks if c.name == task]
        if days is None:
            continue
        if task == FollowUpTask.VISIT:
            if any(c.name in FIRST_VISIT_CLOCKS for c in clocks):
                # The first visit is owed again (its contact was corrected): it is the plan, alone.
                if current:
                    ids = [c.pk for c in current]
                    Clock.objects.filter(pk__in=ids).update(cancelled_at=at, cancel_reason=FIRST_VISIT_AGAIN)
                    resolve_notifications(Clock, ids=ids, kinds=("overdue",), at=at)
                continue
            last = (
                Contact.objects.valid()
                .filter(case=case, kind__in=visitplan.FACE_TO_FACE)
                .order_by("-occurred_at")
                .values_list("occurred_at", flat=True)
                .first()
            )
        else:
            last = (
                case.assessments.valid()
                .filter(instrument="bsrs5")
                .order_by("-assessed_at")
                .values_list("assessed_at", flat=True)
                .first()
            )
        base = max(last or start, start)
        due = visitplan.next_due(base, days)
        if len(current) == 1 and current[0].due_at == due:
            continue
        Clock.objects.filter(pk__in=[c.pk for c in current]).update(
            cancelled_at=at, cancel_reason="依最新紀錄或風險等級重新排定"
        )
        resolve_notifications(Clock, ids=[c.pk for c in current], kinds=("overdue",), at=at)
        level = zh_hant(case.get_risk_level_display()) if case.risk_level else "未評估"
        Clock.objects.create(
            name=task,
            label=f"{TASK_LABEL[task]}（風險{level}，每{days}日）",
            case=case,
            unit=case.unit,
            starts_at=base,
            due_at=due,
        )


def list_high_risk(case: Case, *, since: datetime.datetime, why: str, at: datetime.datetime) -> None:
    """List a locked case for the 高危機網絡會議 from `since` (the TIPVDA's or the report's time: a re-test
    in between must count as "since listing" when the meeting delists) and tell the unit's supervisors
    (`why`: the notification's msgid, naming the person as `%(name)s`)."""
    case.high_risk, case.high_risk_since = True, since
    if HIGH_RISK_LIST not in case.lists:
        case.lists = [*case.lists, HIGH_RISK_LIST]
    case.save(update_fields=["high_risk", "high_risk_since", "lists"])
    notify(
        supervisors_of(case.unit),
        kind="high_risk",
        template=why,
        params={"name": case.person.name},
        url=case_url(case),
        at=at,
    )
