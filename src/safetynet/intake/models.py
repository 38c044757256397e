"""Screening rule sets as versioned documents: drafted, published, never edited after publishing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class RuleSetStatus(models.TextChoices):
    """Where a version stands: a draft is never in force; of the published, the latest is in force."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CURRENT = "current", _("In force")


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
        constraints = [
            # An earlier system's report number enters an area once by import (`import reports`);
            # the API and the form may repeat one (a re-report quoting its first report's number).
            models.UniqueConstraint(
                fields=["area", "external_id"],
                condition=models.Q(channel="import") & ~models.Q(external_id=""),
                name="imported_report_external_id_unique",
            )
        ]

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


class RouteService(models.Model):
    """Which units serve a route, and which roles inside them take its cases (editable data)."""

    route = models.CharField("服務路徑", max_length=10, unique=True)
    unit_kind = models.CharField("單位類別", max_length=20)
    roles = models.JSONField("承辦角色", default=list, help_text="角色代碼；空白表示單位內所有個案工作者")
    by_town = models.BooleanField("依居住地分區", default=False, help_text="由涵蓋個案居住地的單位承辦")

    class Meta:
        verbose_name = "服務路徑承辦單位"
        verbose_name_plural = "服務路徑承辦單位"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.route


class Screening(models.Model):
    """The screening decision on a report: the suggestion confirmed, or overridden with a reason.

    One per report (the unique key makes the second of two concurrent confirmations fail cleanly).
    """

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="screening")
    routes = models.JSONField("篩派結果")
    overridden = models.BooleanField("修改建議", default=False)
    reason = models.TextField("修改理由", blank=True)
    decided_at = models.DateTimeField("篩派時間")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    legacy = models.BooleanField("歷史資料匯入", default=False)

    class Meta:
        verbose_name = "篩派決定"
        verbose_name_plural = "篩派決定"

    def __str__(self) -> str:
        return f"篩派 {self.report_id}"


class DispatchOutcome(models.TextChoices):
    ASSIGNED = "assigned", "已派案"
    QUEUED = "queued", "待督導分派"
    RE_REPORT = "re_report", "併入原案（續報）"
    REOPENED = "reopened", "結案後再通報，重新開案"
    TRANSFER = "transfer", "移轉他縣市"
    NONE = "none", "不開案"
    NO_UNIT = "no_unit", "無承辦單位"
    RECORDED = "recorded", "歷史紀錄"


class Dispatch(models.Model):
    """What became of one route of one subject: a case, a re-report, a transfer or no case."""

    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="dispatches")
    subject = models.ForeignKey(ReportSubject, on_delete=models.PROTECT, related_name="dispatches")
    route = models.CharField("服務路徑", max_length=10)
    outcome = models.CharField("結果", max_length=20, choices=DispatchOutcome.choices)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="dispatches"
    )
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_county = models.ForeignKey(
        "geo.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="移轉縣市",
    )
    reason = models.TextField("理由", blank=True)
    created_at = models.DateTimeField("建立時間")

    class Meta:
        verbose_name = "派案"
        verbose_name_plural = "派案"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.route} {self.get_outcome_display()}"
