"""`{{ rate|pct }}` → 84.6% from a ratio (0.8462); one decimal, so 84.6% never reads as 85%."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def pct(value: Decimal | float | None) -> str:
    if value is None or value == "":
        return "—"
    # Rounded down: a rate just under a threshold must not be shown as reaching it.
    shown = (Decimal(str(value)) * 100).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    return f"{shown.normalize():f}%" if shown == shown.to_integral() else f"{shown}%"


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """`{{ labels|lookup:code }}`: a dict entry by a variable key ('' when missing)."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
