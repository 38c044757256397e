"""The report as PDF: the document's HTML (`reporting/document.html`) laid out by WeasyPrint.

Noto Sans CJK TC is named on the page and on every page-margin box, or WeasyPrint would pick the
Japanese glyphs of the same font collection. Nothing is fetched: the charts and the map are inline
SVG, and the URL fetcher refuses every URL.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from safetynet.reporting.document import Block, Cell, Chart, Document, Figure, Table, printed


def no_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"the report fetches nothing; refused {url[:80]!r}")


def html(document: Document) -> str:
    sections = [
        {"section": section, "blocks": [_block(block) for block in section.blocks]}
        for section in document.sections
    ]
    return render_to_string("reporting/document.html", {"document": document, "sections": sections})


SHORT = 6


def _cells(row: list[Cell], table: Table, short: list[bool]) -> list[tuple[str, str]]:
    """Each cell printed, with its class: numbers right-aligned, short words kept on one line."""
    return [
        (printed(cell, column.kind), "num" if column.kind != "text" else "short" if keep else "")
        for cell, column, keep in zip(row, table.columns, short, strict=True)
    ]


def _short_columns(table: Table) -> list[bool]:
    """Columns of short words (達成, 系統計算, 110年): never broken across lines."""
    lines = [*table.rows, *([table.total] if table.total else [])]
    return [
        all(len(printed(line[index], column.kind)) <= SHORT for line in lines) and len(column.label) <= SHORT
        for index, column in enumerate(table.columns)
    ]


def _block(block: Block) -> dict[str, Any]:
    if isinstance(block, Table):
        short = _short_columns(block)
        return {
            "kind": "table",
            "block": block,
            "rows": [
                {"cells": _cells(row, block, short), "subtotal": i in block.subtotals}
                for i, row in enumerate(block.rows)
            ],
            "total": _cells(block.total, block, short) if block.total else None,
            "header": [
                (column.label, "num" if column.kind != "text" else "short" if keep else "")
                for column, keep in zip(block.columns, short, strict=True)
            ],
        }
    if isinstance(block, Chart | Figure):
        # a trend chart takes half the width: two a row
        half = isinstance(block, Chart) and block.kind == "line"
        return {"kind": "drawing", "block": block, "svg": mark_safe(block.svg), "half": half}  # noqa: S308 - SVG drawn by our chart code from numbers
    return {"kind": "notes", "block": block}


def write(document: Document) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=html(document), url_fetcher=no_fetch).write_pdf()
    return pdf
