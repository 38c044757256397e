"""The access log: who read or changed what, when, from where and why, as an append-only hash chain.

Entries are only ever added (`safetynet.audit.services.record`); the database refuses UPDATE and
DELETE on them (triggers, `safetynet.audit.guards`), and `safetynet audit verify` finds the first entry
that was altered, removed or moved by someone who got past the triggers.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    READ = "read", _("Read")
    SEARCH = "search", _("Search")
    CHANGE = "change", _("Change")
    EXPORT = "export", _("Export")
    API = "api", "API"
    BREAK_GLASS = "break_glass", _("Emergency opening")
    REVIEW = "review", _("Opening review")
    LOGIN = "login", _("Sign-in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Sign-out")


class AppendOnly(Exception):
    """An audit entry was about to be changed or removed."""


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(_("sequence number"), unique=True)
    at = models.DateTimeField(_("time"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    username = models.CharField(_("account"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=40, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=60, blank=True)
    # The persons the entry is about, as `|3|17|`: "who looked at this child's file?" is a contains.
    subjects = models.CharField(_("persons concerned"), max_length=500, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("source address"), null=True, blank=True)
    reason = models.TextField(_("stated reason"), blank=True)
    flagged = models.BooleanField(_("flagged"), default=False)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["user", "at"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.username} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly("audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("audit entries are never removed")

    @property
    def subject_ids(self) -> list[int]:
        return [int(pk) for pk in self.subjects.strip("|").split("|") if pk]

    def chained_fields(self) -> dict[str, Any]:
        """What the hash covers: every column but the id and the two hashes."""
        return {
            "seq": self.seq,
            "at": self.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "user": self.user_id,
            "username": self.username,
            "role": self.role,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "subjects": self.subjects,
            "method": self.method,
            "path": self.path,
            "ip": self.ip,
            "reason": self.reason,
            "flagged": self.flagged,
            "detail": self.detail,
        }


class ChainHead(models.Model):
    """The last entry's sequence number and hash: the one row every append locks and moves on."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("access log chain head")
        verbose_name_plural = _("access log chain heads")

    def __str__(self) -> str:
        return f"#{self.seq}"


class AccessGrantQuerySet(models.QuerySet["AccessGrant"]):
    def active(self) -> AccessGrantQuerySet:
        """Openings that let their holder read now: not run out, and not a request still waiting."""
        return self.filter(expires_at__gt=timezone.now()).exclude(
            needs_approval=True, approved_at__isnull=True
        )

    def unreviewed(self) -> AccessGrantQuerySet:
        return self.filter(reviewed_at__isnull=True)

    def waiting_approval(self) -> AccessGrantQuerySet:
        """Requests to open a case again after an opening of it was found unjustified: not yet decided."""
        return self.filter(needs_approval=True, approved_at__isnull=True, reviewed_at__isnull=True)


