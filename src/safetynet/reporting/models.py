"""Every generated report is logged: who asked for which area, year, format and edition, and when;
the row also carries the job's progress while it runs and the file's name, size and digest once done."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel (XLSX)"
    DOCX = "docx", "Word (DOCX)"


class Edition(models.TextChoices):
    """Who may read the report: anyone (aggregates, small cells suppressed) or the agency (workers' names)."""

    PUBLIC = "public", _("Public edition")
    INTERNAL = "internal", _("Internal edition")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "排隊中"
    RUNNING = "running", "產製中"
    DONE = "done", "完成"
    FAILED = "failed", "失敗"


class ReportExport(models.Model):
    area = models.ForeignKey("geo.County", on_delete=models.PROTECT, related_name="+", verbose_name="縣市")
    year = models.PositiveSmallIntegerField("年度(民國)")
    format = models.CharField("格式", max_length=4, choices=Format.choices)
    edition = models.CharField("版本", max_length=8, choices=Edition.choices)
    referrals_from = models.PositiveSmallIntegerField("轉介統計起年")
    referrals_to = models.PositiveSmallIntegerField("轉介統計迄年")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="申請人",
    )
    channel = models.CharField("來源", max_length=8, default="web", help_text="web 或 cli")
    requested_at = models.DateTimeField("申請時間", auto_now_add=True)
    status = models.CharField("狀態", max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("進度(%)", default=0)
    step = models.CharField("目前步驟", max_length=80, blank=True)
    finished_at = models.DateTimeField("完成時間", null=True, blank=True)
    file_name = models.CharField("檔名", max_length=120, blank=True)
    size = models.PositiveIntegerField("檔案大小(位元組)", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    error = models.TextField("錯誤", blank=True)

    class Meta:
        verbose_name = "報告產製紀錄"
        verbose_name_plural = "報告產製紀錄"
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="report_export_by_user")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.year} {self.format} {self.edition}"

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)
