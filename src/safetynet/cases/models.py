"""Cases opened by dispatch, the reports behind them, co-cases and the clocks that run on them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from safetynet.domain.casestatus import OPEN
from safetynet.domain.clocks import ClockState, clock_state


class CaseStatus(models.TextChoices):
    PENDING = "pending", "待分派"
    ASSESSING = "assessing", "評估中"
    SERVING = "serving", "處遇中"
    FOLLOW_UP = "follow_up", "後追"
    REVIEW = "review", "督導審核中"
    CLOSED = "closed", "已結案"
    NOT_OPENED = "not_opened", "未成案"


OPEN_STATUSES = tuple(sorted(OPEN))


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class CoCase(models.Model):
    """A person served by two or more routes at once (共案): one lead case, a shared timeline."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cocases")
    lead = models.ForeignKey("Case", on_delete=models.PROTECT, related_name="+", verbose_name="主責個案")
    created_at = models.DateTimeField("建立時間", auto_now_add=True)

    class Meta:
        verbose_name = "共案"
        verbose_name_plural = "共案"

    def __str__(self) -> str:
        return f"共案 {self.pk}"


class Case(models.Model):
    route = models.CharField("服務路徑", max_length=10)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="cases", verbose_name="個案"
    )
    area = models.ForeignKey("geo.County", on_delete=models.PROTECT, related_name="+", verbose_name="縣市")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="cases", verbose_name="單位")
    lead = models.ForeignKey(
        "org.Staff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name="主責社工",
    )
    suggested_lead = models.ForeignKey(
        "org.Staff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="建議社工",
    )
    status = models.CharField("狀態", max_length=20, choices=CaseStatus.choices, default=CaseStatus.PENDING)
    priority = models.PositiveSmallIntegerField("優先等級", null=True, blank=True)
    grade = models.CharField("分級", max_length=20, blank=True)
    classification = models.CharField("分類", max_length=20, blank=True)
    lists = models.JSONField("列管", default=list, blank=True)
    opened_at = models.DateTimeField("開案時間")
    assigned_at = models.DateTimeField("派案時間", null=True, blank=True)
    closed_at = models.DateTimeField("結案時間", null=True, blank=True)
    cocase = models.ForeignKey(
        CoCase, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name="共案"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "個案"
        verbose_name_plural = "個案"
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["person", "route", "status"]),
            models.Index(fields=["lead", "status"]),
            models.Index(fields=["unit", "status"]),
        ]

    def __str__(self) -> str:
        return f"個案 {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseReport(models.Model):
    """A report behind a case: the one that opened it, or a re-report (續報) attached later."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reports")
    report = models.ForeignKey("intake.Report", on_delete=models.PROTECT, related_name="case_links")
    re_report = models.BooleanField("續報", default=False)
    attached_at = models.DateTimeField("併案時間")

    class Meta:
        verbose_name = "個案通報"
        verbose_name_plural = "個案通報"
        ordering = ["attached_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "report"], name="case_report_once")]

    def __str__(self) -> str:
        return f"{self.case} ← {self.report}"


class Clock(models.Model):
    """A legal or default deadline (DOMAIN §5) on a report's screening or on a case."""

    name = models.CharField("時限代碼", max_length=40)
    label = models.CharField("時限", max_length=60)
    report = models.ForeignKey(
        "intake.Report", on_delete=models.PROTECT, null=True, blank=True, related_name="clocks"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="clocks")
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clocks",
        verbose_name="單位",
    )
    starts_at = models.DateTimeField("起算")
    due_at = models.DateTimeField("期限")
    met_at = models.DateTimeField("完成時間", null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overdue_at = models.DateTimeField("標記逾期", null=True, blank=True)

    class Meta:
        verbose_name = "時限"
        verbose_name_plural = "時限"
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["unit", "due_at"]), models.Index(fields=["met_at", "due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(report__isnull=False) | models.Q(case__isnull=False),
                name="clock_has_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.due_at:%Y-%m-%d %H:%M}"

    def state(self, now: datetime.datetime) -> ClockState:
        return clock_state(self.due_at, self.met_at, now)
