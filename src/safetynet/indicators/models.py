"""Indicators as data: what each one counts, its targets, reported values and published snapshots.

An indicator is computed from records by a named method (`indicators.computations`) with its
parameters, or reported as an aggregate by another agency (`ReportedValue`). Values published for a
period are kept as `Snapshot`s; the engine shows a recomputation beside them when it differs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safetynet.geo.models import County


class Source(models.TextChoices):
    COMPUTED = "computed", "由紀錄計算"
    REPORTED = "reported", "他機關填報"


class PeriodKind(models.TextChoices):
    MONTH = "month", "月"
    QUARTER = "quarter", "季"
    YEAR = "year", "年"
    SCHOOL_YEAR = "school_year", "學年度"


class Unit(models.TextChoices):
    RATE = "rate", "比率"
    RATIO = "ratio", "每人案量"
    COUNT = "count", "次數"


class Direction(models.TextChoices):
    HIGHER = "higher", "越高越好"
    LOWER = "lower", "越低越好"


class Indicator(models.Model):
    code = models.SlugField("代碼", max_length=40, unique=True)
    name = models.CharField("名稱", max_length=120)
    source = models.CharField("來源", max_length=10, choices=Source.choices, default=Source.COMPUTED)
    method = models.CharField("計算方法", max_length=40, blank=True)
    params = models.JSONField("計算參數", default=dict, blank=True)
    numerator = models.CharField("分子", max_length=300)
    denominator = models.CharField("分母", max_length=300, blank=True)
    period = models.CharField("期間", max_length=12, choices=PeriodKind.choices, default=PeriodKind.YEAR)
    unit = models.CharField("單位", max_length=10, choices=Unit.choices, default=Unit.RATE)
    direction = models.CharField("方向", max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    catalogue = models.BooleanField("預設指標", default=True, help_text="每次計算都列出")
    reference = models.CharField("參考值", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("順序", default=0)

    class Meta:
        verbose_name = "績效指標"
        verbose_name_plural = "績效指標"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Target(models.Model):
    """The target of an indicator for a plan year: an area's own, or every area's (area blank)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    area = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="縣市"
    )
    plan_year = models.PositiveSmallIntegerField("計畫年度(民國)")
    value = models.DecimalField("目標值", max_digits=12, decimal_places=4)
    source = models.CharField("依據", max_length=200, blank=True)

    class Meta:
        verbose_name = "績效目標"
        verbose_name_plural = "績效目標"
        ordering = ["indicator_id", "plan_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "plan_year"],
                condition=models.Q(area__isnull=False),
                name="target_area_unique",
            ),
            models.UniqueConstraint(
                fields=["indicator", "plan_year"],
                condition=models.Q(area__isnull=True),
                name="target_default_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.plan_year}: {self.value}"


class ReportedValue(models.Model):
    """A figure another agency reported (教育處: 中輟/復學 per school year …), kept apart from
    computed values, with who entered it and where it came from."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="reported")
    area = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name="縣市")
    period_kind = models.CharField("期間", max_length=12, choices=PeriodKind.choices)
    period_start = models.DateField("期間起")
    period_end = models.DateField("期間迄")
    numerator = models.DecimalField("分子", max_digits=14, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField("分母", max_digits=14, decimal_places=4, null=True, blank=True)
    value = models.DecimalField("填報值", max_digits=12, decimal_places=6, null=True, blank=True)
    source = models.CharField("資料來源", max_length=200)
    reported_on = models.DateField("填報日")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("登打時間")
    note = models.CharField("說明", max_length=300, blank=True)

    class Meta:
        verbose_name = "填報值"
        verbose_name_plural = "填報值"
        ordering = ["indicator_id", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "period_start", "period_end"], name="reported_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.area_id} {self.period_start}"


class Snapshot(models.Model):
    """A value as published for a period; later recomputations are compared with it, never saved over it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="snapshots")
    area = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name="縣市")
    period_kind = models.CharField("期間", max_length=12, choices=PeriodKind.choices)
    period_start = models.DateField("期間起")
    period_end = models.DateField("期間迄")
    numerator = models.DecimalField("分子", max_digits=14, decimal_places=4, null=True)
    denominator = models.DecimalField("分母", max_digits=14, decimal_places=4, null=True)
    value = models.DecimalField("值", max_digits=14, decimal_places=6, null=True)
    target = models.DecimalField("目標值", max_digits=12, decimal_places=4, null=True)
    met = models.BooleanField("達成", null=True)
    source = models.CharField("來源", max_length=10, choices=Source.choices)
    published_at = models.DateTimeField("發布時間")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "發布值"
        verbose_name_plural = "發布值"
        ordering = ["indicator_id", "period_start", "-published_at"]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.area_id} {self.period_start}: {self.value}"


class DropoutRecord(models.Model):
    """The dropout register, where the county keeps it: one student's dropping out and return."""

    area = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name="縣市")
    student = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    school = models.CharField("學校", max_length=80)
    school_year = models.PositiveSmallIntegerField("學年度")
    dropped_on = models.DateField("中輟日")
    returned_on = models.DateField("復學日", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField("登打時間")

    class Meta:
        verbose_name = "中輟紀錄"
        verbose_name_plural = "中輟紀錄"
        ordering = ["school_year", "dropped_on", "id"]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year}"
