"""The report as data: sections of tables, charts, maps and notes, built once (`build`) and written by
each format (`formats`), so a PDF, an XLSX and a DOCX of the same report never disagree.

Cells hold numbers as numbers (int, or Decimal fractions for percentages); a column says how its
cells print. Columns that count people or cases are `sensitive`: in the public edition their cells
under 3 are replaced by `SUPPRESSED` (with a second cell when a total would give the first away).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

from safetynet.domain import rocdate
from safetynet.domain.disclosure import THRESHOLD, hidden
from safetynet.domain.indicators import percent

Kind = Literal["text", "count", "number", "percent", "money"]


class Suppressed:
    """A small cell of the public edition."""

    text = f"<{THRESHOLD}"

    def __repr__(self) -> str:
        return "SUPPRESSED"


SUPPRESSED = Suppressed()


@dataclass(frozen=True)
class Quantity:
    """A figure printed in its own way in a column of mixed units (an indicator's value or target)."""

    value: Decimal | int
    kind: Kind


Cell = str | int | Decimal | Quantity | Suppressed | None


@dataclass(frozen=True)
class Column:
    label: str
    kind: Kind = "text"
    sensitive: bool = False  # counts people or cases: suppressed under 3 in the public edition
    derived_from: tuple[int, ...] = ()  # columns this one is worked out from: hidden with any of them


@dataclass
class Table:
    key: str  # stable and short: the XLSX sheet and the tests find a table by it
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    subtotals: set[int] = field(default_factory=set)  # indexes of rows printed as subtotals
    notes: list[str] = field(default_factory=list)
    empty: str = ""  # said instead of the table when it has no rows

    def suppressed(self) -> Table:
        """This table as the public edition prints it."""
        rows = [list(row) for row in self.rows]
        total = list(self.total) if self.total else None
        changed = False
        for index, column in enumerate(self.columns):
            if not column.sensitive:
                continue
            values = [_count(row[index]) for row in rows]
            for i in hidden(values, with_total=total is not None):
                rows[i][index] = SUPPRESSED
                changed = True
            if total is not None and hidden([_count(total[index])], with_total=False):
                total[index] = SUPPRESSED
                changed = True
        for index, column in enumerate(self.columns):
            for line in [*rows, *([total] if total else [])]:
                if any(isinstance(line[i], Suppressed) for i in column.derived_from):
                    line[index] = SUPPRESSED
        notes = [*self.notes, SUPPRESSION_NOTE] if changed else self.notes
        return replace(self, rows=rows, total=total, notes=notes)


SUPPRESSION_NOTE = (
    f"公開版：人數或案數未滿{THRESHOLD}之格以「<{THRESHOLD}」表示，必要時另遮蔽一格以免由合計推得。"
)


def _count(cell: Cell) -> int | None:
    return cell if isinstance(cell, int) and not isinstance(cell, bool) else None


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]
    role: Literal["value", "target", "approved", "filled"] = "value"


@dataclass
class Chart:
    key: str
    title: str
    svg: str  # the drawing for PDF and DOCX (`domain.charts`)
    kind: Literal["line", "column"]
    categories: list[str]
    series: list[Series]  # the same figures, for the XLSX's native chart
    percent: bool = False


@dataclass
class Figure:
    """A drawing without a native equivalent (the county map)."""

    key: str
    title: str
    svg: str
    notes: list[str] = field(default_factory=list)


@dataclass
class Notes:
    key: str
    title: str
    items: list[str]
    empty: str = ""


Block = Table | Chart | Figure | Notes


@dataclass
class Section:
    number: int
    heading: str
    blocks: list[Block]


@dataclass
class Document:
    title: str
    area_code: str
    area_name: str
    year: int
    edition: str  # an Edition: public or internal
    edition_label: str
    report_day: datetime.date
    as_of: datetime.date  # the day staffing and caseloads are counted
    sections: list[Section]
    summary: list[str] = field(default_factory=list)  # what the cover says about the figures' days

    @property
    def report_day_roc(self) -> str:
        return rocdate.format(self.report_day)

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]

    def figures(self) -> list[Figure]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]


def printed(cell: Cell, kind: Kind) -> str:
    """A cell as the PDF and the DOCX print it (the XLSX keeps the number)."""
    if cell is None:
        return "—"
    if isinstance(cell, Suppressed):
        return cell.text
    if isinstance(cell, str):
        return cell
    if isinstance(cell, Quantity):
        return printed(cell.value, cell.kind)
    if kind == "percent":
        return percent(Decimal(cell))
    if kind == "money":
        return f"{int(cell):,}"
    if isinstance(cell, Decimal):
        return (
            f"{cell.normalize():f}"
            if cell == cell.to_integral_value()
            else f"{cell.quantize(Decimal('0.01'))}"
        )
    return f"{cell}"
