"""The worker's records on a case: contacts, scored assessments, the service plan and co-workers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from safetynet.cases.models import Assessment, Case, Clock, Contact, ContactKind, ContactRevision
from safetynet.cases.services.common import (
    case_url,
    list_high_risk,
    lock,
    replan,
    running_clocks,
    supervisors_of,
    touch,
)
from safetynet.core.errors import DomainError
from safetynet.core.services import notify, resolve_notifications
from safetynet.domain import instruments, visitplan
from safetynet.intake.rules import current_rule_set
from safetynet.org.models import AccessKind, Staff

FUTURE_SLACK = datetime.timedelta(minutes=5)


def _check_when(case: Case, at: datetime.datetime, field: str) -> None:
    if at > timezone.now() + FUTURE_SLACK:
        raise DomainError(_("The time cannot be in the future."), field=field)
    # Times are typed to the minute: the minute the case opened in is not before it.
    if at < case.opened_at.replace(second=0, microsecond=0):
        raise DomainError(_("The time is before the case was opened."), field=field)
    if not case.is_open:
        raise DomainError(_("The case is closed: reopen it first."), field=field)


def _meet(
    case: Case, names: frozenset[str], at: datetime.datetime, by: Any, contact: Contact | None = None
) -> list[Clock]:
    """Meet the earliest running clock of each name that had started by `at` (by `contact`, if one)."""
    met = []
    started = [c for c in running_clocks(case) if c.starts_at <= at]
    for name in sorted(names):
        clock = next((c for c in started if c.name == name), None)
        if clock is not None:
            clock.met_at, clock.met_by, clock.met_by_contact = at, by, contact
            clock.save(update_fields=["met_at", "met_by", "met_by_contact"])
            met.append(clock)
    if met:
        resolve_notifications(Clock, ids=[c.pk for c in met], kinds=("overdue",))
    return met


@transaction.atomic
def record_contact(
    case: Case,
    *,
    kind: str,
    occurred_at: datetime.datetime,
    minutes: int,
    by: Any,
    place: str = "",
    with_whom: str = "",
    note: str = "",
    next_step: str = "",
    idempotency_key: str = "",
    at: datetime.datetime | None = None,
) -> Contact:
    """A contact on a case; a face-to-face one meets the visit clocks and moves the next visit's due date."""
    at = at or timezone.now()
    locked = lock(case)
    values = _contact_values(locked, kind, occurred_at, minutes, place, with_whom, note, next_step)
    contact = Contact.objects.create(
        case=locked, **values, by=by, recorded_at=at, idempotency_key=idempotency_key
    )
    _meet(locked, visitplan.clocks_met_by_contact(kind), occurred_at, by, contact)
    replan(locked, at)
    return contact


def _contact_values(
    case: Case,
    kind: str,
    occurred_at: datetime.datetime,
    minutes: int,
    place: str,
    with_whom: str,
    note: str,
    next_step: str,
) -> dict[str, Any]:
    """A contact's fields as recorded, once they are checked: its kind, a duration of a day at most, a
    time the case allows (`_check_when`)."""
    if kind not in ContactKind.values:
        raise DomainError(_("Choose the kind of contact."), field="kind")
    if not 1 <= minutes <= 24 * 60:
        raise DomainError(_("The duration is 1 to 1440 minutes."), field="minutes")
    _check_when(case, occurred_at, "occurred_at")
    return {
        "kind": kind,
        "occurred_at": occurred_at,
        "minutes": minutes,
        "place": place.strip(),
        "with_whom": with_whom.strip(),
        "note": note.strip(),
        "next_step": next_step.strip(),
    }


class ContactEditConflict(DomainError):
    """The contact was corrected (on another device) after this edit was started: nothing is overwritten."""

    def __init__(self, contact: Contact) -> None:
        when = timezone.localtime(contact.edited_at).strftime("%H:%M") if contact.edited_at else ""
        super().__init__(
            _(
                "This contact was corrected at %(when)s after you opened it: your changes are not saved "
                "yet. Look at the saved version, then decide."
            )
            % {"when": when},
            field="version",
        )
        self.contact = contact


