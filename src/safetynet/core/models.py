"""API tokens: hashed at rest, scoped and expiring; the plain token is shown once, at creation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens", verbose_name="帳號"
    )
    name = models.CharField("用途", max_length=80, blank=True)
    prefix = models.CharField("識別碼", max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    scopes = models.JSONField("權限範圍", default=list)
    created_at = models.DateTimeField("建立時間", auto_now_add=True)
    expires_at = models.DateTimeField("到期時間")
    last_used_at = models.DateTimeField("最後使用", null=True, blank=True)
    revoked_at = models.DateTimeField("撤銷時間", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API 權杖"
        verbose_name_plural = "API 權杖"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def open(self) -> NotificationQuerySet:
        """Still asking for something: not resolved by what happened to the item it is about."""
        return self.filter(resolved_at__isnull=True)


class Notification(models.Model):
    """A message in a user's inbox: a dispatch, an overdue clock, a supervisor alert.

    A notification written since messages became words keeps its English msgid (`template`) and its
    values (`params`) and is put into the reader's language when shown (`text`); `message` keeps the
    zh-Hant text written at the time, which older rows have alone. One about an item in a queue (a case
    waiting for a worker, a closure or a transfer waiting for an answer) names it (`subject_type`,
    `subject_id`) and is resolved when the item is dealt with, by whoever deals with it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications", verbose_name="帳號"
    )
    kind = models.CharField("類別", max_length=30)
    message = models.CharField("內容", max_length=300)
    template = models.CharField("訊息範本", max_length=200, blank=True)
    params = models.JSONField("訊息參數", default=dict, blank=True)
    url = models.CharField("連結", max_length=200, blank=True)
    subject_type = models.CharField("事項類別", max_length=40, blank=True)
    subject_id = models.PositiveBigIntegerField("事項編號", null=True, blank=True)
    created_at = models.DateTimeField("建立時間", default=timezone.now)
    read_at = models.DateTimeField("已讀時間", null=True, blank=True)
    resolved_at = models.DateTimeField("已處理時間", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(
                fields=["subject_type", "subject_id"],
                condition=models.Q(resolved_at__isnull=True),
                name="notification_open_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def text(self) -> str:
        """The message in the language of the page."""
        from safetynet.core.notices import render

        return render(self.template, self.params, fallback=self.message)
