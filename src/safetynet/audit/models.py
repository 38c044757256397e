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


class Action(models.TextChoices):
    READ = "read", "讀取"
    SEARCH = "search", "查詢"
    CHANGE = "change", "異動"
    EXPORT = "export", "匯出"
    API = "api", "API"
    BREAK_GLASS = "break_glass", "緊急調閱"
    REVIEW = "review", "調閱審查"
    LOGIN = "login", "登入"
    LOGIN_FAILED = "login_failed", "登入失敗"
    LOGOUT = "logout", "登出"


class AppendOnly(Exception):
    """An audit entry was about to be changed or removed."""


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField("序號", unique=True)
    at = models.DateTimeField("時間", default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    username = models.CharField("帳號", max_length=150, blank=True)
    role = models.CharField("角色", max_length=40, blank=True)
    action = models.CharField("動作", max_length=20, choices=Action.choices)
    object_type = models.CharField("對象類別", max_length=60, blank=True)
    object_id = models.CharField("對象編號", max_length=60, blank=True)
    # The persons the entry is about, as `|3|17|`: "who looked at this child's file?" is a contains.
    subjects = models.CharField("涉及人員", max_length=500, blank=True)
    method = models.CharField("方法", max_length=10, blank=True)
    path = models.CharField("路徑", max_length=300, blank=True)
    ip = models.GenericIPAddressField("來源位址", null=True, blank=True)
    reason = models.TextField("理由", blank=True)
    flagged = models.BooleanField("標記", default=False)
    detail = models.JSONField("細節", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "稽核紀錄"
        verbose_name_plural = "稽核紀錄"
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
        verbose_name = "稽核鏈末端"
        verbose_name_plural = "稽核鏈末端"

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
        "org.Staff", on_delete=models.PROTECT, related_name="access_grants", verbose_name="調閱人"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="access_grants", verbose_name="個案"
    )
    reason = models.TextField("調閱理由")
    granted_at = models.DateTimeField("開始", default=timezone.now)
    expires_at = models.DateTimeField("到期")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField("審查時間", null=True, blank=True)
    review_note = models.CharField("審查意見", max_length=300, blank=True)
    justified = models.BooleanField("理由成立", null=True, blank=True)
    needs_approval = models.BooleanField("須督導核准", default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField("核准時間", null=True, blank=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = "緊急調閱"
        verbose_name_plural = "緊急調閱"
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

    UNRELATED_READS = "unrelated_reads", "讀取無業務關係者"
    PROTECTED_READS = "protected_reads", "讀取性侵害被害人"
    OFF_HOURS = "off_hours", "非上班時間大量讀取"
    REPEATED_LOOKUPS = "repeated_lookups", "跨日重複查看同一人"
    FAILED_ID_SEARCHES = "failed_id_searches", "身分證號查無其人"


class WindowUnit(models.TextChoices):
    MINUTES = "minutes", "分鐘"
    HOURS = "hours", "小時"
    DAYS = "days", "日"


class AlertRule(models.Model):
    """One rule of the watch, as data: shipped from `audit/data/alert_rules.csv`, edited by administrators."""

    kind = models.CharField("類別", max_length=30, choices=AlertKind.choices, unique=True)
    threshold = models.PositiveIntegerField("門檻", help_text="超過此數即警示")
    window = models.PositiveIntegerField("期間長度")
    window_unit = models.CharField("期間單位", max_length=10, choices=WindowUnit.choices)
    day_starts = models.TimeField("上班開始", default=datetime.time(8, 0))
    day_ends = models.TimeField("上班結束", default=datetime.time(18, 0))
    active = models.BooleanField("啟用", default=True)

    class Meta:
        verbose_name = "警示規則"
        verbose_name_plural = "警示規則"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def window_delta(self) -> datetime.timedelta:
        return datetime.timedelta(**{str(self.window_unit): max(self.window, 1)})


class AlertStatus(models.TextChoices):
    OPEN = "open", "待審查"
    JUSTIFIED = "justified", "有正當理由"
    UNJUSTIFIED = "unjustified", "無正當理由"


class AlertQuerySet(models.QuerySet["Alert"]):
    def open(self) -> AlertQuerySet:
        return self.filter(status=AlertStatus.OPEN)


class Alert(models.Model):
    """A reader's access that a rule found unusual in one period, with the log entries behind it."""

    rule = models.ForeignKey(AlertRule, on_delete=models.PROTECT, related_name="alerts", verbose_name="規則")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="讀取者"
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="單位"
    )
    # The period (and the person, for repeated look-ups): the same entries always give the same key.
    key = models.CharField(max_length=60)
    period = models.DateTimeField("期間開始")
    count = models.PositiveIntegerField("次數")
    first = models.DateTimeField("最早")
    last = models.DateTimeField("最晚")
    persons = models.CharField("涉及人員", max_length=500, blank=True)
    # No database constraint: the log's chain, not this table, is what tells an entry removed (and a
    # removal must not fail here first, hiding it from `audit verify`).
    entries = models.ManyToManyField(
        AuditEntry, related_name="alerts", verbose_name="紀錄", db_constraint=False
    )
    status = models.CharField("狀態", max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    note = models.CharField("審查意見", max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField("審查時間", null=True, blank=True)
    reviewed_count = models.PositiveIntegerField("審查時次數", null=True, blank=True)
    opened_at = models.DateTimeField("發出時間", default=timezone.now)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = "存取警示"
        verbose_name_plural = "存取警示"
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
        verbose_name = "警示進度"
        verbose_name_plural = "警示進度"

    def __str__(self) -> str:
        return f"#{self.seq}"
