"""Picking a town: each named with its county, grouped by county, filtered as one types."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.core import words
from safetynet.geo.models import Town


class TownSelect(forms.Select):
    """A town <select> (grouped by county, each town named with its county) that `core/pickers.js`
    turns into a field filtered as one types; without JavaScript it stays a plain select."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "data-town-picker": "",
            "data-placeholder": _("e.g. 民雄 or 嘉義市東區"),
            "data-none": _("No town matches: pick one from the list."),
            "data-many": _("Several towns match: type more of the name, or pick one from the list."),
        }
        super().__init__({**base, **(attrs or {})})


def town_choices(area: str | None) -> list[tuple[str, Any]]:
    """Towns grouped by county, the receiving county first, each named with its county: 嘉義市東區 and
    臺南市東區 are different places (ten counties have a 東區, a 中正區 or a 中山區)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    names: dict[str, str] = {}
    for town in Town.objects.select_related("county").order_by("code"):
        groups.setdefault(town.county_id, []).append((town.code, town.full_name))
        names[town.county_id] = words.local_name(town.county)
    order = sorted(groups, key=lambda code: (code != area, code))
    return [("", "—"), *((names[code], groups[code]) for code in order)]
