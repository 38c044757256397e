"""Reads of the indicators for the CLI, the API and the pages: the area and year checked first."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from safetynet.core.errors import DomainError
from safetynet.geo.models import County
from safetynet.indicators import engine
from safetynet.indicators.services import check_plan_year


def indicators_for(area: str, year: int, today: datetime.date | None = None) -> list[engine.Value]:
    """The catalogue for a county and ROC year; an unknown county or a year outside every plan
    phase is refused with the field named."""
    if not County.objects.filter(code=area).exists():
        raise DomainError(_("No county has the code %(code)s.") % {"code": repr(area)}, field="area")
    check_plan_year(year, "year")
    return engine.catalogue(area, year, today)
