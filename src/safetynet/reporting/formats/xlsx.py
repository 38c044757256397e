"""The report as XLSX (XlsxWriter): a cover sheet 「封面」 with an index, then one sheet per block.

Tables keep their numbers as numbers (counts and money as integers, percentages as fractions shown
with a % format, `Quantity` cells in their own kind); small public cells read `<3` and missing ones
`—`. Charts get their figures as a small table and a native Excel chart drawn from those cells; the
map has no worksheet equivalent, so its sheet says where to find it. Every text is written as a
string, never as a formula or a link.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from decimal import Decimal
from typing import Any

import xlsxwriter

from safetynet.reporting.document import (
    Block,
    Cell,
    Chart,
    Document,
    Figure,
    Kind,
    Notes,
    Quantity,
    Suppressed,
    Table,
    printed,
)

FONT = "Noto Sans CJK TC"
COVER = "封面"
MAP_NOTE = "地圖請見本報告之 PDF 或 DOCX 版本（試算表無法置入向量圖）。"
_INVALID = re.compile(r"[\[\]:*?/\\]")
_HEADER = {
    "bold": True,
    "bg_color": "#D9D9D9",
    "border": 1,
    "text_wrap": True,
    "align": "center",
    "valign": "vcenter",
}


def sheet_names(document: Document) -> list[tuple[str, Block]]:
    """Every block with its sheet name: a running number and the title, as Excel allows (≤31 chars)."""
    blocks = [block for section in document.sections for block in section.blocks]
    named = []
    for number, block in enumerate(blocks, start=1):
        title = " ".join(_INVALID.sub(" ", block.title).split())
        named.append((f"{number:02d} {title}"[:31].rstrip(" '"), block))
    return named


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Formats:
    """Format objects made once per distinct set of properties."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.made: dict[tuple[tuple[str, Any], ...], Any] = {}

    def __call__(self, **properties: Any) -> Any:
        key = tuple(sorted({"font_name": FONT, **properties}.items()))
        if key not in self.made:
            self.made[key] = self.workbook.add_format(dict(key))
        return self.made[key]


_NUM_FORMATS: dict[str, str] = {"count": "#,##0", "money": "#,##0", "percent": "0.00%"}


def _cell_value(cell: Cell, kind: Kind) -> tuple[str | float, str | None]:
    """What a cell writes: a string, or a number with its num_format."""
    if cell is None or isinstance(cell, Suppressed | str):
        return printed(cell, kind), None
    if isinstance(cell, Quantity):
        return _cell_value(cell.value, cell.kind)
    if kind == "percent":
        # the fraction the printed percentage stands for, so Excel's rounding shows the same digits
        return float(Decimal(printed(cell, kind).rstrip("%")) / 100), _NUM_FORMATS[kind]
    if kind in _NUM_FORMATS:
        return float(cell), _NUM_FORMATS[kind]
    if kind == "text":
        return float(cell), "General"
    return float(cell), "#,##0" if cell == int(cell) else "#,##0.00"


def _write(sheet: Any, row: int, col: int, value: str | float, fmt: Any) -> None:
    if isinstance(value, str):
        sheet.write_string(row, col, value, fmt)
    else:
        sheet.write_number(row, col, value, fmt)


def _title(sheet: Any, formats: _Formats, title: str) -> None:
    sheet.write_string(0, 0, title, formats(bold=True, font_size=13))


def _notes(sheet: Any, formats: _Formats, row: int, notes: list[str]) -> None:
    for i, note in enumerate(notes):
        sheet.write_string(row + i, 0, f"註：{note}", formats())


def _table(sheet: Any, formats: _Formats, table: Table) -> None:
    _title(sheet, formats, table.title)
    if not table.rows:
        sheet.write_string(1, 0, table.empty, formats())
        _notes(sheet, formats, 3, table.notes)
        return
    header = formats(**_HEADER)
    widths = [min(_width(column.label), 16) for column in table.columns]
    for col, column in enumerate(table.columns):
        sheet.write_string(1, col, column.label, header)
    lines = [(row, i in table.subtotals) for i, row in enumerate(table.rows)]
    if table.total:
        lines.append((table.total, True))
    for r, (cells, bold) in enumerate(lines, start=2):
        for col, (cell, column) in enumerate(zip(cells, table.columns, strict=True)):
            value, num_format = _cell_value(cell, column.kind)
            align = "left" if column.kind == "text" else "right"
            fmt = formats(border=1, bold=bold, align=align, valign="vcenter", num_format=num_format or "@")
            _write(sheet, r, col, value, fmt)
            widths[col] = max(widths[col], _width(printed(cell, column.kind)))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(max(width, 4) + 2, 60))
    sheet.freeze_panes(2, 0)
    _notes(sheet, formats, len(lines) + 3, table.notes)


