"""Screening rule sets as versioned documents: drafted, published, never edited after publishing."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safetynet.core.fields import EncryptedTextField


class RuleSetVersion(models.Model):
    version = models.CharField("版本", max_length=40, unique=True)
    name = models.CharField("名稱", max_length=120)
    document = models.JSONField("規則內容")
    notes = models.TextField("說明", blank=True)
    created_at = models.DateTimeField("建立時間", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField("發布時間", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "篩派規則版本"
        verbose_name_plural = "篩派規則版本"
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.version} {self.name}"


class Channel(models.TextChoices):
    WEB = "web", "篩派表單"
    API = "api", "API"
    IMPORT = "import", "匯入"


class Report(models.Model):
    """A report (通報) as received, with the screening decision the rules suggested at receipt."""

    received_at = models.DateTimeField("受理時間")
    area = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, related_name="reports", verbose_name="受理縣市"
    )
    source = models.CharField("通報來源", max_length=20)
    channel = models.CharField("管道", max_length=10, choices=Channel.choices)
    external_id = models.CharField("原系統編號", max_length=60, blank=True)
    narrative = EncryptedTextField("通報內容", blank=True)
    reporter = EncryptedTextField("通報人", blank=True, help_text="受保護：僅篩派與承辦可見")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule_set = models.CharField("規則版本", max_length=40)
    suggestion = models.JSONField("建議篩派結果")
    screening_due = models.DateTimeField("篩派期限")
    created_at = models.DateTimeField("建立時間", auto_now_add=True)

    class Meta:
        verbose_name = "通報"
        verbose_name_plural = "通報"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"通報 {self.pk}"


class SubjectRole(models.TextChoices):
    VICTIM = "victim", "被害人"
    RESPONDENT = "respondent", "相對人"
    CHILD = "child", "兒少"
    FAMILY = "family", "家庭成員"


class ReportSubject(models.Model):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="subjects", verbose_name="通報")
    ref = models.CharField("代號", max_length=40)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="report_subjects")
    matched_by = models.CharField("比對方式", max_length=20)  # national_id | new
    role = models.CharField("身分", max_length=20, choices=SubjectRole.choices)
    types = models.JSONField("通報類型")
    town = models.ForeignKey("geo.Town", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    flags = models.JSONField("註記", default=list)
    tipvda_score = models.PositiveSmallIntegerField("TIPVDA 分數", null=True, blank=True)

    class Meta:
        verbose_name = "通報對象"
        verbose_name_plural = "通報對象"
        constraints = [models.UniqueConstraint(fields=["report", "ref"], name="subject_ref_unique_in_report")]

    def __str__(self) -> str:
        return f"{self.report} {self.ref}"


class IdempotencyKey(models.Model):
    """A client's `Idempotency-Key`: the same key from the same account returns the same report."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=200)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return self.key