class AccessGrant(models.Model):
    """A break-glass opening of a case outside the worker's scope: a reason, a short time, a review.

    Once an opening of a case was found unjustified, the same person's next request for that case
    `needs_approval`: it opens nothing until a reviewer approves it (`approved_by`, `approved_at`), and
    the opening then runs from the approval.
    """

    staff = models.ForeignKey(
        "org.Staff", on_delete=models.PROTECT, related_name="access_grants", verbose_name=_("opened by")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="access_grants", verbose_name=_("case")
    )
    reason = models.TextField(_("reason for opening"))
    granted_at = models.DateTimeField(_("open from"), default=timezone.now)
    expires_at = models.DateTimeField(_("runs out at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)
    justified = models.BooleanField(_("reason sound"), null=True, blank=True)
    needs_approval = models.BooleanField(_("needs a supervisor's approval"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency opening")
        verbose_name_plural = _("emergency openings")
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["staff", "case", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.staff} → {self.case_id}"

    @property
    def waiting(self) -> bool:
        """A request that needs approval and has been neither approved nor declined."""
        return self.needs_approval and self.approved_at is None and self.reviewed_at is None


# Alerts on abuse of access ----------------------------------------------------------------------------


class AlertKind(models.TextChoices):
    """What a rule watches for (`safetynet.domain.accesswatch`)."""

    UNRELATED_READS = "unrelated_reads", _("Reads of persons not served")
    PROTECTED_READS = "protected_reads", _("Reads of a sexual-assault victim")
    OFF_HOURS = "off_hours", _("Burst outside working hours")
    REPEATED_LOOKUPS = "repeated_lookups", _("Same person looked up day after day")
    FAILED_ID_SEARCHES = "failed_id_searches", _("National-ID searches that found nobody")


class WindowUnit(models.TextChoices):
    MINUTES = "minutes", _("minutes")
    HOURS = "hours", _("hours")
    DAYS = "days", _("days")


class AlertRule(models.Model):
    """One rule of the watch, as data: shipped from `audit/data/alert_rules.csv`, edited by administrators."""

    kind = models.CharField(_("kind"), max_length=30, choices=AlertKind.choices, unique=True)
    threshold = models.PositiveIntegerField(
        _("threshold"), help_text=_("An alert is raised above this number.")
    )
    window = models.PositiveIntegerField(_("window length"))
    window_unit = models.CharField(_("window unit"), max_length=10, choices=WindowUnit.choices)
    day_starts = models.TimeField(_("working day starts"), default=datetime.time(8, 0))
    day_ends = models.TimeField(_("working day ends"), default=datetime.time(18, 0))
    active = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def window_delta(self) -> datetime.timedelta:
        return datetime.timedelta(**{str(self.window_unit): max(self.window, 1)})


class AlertStatus(models.TextChoices):
    OPEN = "open", _("To review")
    JUSTIFIED = "justified", _("Justified")
    UNJUSTIFIED = "unjustified", _("Not justified")


class AlertQuerySet(models.QuerySet["Alert"]):
    def open(self) -> AlertQuerySet:
        return self.filter(status=AlertStatus.OPEN)


class Alert(models.Model):
    """A reader's access that a rule found unusual in one period, with the log entries behind it."""

    rule = models.ForeignKey(
        AlertRule, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("rule")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reader")
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    # The period (and the person, for repeated look-ups): the same entries always give the same key.
    key = models.CharField(max_length=60)
    period = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("count"))
    first = models.DateTimeField(_("first"))
    last = models.DateTimeField(_("last"))
    persons = models.CharField(_("persons concerned"), max_length=500, blank=True)
    # No database constraint: the log's chain, not this table, is what tells an entry removed (and a
    # removal must not fail here first, hiding it from `audit verify`).
    entries = models.ManyToManyField(
        AuditEntry, related_name="alerts", verbose_name=_("log entries"), db_constraint=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    note = models.CharField(_("review note"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_count = models.PositiveIntegerField(_("count when reviewed"), null=True, blank=True)
    opened_at = models.DateTimeField(_("raised at"), default=timezone.now)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("access alert")
        verbose_name_plural = _("access alerts")
        ordering = ["-last", "-id"]
        constraints = [models.UniqueConstraint(fields=["rule", "user", "key"], name="alert_once_per_period")]
        indexes = [models.Index(fields=["status", "last"]), models.Index(fields=["opened_at"])]

    def __str__(self) -> str:
        return f"{self.rule} {self.user_id} {self.key}"

    @property
    def person_ids(self) -> list[int]:
        return [int(pk) for pk in self.persons.strip("|").split("|") if pk]


class AlertCursor(models.Model):
    """How far the watch has read the log: the last entry's sequence number (one row)."""

    seq = models.PositiveBigIntegerField(default=0)
    ran_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alert progress")
        verbose_name_plural = _("alert progress")

    def __str__(self) -> str:
        return f"#{self.seq}"