def _chart(workbook: Any, sheet: Any, name: str, formats: _Formats, chart: Chart) -> None:
    _title(sheet, formats, chart.title)
    header = formats(**_HEADER)
    sheet.write_string(1, 0, "類別", header)
    for i, category in enumerate(chart.categories, start=2):
        sheet.write_string(i, 0, category, formats(border=1))
    for col, series in enumerate(chart.series, start=1):
        sheet.write_string(1, col, series.name, header)
        whole = all(value is None or value.is_integer() for value in series.values)
        number = formats(border=1, num_format="0.00%" if chart.percent else "#,##0" if whole else "#,##0.00")
        for i, value in enumerate(series.values, start=2):
            if value is None:
                sheet.write_blank(i, col, None, number)
            else:
                sheet.write_number(i, col, value, number)
    sheet.set_column(0, 0, max([_width(c) for c in chart.categories] + [6]) + 2)
    sheet.set_column(1, len(chart.series), max([_width(s.name) for s in chart.series] + [8]) + 2)
    if not chart.series or not chart.categories:
        return
    last = 1 + len(chart.categories)
    font = {"name": FONT}
    # Targets are dashed lines; over columns they are a line chart combined with the column chart.
    columns = chart.kind == "column" and any(s.role != "target" for s in chart.series)
    main = workbook.add_chart({"type": "column" if columns else "line"})
    targets = any(s.role == "target" for s in chart.series)
    overlay = workbook.add_chart({"type": "line"}) if columns and targets else main
    for col, series in enumerate(chart.series, start=1):
        target = series.role == "target"
        options: dict[str, Any] = {
            "name": [name, 1, col],
            "categories": [name, 2, 0, last, 0],
            "values": [name, 2, col, last, col],
        }
        if target:
            options["line"] = {"dash_type": "dash", "width": 1.5}
        elif not columns:
            options["marker"] = {"type": "circle", "size": 5}
        (overlay if target else main).add_series(options)
    if overlay is not main:
        main.combine(overlay)
    main.set_title({"name": chart.title, "name_font": {**font, "size": 12, "bold": True}})
    main.set_x_axis({"num_font": font})
    main.set_y_axis({"num_font": font, **({"num_format": "0%"} if chart.percent else {})})
    main.set_legend({"position": "bottom", "font": font})
    main.show_blanks_as("gap")
    main.set_size({"width": 640, "height": 360})
    sheet.insert_chart(1, len(chart.series) + 2, main)


def _cover(sheet: Any, formats: _Formats, document: Document, named: list[tuple[str, Block]]) -> None:
    _title(sheet, formats, document.title)
    label = formats(bold=True)
    facts = [
        ("地區", document.area_name),
        ("年度", f"{document.year}年"),
        ("版本", document.edition_label),
        ("產製日期", document.report_day_roc),
    ]
    for r, (key, value) in enumerate(facts, start=2):
        sheet.write_string(r, 0, key, label)
        sheet.write_string(r, 1, value, formats())
    row = 2 + len(facts) + 1
    for line in document.summary:
        sheet.write_string(row, 0, line, formats())
        row += 1
    row += 1
    sheet.write_string(row, 0, "目錄", label)
    link = formats(font_color="blue", underline=1)
    for name, block in named:
        row += 1
        quoted = name.replace("'", "''")
        sheet.write_url(row, 0, f"internal:'{quoted}'!A1", link, string=name)
        sheet.write_string(row, 1, block.title, formats())
    sheet.set_column(0, 0, max([_width(name) for name, _b in named] + [10]) + 2)
    sheet.set_column(1, 1, 60)


def write(document: Document) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    created = datetime.datetime.combine(document.report_day, datetime.time(), tzinfo=datetime.UTC)
    workbook.set_properties(
        {"title": document.title, "subject": f"{document.area_name} {document.year}年", "created": created}
    )
    formats = _Formats(workbook)
    named = sheet_names(document)
    _cover(workbook.add_worksheet(COVER), formats, document, named)
    for name, block in named:
        sheet = workbook.add_worksheet(name)
        if isinstance(block, Table):
            _table(sheet, formats, block)
        elif isinstance(block, Chart):
            _chart(workbook, sheet, name, formats, block)
        elif isinstance(block, Figure):
            _title(sheet, formats, block.title)
            sheet.write_string(1, 0, MAP_NOTE, formats())
            _notes(sheet, formats, 3, block.notes)
        elif isinstance(block, Notes):
            _title(sheet, formats, block.title)
            for i, item in enumerate(block.items or [block.empty], start=1):
                sheet.write_string(i, 0, item, formats())
    workbook.close()
    return buffer.getvalue()