@transaction.atomic
def edit_contact(
    contact: Contact,
    *,
    version: int,
    kind: str,
    occurred_at: datetime.datetime,
    minutes: int,
    by: Any,
    place: str = "",
    with_whom: str = "",
    note: str = "",
    next_step: str = "",
    at: datetime.datetime | None = None,
) -> Contact:
    """Its author corrects a contact within a day of recording it; the replaced values are kept.

    `version` is the one the author read: an edit made on another device since is refused
    (`ContactEditConflict`). A new time or kind is a new fact for the clocks: those the contact met are
    unmet and met again as the corrected contact meets them (a first visit may turn late, or be met
    after all), and the visit plan is worked out again. A contact with a BSRS-5 taken during it keeps
    its time: the test's time is the contact's.
    """
    at = at or timezone.now()
    locked = lock(contact.case)
    fresh = cast(Contact, Contact.objects.select_for_update().get(pk=contact.pk))
    if fresh.by_id != getattr(by, "pk", None):
        raise DomainError(_("Only the person who recorded this contact may correct it."), field="contact")
    if fresh.entered_in_error_at is not None:
        raise DomainError(
            _("This contact is marked entered in error: it cannot be corrected."), field="contact"
        )
    if at >= fresh.editable_until():
        raise DomainError(
            _(
                "More than 24 hours have passed since this contact was recorded: it can no longer be "
                "corrected. If it is wrong, mark it entered in error and record it again."
            ),
            field="contact",
        )
    if fresh.version != version:
        raise ContactEditConflict(fresh)
    values = _contact_values(locked, kind, occurred_at, minutes, place, with_whom, note, next_step)
    changed = [name for name, value in values.items() if getattr(fresh, name) != value]
    if not changed:
        return fresh
    if "occurred_at" in changed and fresh.assessments.valid().exists():
        raise DomainError(
            _(
                "An assessment taken during this contact has its time: to change the time, mark the "
                "assessment entered in error first, then record it again."
            ),
            field="occurred_at",
        )
    ContactRevision.objects.create(
        contact=fresh,
        version=fresh.version,
        **{name: getattr(fresh, name) for name in values},
        written_by_id=fresh.by_id,
        written_at=fresh.edited_at or fresh.recorded_at,
        replaced_by=by,
        replaced_at=at,
    )
    for name, value in values.items():
        setattr(fresh, name, value)
    fresh.version += 1
    fresh.edited_at = at
    fresh.save(update_fields=[*changed, "version", "edited_at"])
    if "kind" in changed or "occurred_at" in changed:
        met = Clock.objects.filter(met_by_contact=fresh, cancelled_at__isnull=True)
        met.update(met_at=None, met_by=None, met_by_contact=None)
        _meet(locked, visitplan.clocks_met_by_contact(kind), occurred_at, fresh.by, fresh)
    replan(locked, at)
    return fresh


def score(instrument: str, answers: Mapping[str, Any]) -> Any:
    """The instrument's result for answers as the forms and the API send them; `ValueError` if they are wrong."""
    try:
        if instrument == "bsrs5":
            return instruments.bsrs5.score(list(answers["items"]), answers["suicide"])
        if instrument == "tipvda":
            # The rule set's cut-off, as at screening: a high score lists the case for the network meeting.
            return instruments.tipvda.score(list(answers["answers"]), high_at=current_rule_set().tipvda_high)
        if instrument == "sdm_safety":
            return instruments.sdm.safety(
                answers["danger"], answers["protective"], plan=bool(answers["plan"])
            )
        if instrument == "sdm_risk":
            return instruments.sdm.risk(answers["answers"])
        if instrument == "vulnerability":
            return instruments.vulnerability.assess(answers["factors"])
        if instrument == "psychiatric":
            return instruments.psychiatric.level(answers["level"])
    except (KeyError, TypeError) as exc:
        raise ValueError(f"missing or malformed answer: {exc}") from exc
    raise ValueError(f"unknown instrument {instrument!r}")


