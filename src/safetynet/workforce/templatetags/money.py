"""`{{ amount|ntd }}` → 1,242,000: whole NT$ with thousands separators whatever the locale groups."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def ntd(value: int | Decimal | None) -> str:
    if value is None or value == "":
        return "—"
    whole = int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{whole:,}"
