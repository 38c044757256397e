"""API tokens: hashed at rest, scoped and expiring; the plain token is shown once, at creation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("account"),
    )
    name = models.CharField(_("purpose"), max_length=80, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
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
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("account"),
    )
    kind = models.CharField(_("kind"), max_length=30)
    message = models.CharField(_("message"), max_length=300)
    template = models.CharField(_("message template"), max_length=200, blank=True)
    params = models.JSONField(_("message parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    subject_type = models.CharField(_("subject type"), max_length=40, blank=True)
    subject_id = models.PositiveBigIntegerField(_("subject id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
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
