"""Screening rule sets as versioned documents: drafted, published, never edited after publishing."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
