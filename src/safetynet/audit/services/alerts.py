"""Alerts on abuse of access: the watch's passes over the log, who is told, and the review of an alert
and of the rules."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from safetynet.audit.models import Action, Alert
from safetynet.audit.services.grants import reviewers_of
from safetynet.audit.services.log import record, subjects_text
from safetynet.core.errors import DomainError


def alert_reviewers(staff: Any) -> list[int]:
    """Who is told when one of a reader's alerts opens: their supervisor (else their unit's), never the
    reader; the county's administrators when there is nobody else."""
    from safetynet.org.models import AccessKind, Staff

    reviewers = [pk for pk in reviewers_of(staff) if pk != staff.user_id]
    if reviewers:
        return reviewers
    return list(
        Staff.objects.filter(
            role__kind=AccessKind.ADMIN, unit__county_id=staff.unit.county_id, left_on__isnull=True
        )
        .exclude(user_id=staff.user_id)
        .exclude(user__isnull=True)
        .values_list("user_id", flat=True)
    )


def _raise_alert(
    finding: Any, rule: Any, entry_ids: dict[int, int], after: int, now: datetime.datetime
) -> Any:
    """The alert of one finding: opened, or brought up to date (reopened if it grew after a review)."""
    from django.contrib.auth import get_user_model

    from safetynet.audit.models import Alert, AlertStatus
    from safetynet.core.services import notify
    from safetynet.org.models import Staff

    staff = Staff.objects.select_related("unit", "supervisor").filter(user_id=finding.user).first()
    alert = Alert.objects.select_for_update().filter(rule=rule, user_id=finding.user, key=finding.key).first()
    persons = subjects_text(finding.persons)  # the first MAX_SUBJECTS of them; the entries name all
    if alert is None:
        alert = Alert.objects.create(
            rule=rule,
            user_id=finding.user,
            unit=staff.unit if staff else None,
            key=finding.key,
            period=finding.period,
            count=finding.count,
            first=finding.first,
            last=finding.last,
            persons=persons,
            opened_at=now,
        )
        alert.entries.add(*(entry_ids[s] for s in finding.seqs if s in entry_ids))
        opened = True
    else:
        grew = finding.count > alert.count
        alert.count = max(alert.count, finding.count)
        alert.first = min(alert.first, finding.first)
        alert.last = max(alert.last, finding.last)
        alert.persons = persons
        opened = grew and alert.status != AlertStatus.OPEN
        if opened:
            alert.status = AlertStatus.OPEN  # more since the review: someone looks again
        alert.save()
        alert.entries.add(*(entry_ids[s] for s in finding.seqs if s > after and s in entry_ids))
    if opened and staff is not None:
        notify(
            get_user_model().objects.filter(pk__in=alert_reviewers(staff)),
            kind="access_alert",
            template=N_("Access alert: %(who)s, %(reason)s. Review it."),
            params={
                "who": staff.name,
                "reason": rule.get_kind_display(),
            },  # a label: read in the page's language
            url=f"/audit/alerts/{alert.pk}/",
            subject=alert,
            at=now,
        )
    return alert


@transaction.atomic
def raise_alerts(*, limit: int | None = None) -> tuple[int, list[Any]]:
    """One pass of the watch over the entries the last pass did not read: (entries read, alerts opened
    or brought up to date). The cursor moves in the same transaction as the alerts."""
    from safetynet.audit import watch
    from safetynet.audit.models import AlertCursor, AlertRule

    AlertCursor.objects.get_or_create(pk=1)
    cursor = AlertCursor.objects.select_for_update().get(pk=1)
    result = watch.scan(cursor.seq, limit=limit or watch.BATCH)
    now = timezone.now()
    rules = AlertRule.objects.in_bulk([f.rule for f in result.findings])
    alerts = [_raise_alert(f, rules[f.rule], result.entry_ids, cursor.seq, now) for f in result.findings]
    cursor.seq = result.last_seq
    cursor.ran_at = now
    cursor.save()
    return result.read, alerts


def watch_access_log() -> int:
    """Read the log up to its newest entry, a batch a transaction; the number of alerts touched."""
    touched = 0
    while True:
        read, alerts = raise_alerts()
        touched += len(alerts)
        if not read:
            return touched


def alerts_visible_to(user: Any) -> models.QuerySet[Alert]:
    """Administrators: every alert of their county; a supervisor: those of their unit and of the staff
    they supervise. Nobody sees their own."""
    from safetynet.core.access import staff_of
    from safetynet.org.models import AccessKind

    staff = staff_of(user)
    alerts = Alert.objects.select_related("rule", "unit", "user__staff", "reviewed_by__staff")
    if staff is None or staff.left_on is not None:
        return alerts.none()
    if staff.role.kind == AccessKind.ADMIN:
        scope = models.Q(unit__county_id=staff.unit.county_id) | models.Q(
            user__staff__unit__county_id=staff.unit.county_id
        )
    elif staff.role.kind == AccessKind.SUPERVISOR:
        scope = models.Q(unit_id=staff.unit_id) | models.Q(user__staff__supervisor=staff)
    else:
        return alerts.none()
    return alerts.filter(scope).exclude(user_id=user.pk)


@transaction.atomic
def review_alert(alert: Any, *, status: str, note: str, by: Any) -> Any:
    """Record a reviewer's judgement of an alert: justified or unjustified, with a note; logged."""
    from safetynet.audit.models import Alert, AlertStatus
    from safetynet.core.services import resolve_notifications

    note = note.strip()
    if status not in (AlertStatus.JUSTIFIED, AlertStatus.UNJUSTIFIED):
        raise DomainError(_("Choose whether the access was justified."), field="status")
    if not note:
        raise DomainError(_("Write what you found."), field="note")
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != AlertStatus.OPEN:
        raise DomainError(_("This alert was reviewed already."), field="status")
    alert.status = status
    alert.note = note[:500]
    alert.reviewed_by = by
    alert.reviewed_at = timezone.now()
    alert.reviewed_count = alert.count
    alert.save()
    resolve_notifications(alert, kinds=("access_alert",), at=alert.reviewed_at)
    record(
        Action.REVIEW,
        user=by,
        target=alert,
        persons=alert.person_ids,
        reason=alert.note,
        detail={"alert": alert.pk, "status": status, "rule": alert.rule.kind, "reader": alert.user_id},
    )
    return alert


RULE_FIELDS = ("threshold", "window", "window_unit", "day_starts", "day_ends", "active")


@transaction.atomic
def update_alert_rule(rule: Any, *, by: Any, **values: Any) -> Any:
    """Change a rule's threshold, window, working hours or switch; logged with the fields changed."""
    from safetynet.audit.models import AlertRule

    rule = AlertRule.objects.select_for_update().get(pk=rule.pk)
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field."), field=sorted(unknown)[0])
    if values.get("day_starts") and values.get("day_ends") and values["day_starts"] >= values["day_ends"]:
        raise DomainError(_("Working hours must end after they start."), field="day_ends")
    changed = sorted(name for name, value in values.items() if getattr(rule, name) != value)
    for name in changed:
        setattr(rule, name, values[name])
    if changed:
        rule.save()
        record(
            Action.CHANGE,
            user=by,
            target=rule,
            detail={"op": "update", "fields": changed, "rule": rule.kind},
        )
    return rule
