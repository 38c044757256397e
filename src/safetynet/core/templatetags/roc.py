"""`{{ some_date|roc }}` → 110/11/24, with the time 110/11/24 14:30: the one date format of every page and
export; `{{ some_date|roc:"long" }}` → 110年11月24日 where a sentence wants it."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from safetynet.domain import rocdate

register = template.Library()


@register.filter
def roc(value: datetime.date | datetime.datetime | None, style: str = "slash") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{rocdate.format(local.date(), style)} {local:%H:%M}"
    return rocdate.format(value, style)
