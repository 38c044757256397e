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
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportExport(models.Model):
    area = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    year = models.PositiveSmallIntegerField(_("year (ROC)"))
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    edition = models.CharField(_("edition"), max_length=8, choices=Edition.choices)
    referrals_from = models.PositiveSmallIntegerField(_("referral statistics from"))
    referrals_to = models.PositiveSmallIntegerField(_("referral statistics to"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    channel = models.CharField(_("requested through"), max_length=8, default="web", help_text=_("web or cli"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=80, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=120, blank=True)
    size = models.PositiveIntegerField(_("file size (bytes)"), null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="report_export_by_user")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.year} {self.format} {self.edition}"

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)