@transaction.atomic
def record_assessment(
    case: Case,
    *,
    instrument: str,
    answers: Mapping[str, Any],
    assessed_at: datetime.datetime,
    by: Any,
    contact: Contact | None = None,
    idempotency_key: str = "",
    at: datetime.datetime | None = None,
) -> Assessment:
    """A scored instrument; its risk, with the latest of the other instruments, sets the case's risk level."""
    at = at or timezone.now()
    locked = lock(case)
    if instrument not in instruments.INSTRUMENTS:
        raise DomainError(_("Choose an instrument."), field="instrument")
    _check_when(locked, assessed_at, "assessed_at")
    if contact is not None and contact.case_id != locked.pk:
        raise DomainError(_("The contact record is not one of this case's."), field="contact")
    try:
        result = score(instrument, answers)
    except ValueError as exc:
        raise DomainError(
            _("The answers are not valid: %(problem)s") % {"problem": exc}, field="answers"
        ) from exc
    assessment = Assessment.objects.create(
        case=locked,
        contact=contact,
        instrument=instrument,
        answers=dict(answers),
        total=getattr(result, "total", None),
        band=result.band,
        label=result.label[:100],
        risk=result.risk,
        result=result.as_dict(),
        assessed_at=assessed_at,
        by=by,
        recorded_at=at,
        idempotency_key=idempotency_key,
    )
    _meet(locked, visitplan.clocks_met_by_assessment(instrument), assessed_at, by)
    _set_risk(locked, by, at)
    if instrument == "tipvda" and result.band == "high" and not locked.high_risk:
        list_high_risk(
            locked,
            since=assessed_at,
            why=N_("TIPVDA high danger lists %(name)s for the high-risk network meeting"),
            at=at,
        )
    if instrument == "bsrs5" and result.refer:
        notify(
            [u for u in [locked.lead.user if locked.lead else None, *supervisors_of(locked.unit)] if u],
            kind="refer",
            template=N_("BSRS-5 suggests a referral: %(name)s (%(reason)s)"),
            params={"name": locked.person.name, "reason": result.label},
            url=case_url(locked),
            at=at,
        )
    replan(locked, at)
    return assessment


def _set_risk(case: Case, by: Any, at: datetime.datetime) -> None:
    """The highest risk among the latest valid result of each instrument."""
    latest: dict[str, str] = {}
    for instrument, risk in (
        case.assessments.valid().order_by("-assessed_at", "-pk").values_list("instrument", "risk")
    ):
        latest.setdefault(instrument, risk)
    level = instruments.highest_risk(latest.values()) or ""
    if level != case.risk_level:
        case.risk_level, case.risk_set_at = level, at
        touch(case, by, at, ["risk_level", "risk_set_at"])


@transaction.atomic
def mark_entered_in_error(record: Contact | Assessment, *, reason: str, by: Any) -> None:
    """A wrong contact or assessment is marked, never deleted; the risk and the plan are worked out again."""
    if not reason.strip():
        raise DomainError(_("Say why it was entered in error."), field="error_reason")
    at = timezone.now()
    locked = lock(record.case)
    fresh: Contact | Assessment = type(record).objects.select_for_update().get(pk=record.pk)  # type: ignore[assignment]
    if fresh.entered_in_error_at is not None:
        raise DomainError(_("This record is already marked entered in error."), field="error_reason")
    fresh.entered_in_error_at, fresh.error_reason = at, reason.strip()[:200]
    fresh.save(update_fields=["entered_in_error_at", "error_reason"])
    if isinstance(fresh, Assessment):
        _set_risk(locked, by, at)
    replan(locked, at)


@transaction.atomic
def update_plan(
    case: Case,
    *,
    version: int,
    goals: str,
    tasks: str,
    review_on: datetime.date | None,
    by: Any,
    at: datetime.datetime | None = None,
) -> Case:
    """The service plan (goals, tasks, review date); refused with the other's version if it changed since."""
    at = at or timezone.now()
    locked = lock(case, version)
    if review_on is not None and review_on < timezone.localdate(locked.opened_at):
        raise DomainError(_("The review date is before the case was opened."), field="plan_review_on")
    locked.plan_goals, locked.plan_tasks, locked.plan_review_on = goals.strip(), tasks.strip(), review_on
    touch(locked, by, at, ["plan_goals", "plan_tasks", "plan_review_on"])
    return locked


@transaction.atomic
def set_co_workers(
    case: Case, workers: Iterable[Staff], *, version: int, by: Any, at: datetime.datetime | None = None
) -> Case:
    """Co-workers (協同社工) of the case's unit, who see and record on it beside the lead."""
    at = at or timezone.now()
    locked = lock(case, version)
    chosen = list(workers)
    for worker in chosen:
        if (
            worker.role.kind != AccessKind.CASEWORKER
            or worker.unit_id != locked.unit_id
            or worker.pk == locked.lead_id
        ):
            raise DomainError(
                _("%(name)s cannot be a co-worker on this case.") % {"name": worker.name}, field="co_workers"
            )
        if not worker.is_active(timezone.localdate(at)):
            raise DomainError(_("%(name)s has left.") % {"name": worker.name}, field="co_workers")
    added = [w for w in chosen if not locked.co_workers.filter(pk=w.pk).exists()]
    locked.co_workers.set(chosen)
    touch(locked, by, at, [])
    notify(
        [w.user for w in added if w.user],
        kind="co_worker",
        template=N_("Co-worker on a case: %(name)s"),
        params={"name": locked.person.name},
        url=case_url(locked),
        at=at,
    )
    return locked
