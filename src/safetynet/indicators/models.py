"""Indicators as data: what each one counts, its targets, reported values and published snapshots.

An indicator is computed from records by a named method (`indicators.computations`) with its
parameters, or reported as an aggregate by another agency (`ReportedValue`). Values published for a
period are kept as `Snapshot`s; the engine shows a recomputation beside them when it differs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.geo.models import County


class Source(models.TextChoices):
    COMPUTED = "computed", _("Computed from records")
    REPORTED = "reported", _("Reported by another agency")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Calendar year")
    SCHOOL_YEAR = "school_year", _("School year")


class Unit(models.TextChoices):
    RATE = "rate", _("Proportion")
    RATIO = "ratio", _("Cases per worker")
    COUNT = "count", _("Count")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Indicator(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.COMPUTED)
    method = models.CharField(_("computation method"), max_length=40, blank=True)
    params = models.JSONField(_("computation parameters"), default=dict, blank=True)
    numerator = models.CharField(_("numerator"), max_length=300)
    denominator = models.CharField(_("denominator"), max_length=300, blank=True)
    period = models.CharField(_("period"), max_length=12, choices=PeriodKind.choices, default=PeriodKind.YEAR)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.RATE)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    catalogue = models.BooleanField(
        _("in the catalogue"), default=True, help_text=_("Listed at every computation.")
    )
    reference = models.CharField(_("reference value"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("performance indicator")
        verbose_name_plural = _("performance indicators")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Target(models.Model):
    """The target of an indicator for a plan year: an area's own, or every area's (area blank)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    area = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("county")
    )
    plan_year = models.PositiveSmallIntegerField(_("plan year (ROC)"))
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=4)
    source = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
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
    area = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    period_kind = models.CharField(_("period"), max_length=12, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    numerator = models.DecimalField(_("numerator"), max_digits=14, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(
        _("denominator"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    value = models.DecimalField(_("reported value"), max_digits=12, decimal_places=6, null=True, blank=True)
    source = models.CharField(_("data source"), max_length=200)
    reported_on = models.DateField(_("reported on"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("recorded at"))
    note = models.CharField(_("remarks"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
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
    area = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    period_kind = models.CharField(_("period"), max_length=12, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    numerator = models.DecimalField(_("numerator"), max_digits=14, decimal_places=4, null=True)
    denominator = models.DecimalField(_("denominator"), max_digits=14, decimal_places=4, null=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=6, null=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=4, null=True)
    met = models.BooleanField(_("met"), null=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("published value")
        verbose_name_plural = _("published values")
        ordering = ["indicator_id", "period_start", "-published_at"]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.area_id} {self.period_start}: {self.value}"


class DropoutRecord(models.Model):
    """The dropout register, where the county keeps it: one student's dropping out and return."""

    area = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    student = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    school = models.CharField(_("school"), max_length=80)
    school_year = models.PositiveSmallIntegerField(_("school year"))
    dropped_on = models.DateField(_("dropped out on"))
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("dropout record")
        verbose_name_plural = _("dropout records")
        ordering = ["school_year", "dropped_on", "id"]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year}"
