"""`{{ some_date|roc }}` → 110年11月24日; `{{ some_date|roc:"dot" }}` → 110.11.24."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from safetynet.domain import rocdate

register = template.Library()


@register.filter
def roc(value: datetime.date | datetime.datetime | None, style: str = "long") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{rocdate.format(local.date(), style)} {local:%H:%M}"
    return rocdate.format(value, style)
