"""Dates and indicator periods as a reader of either language reads them: ROC in zh-Hant (110/11/24,
110年11月24日, 110學年度), in English 2021-11-24, 2021-11-24 (ROC 110) in a sentence, and school year
2021–22 (ROC 110)."""

from __future__ import annotations

import datetime

from django.utils import timezone, translation

from safetynet.domain import rocdate
from safetynet.domain.indicators import Period


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


def show_date(value: datetime.date, style: str) -> str:
    if not _english():
        return rocdate.format(value, style)
    if style == "long":
        return f"{value.isoformat()} (ROC {rocdate.to_roc_year(value)})"
    return value.isoformat()


def roc(value: datetime.date | datetime.datetime | None, style: str = "slash") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{show_date(local.date(), style)} {local:%H:%M}"
    return show_date(value, style)


def period_name(period: Period) -> str:
    if not _english():
        return period.label
    start, roc_year = period.start, rocdate.to_roc_year(period.start)
    if period.kind == "school_year":
        return f"School year {start.year}–{(start.year + 1) % 100:02d} (ROC {roc_year})"
    if period.kind == "quarter":
        return f"{start.year} Q{(start.month + 2) // 3} (ROC {roc_year})"
    if period.kind == "month":
        return f"{start:%Y-%m} (ROC {roc_year})"
    return f"{start.year} (ROC {roc_year})"
