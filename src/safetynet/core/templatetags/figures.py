"""`{{ rate|pct }}` → 84.62% from a ratio (0.8462), as `domain.indicators.percent` prints it: two decimals,
and a rate just under a whole percent never reads as reaching it (84.99%, not 85.00%); an
exact whole percent reads as the seeds print it (85%, 100%)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from safetynet.domain.indicators import percent

register = template.Library()


@register.filter
def pct(value: Decimal | float | None) -> str:
    if value is None or value == "":
        return "—"
    exact = Decimal(str(value)) * 100
    if exact == exact.to_integral_value():
        return f"{exact.to_integral_value()}%"  # a threshold or a whole rate: 85%, 100%
    return percent(Decimal(str(value)))


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """`{{ labels|lookup:code }}`: a dict entry by a variable key ('' when missing)."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
