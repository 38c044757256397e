"""`{{ some_date|roc }}` → 110/11/24, with the time 110/11/24 14:30: the one date format of every page and
export; `{{ some_date|roc:"long" }}` → 110年11月24日 where a sentence wants it; `{{ period|period_name }}`
names an indicator's period. English readers read them as `safetynet.core.dates` writes them."""

from __future__ import annotations

from django import template

from safetynet.core import dates

register = template.Library()
register.filter("roc", dates.roc)
register.filter("period_name", dates.period_name)
