"""Approved positions (編制/核定) and how many are filled on a given day.

A `Position` is one line of the staffing plan (unit, role, funding); its approved head count is set
per plan year (`PositionYear`). Staff fill a line through `Staff.position`, so the filled count on any
day is the number of its staff employed on that day.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Count, Q

from safetynet.geo.models import County
from safetynet.org.models import Role, Unit


class Funding(models.TextChoices):
    CENTRAL = "central", "中央補助"
    LOCAL = "local", "地方自籌"
    LOTTERY = "lottery", "公益彩券盈餘"
    OUTSOURCED = "outsourced", "委外"


class PositionQuerySet(models.QuerySet["Position"]):
    def with_filled(self, day: datetime.date) -> PositionQuerySet:
        employed = Q(staff__hired_on__lte=day) & (Q(staff__left_on__isnull=True) | Q(staff__left_on__gte=day))
        return self.annotate(filled=Count("staff", filter=employed, distinct=True))


class Position(models.Model):
    area = models.ForeignKey(County, on_delete=models.PROTECT, related_name="positions", verbose_name="縣市")
    strategy = models.PositiveSmallIntegerField("策略", null=True, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="positions", verbose_name="單位")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="positions", verbose_name="角色")
    category = models.CharField("業務別", max_length=40, blank=True)
    funding = models.CharField("經費來源", max_length=20, choices=Funding.choices)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = "員額"
        verbose_name_plural = "員額"
        ordering = ["area_id", "strategy", "unit_id", "role_id", "id"]

    def __str__(self) -> str:
        label = f"{self.unit} {self.role}"
        return f"{label}（{self.category}）" if self.category else label


class PositionYear(models.Model):
    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="years", verbose_name="員額"
    )
    plan_year = models.PositiveSmallIntegerField("計畫年度(民國)")
    approved = models.PositiveSmallIntegerField("核定員額")

    class Meta:
        verbose_name = "年度核定員額"
        verbose_name_plural = "年度核定員額"
        ordering = ["plan_year"]
        constraints = [
            models.UniqueConstraint(fields=["position", "plan_year"], name="position_year_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.position} {self.plan_year}: {self.approved}"
