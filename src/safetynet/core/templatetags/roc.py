"""`{{ some_date|roc }}` → 110/11/24, with the time 110/11/24 14:30: the one date format of every page and
export; `{{ some_date|roc:"long" }}` → 110年11月24日 where a sentence wants it. In English the same dates
read 2021-11-24 and, in a sentence, 2021-11-24 (ROC 110)."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone, translation
from django.utils.translation import gettext

from safetynet.domain import rocdate

register = template.Library()


def _date(value: datetime.date, style: str) -> str:
    if not (translation.get_language() or "").startswith("en"):
        return rocdate.format(value, style)
    if style == "long":
        return gettext("%(date)s (ROC %(year)s)") % {
            "date": value.isoformat(),
            "year": rocdate.to_roc_year(value),
        }
    return value.isoformat()


@register.filter
def roc(value: datetime.date | datetime.datetime | None, style: str = "slash") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{_date(local.date(), style)} {local:%H:%M}"
    return _date(value, style)
