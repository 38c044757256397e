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
        return self.filter(expires_at__gt=timezone.now())

    def unreviewed(self) -> AccessGrantQuerySet:
        return self.filter(reviewed_at__isnull=True)


class AccessGrant(models.Model):
    """A break-glass opening of a case outside the worker's scope: a reason, a short time, a review."""

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

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = "緊急調閱"
        verbose_name_plural = "緊急調閱"
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["staff", "case", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.staff} → {self.case_id}"
