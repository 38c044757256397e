"""我的個案 as XLSX: one sheet, a header row of words in the page's language, a row per case.

Written as the administrative-guidance report writes its tables (`reporting.formats.xlsx`): XlsxWriter,
Noto Sans CJK TC, a grey bold header that stays in view, every text a string (never a formula or a
link, whatever a name holds), dates as ROC text (115/12/07) — the one date format of every page and
export — and the case number as a number.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from typing import Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.cases.mine import Row
from safetynet.core import words
from safetynet.core.dates import roc
from safetynet.reporting.formats.xlsx import FONT


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cells(row: Row) -> list[str | int]:
    case, clock = row.case, row.clock
    return [
        case.pk,
        case.person.name,
        words.local_name(case.person.town) if case.person.town else "",
        words.route_name(case.route),
        case.get_status_display(),
        words.term(case.get_risk_level_display()) if case.risk_level else _("Not assessed"),
        case.lead.name if case.lead else _("Waiting for a worker"),
        roc(timezone.localdate(case.opened_at)),
        words.clock_label(clock.label) if clock else "",
        roc(clock.due_at) if clock else "",
        _("Overdue") if row.overdue else "",
    ]


def headers() -> list[str]:
    return [
        _("Case no."),
        _("Person"),
        _("Town"),
        _("Route"),
        _("Status"),
        _("Risk"),
        _("Lead worker"),
        _("Opened on"),
        _("Next clock"),
        _("Due"),
        _("Overdue"),
    ]


def workbook(rows: Sequence[Row]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    book.set_properties({"title": _("Cases")})
    font: dict[str, Any] = {"font_name": FONT, "valign": "vcenter"}
    header = book.add_format(
        {**font, "bold": True, "bg_color": "#D9D9D9", "border": 1, "text_wrap": True, "align": "center"}
    )
    text = book.add_format({**font, "border": 1, "num_format": "@"})
    number = book.add_format({**font, "border": 1, "num_format": "0"})
    late = book.add_format({**font, "border": 1, "num_format": "@", "font_color": "#A61B1B", "bold": True})
    sheet = book.add_worksheet(_("Cases")[:31])
    names = headers()
    widths = [_width(name) for name in names]
    for col, name in enumerate(names):
        sheet.write_string(0, col, name, header)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(_cells(row)):
            if isinstance(value, int):
                sheet.write_number(r, col, value, number)
                continue
            fmt = late if row.overdue and col >= len(names) - 2 else text
            if value:
                sheet.write_string(r, col, value, fmt)
            else:
                sheet.write_blank(r, col, None, fmt)
            widths[col] = max(widths[col], _width(value))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(max(width, 6) + 2, 40))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(rows), len(names) - 1)
    book.close()
    return buffer.getvalue()
