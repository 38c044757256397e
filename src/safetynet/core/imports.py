"""`safetynet import KIND FILE`: CSV or XLSX in, all rows or none.

An importer checks every row first and collects every problem as (row, column, message); only when
there is none does it write, in one transaction, through the services. Row numbers are those a
person sees in a spreadsheet: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from safetynet.core.errors import DomainError
from safetynet.domain import nationalid, rocdate


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class Row:
    number: int
    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)

    def text(self, column: str, *, required: bool = False) -> str:
        value = (self.values.get(column) or "").strip()
        if required and not value:
            self.problem(column, "required")
        return value

    def date(self, column: str, *, required: bool = False) -> datetime.date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            return (
                datetime.date.fromisoformat(value)
                if len(value) == 10 and value[4] == "-"
                else rocdate.parse(value)
            )
        except ValueError as exc:
            self.problem(column, f"not a date ({exc})")
            return None

    def national_id(self, column: str, *, required: bool = False) -> str:
        """The normalised ID, or "" with a problem naming the failed rule (never echoing the ID)."""
        value = self.text(column, required=required)
        if not value:
            return ""
        try:
            return nationalid.validate(value)
        except nationalid.InvalidNationalId as exc:
            self.problem(column, f"{exc.rule} check failed")
            return ""

    def integer(self, column: str, *, required: bool = False, minimum: int = 0) -> int | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            number = int(float(value))
        except ValueError:
            self.problem(column, f"not a whole number: {value!r}")
            return None
        if number < minimum:
            self.problem(column, f"must be at least {minimum}")
        return number

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.number, column, message))


SUFFIXES = {".csv", ".xlsx", ".xlsm"}
# A county's largest import (a registry extract) is a few MB; anything this big is a mistake, and
# reading it whole would hold the import in memory.
MAX_BYTES = 50 * 1024 * 1024
# An XLSX is a zip: a few MB on disk may unpack to gigabytes (one shared string of 1.5 GB, three million
# rows). Its parts are measured from the zip's directory before anything is unpacked; Python's zipfile
# never unpacks a part beyond the size the directory gives it.
MAX_UNPACKED = 64 * 1024 * 1024
MAX_DIRECTORY = 1024 * 1024  # the zip's directory: a workbook has a few dozen parts, not a million
# Parts other than the sheets and their shared strings (styles, theme, workbook) are read whole into
# many small objects: a large one is no spreadsheet a person made.
MAX_PART = 4 * 1024 * 1024
DATA_PARTS = ("xl/worksheets/", "xl/sharedStrings.xml")
# Shared strings are all held at once, each a Python string: 58 MB of two million short ones took 419 MB
# (bench/import_limits.py). A sheet is read row by row and needs no such limit of its own.
SHARED_STRINGS, MAX_SHARED_STRINGS = "xl/sharedStrings.xml", 24 * 1024 * 1024
MAX_ROWS = 100_000
MAX_SHEET_ROW = 1_048_576  # the last row of a sheet (a row number beyond it is no spreadsheet's)
MAX_CELL = 10_000  # characters: the longest text any column keeps is a few thousand
MAX_LINE = 1_000_000  # characters of one CSV line: more cells than a row of MAX_CELL-long cells needs


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:,.0f} MB" if count >= 1024 * 1024 else f"{count / 1024:,.0f} KB"


def file_problem(path: Path) -> str | None:
    """What keeps `path` from being imported before a row is read (missing, a folder, another kind of
    file, too big, a workbook that unpacks too big), said in a few words; None when it may be read."""
    if not path.exists():
        return "no such file"
    if not path.is_file():
        return "not a file"
    if path.suffix.lower() not in SUFFIXES:
        return f"expected a .csv or .xlsx file, got {path.suffix or 'no suffix'}"
    size = path.stat().st_size
    if size > MAX_BYTES:
        return f"{size / 1024 / 1024:.0f} MB is more than an import reads ({MAX_BYTES // 1024 // 1024} MB)"
    if path.suffix.lower() != ".csv":
        return workbook_problem(path)
    return None


def _directory_size(path: Path) -> int | None:
    """The size of a zip's directory, from its end record; None when there is no end record (not a
    zip: openpyxl says so when it tries)."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        end = handle.tell()
        handle.seek(max(0, end - 22 - 65_535))  # the end record, after which a comment may follow
        tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    return int.from_bytes(tail[at + 12 : at + 16], "little")  # 0xFFFFFFFF for ZIP64: too big as well


def workbook_problem(path: Path) -> str | None:
    """What a workbook would unpack to beyond the limits, read from its zip directory before anything
    is unpacked; None when it fits (or is no zip at all: reading it says so)."""
    directory = _directory_size(path)
    if directory is None:
        return None
    if directory > MAX_DIRECTORY:
        return (
            f"its zip directory is {_size(directory)}, more parts than a workbook has "
            f"(an import reads {_size(MAX_DIRECTORY)})"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # reading it names the problem
    total = sum(part.file_size for part in parts)
    if total > MAX_UNPACKED:
        return f"unpacks to {_size(total)}, more than an import reads ({_size(MAX_UNPACKED)})"
    for part in parts:
        if part.filename == SHARED_STRINGS and part.file_size > MAX_SHARED_STRINGS:
            return (
                f"its shared strings unpack to {_size(part.file_size)}, more than an import reads "
                f"({_size(MAX_SHARED_STRINGS)})"
            )
        if part.file_size > MAX_PART and not part.filename.startswith(DATA_PARTS):
            return (
                f"its part {part.filename!r} unpacks to {_size(part.file_size)}, more than an import "
                f"reads of a part other than sheets and shared strings ({_size(MAX_PART)})"
            )
    return None


def _csv_lines(handle: Iterable[str]) -> Iterator[str]:
    for number, line in enumerate(handle, start=1):
        if len(line) > MAX_LINE:
            raise ImportFailed(
                [Problem(number, "FILE", f"line longer than an import reads ({MAX_LINE:,} characters)")]
            )
        yield line


def _records(path: Path) -> Iterator[Sequence[Any]]:
    """The file's rows as they are read, the header first; a workbook's cells as its values. Every
    row of the sheet is given (blank ones as empty), so that positions are row numbers."""
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from csv.reader(_csv_lines(handle))
        return
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        # The size the sheet claims may be false; rows are read as long as they are (or the header).
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_row=1, values_only=True)
        header = next(rows, ())
        while header and header[-1] in (None, ""):
            header = header[:-1]
        yield header
        yield from sheet.iter_rows(min_row=2, max_col=max(len(header), 1), values_only=True)
    finally:
        book.close()


def _failing(path: Path, records: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """`records`, with the readers' own errors said in a few words."""
    try:
        yield from records
    except UnicodeDecodeError:
        raise ImportFailed([Problem(0, "FILE", "not UTF-8 text: save the CSV as UTF-8")]) from None
    except csv.Error as exc:
        raise ImportFailed([Problem(0, "FILE", f"not a readable CSV file ({exc})")]) from None
    except (zipfile.BadZipFile, KeyError, ValueError, IndexError, TypeError):
        # openpyxl's answers to a file that is not a workbook, or has no sheet
        raise ImportFailed([Problem(0, "FILE", "not a readable XLSX workbook")]) from None
    except OSError as exc:
        raise ImportFailed([Problem(0, "FILE", f"cannot be read ({exc.strerror or exc})")]) from None


def _long_cells(number: int, header: Sequence[str], values: Sequence[Any]) -> list[Problem]:
    return [
        Problem(number, name or f"#{i + 1}", f"longer than an import reads ({MAX_CELL:,} characters)")
        for i, (name, value) in enumerate(zip(header, values, strict=False))
        if isinstance(value, str) and len(value) > MAX_CELL
    ]


def read_rows(path: Path) -> tuple[list[str], Iterator[Row]]:
    """Header and rows of a CSV (UTF-8, with or without BOM) or XLSX (first sheet) file.

    The rows are read as they are iterated, within the limits: a limit passed (rows, a cell's length,
    a sheet's last row) ends the reading with `ImportFailed` naming it, and the cells too long of the
    rows read before it. Cells beyond the header are not kept."""
    problem = file_problem(path)
    if problem is not None:
        raise ImportFailed([Problem(0, "FILE", problem)])
    records = _failing(path, _records(path))
    first = next(records, None)
    if first is None:
        raise ImportFailed([Problem(1, "FILE", "the file is empty")])
    header = [_cell(h).strip() for h in first]
    long_cells = _long_cells(1, header, header)
    if long_cells:
        raise ImportFailed(long_cells)

    def rows() -> Iterator[Row]:
        found: list[Problem] = []
        count = 0
        for number, values in enumerate(records, start=2):
            if number > MAX_SHEET_ROW:
                raise ImportFailed(
                    [*found, Problem(number, "FILE", f"beyond the last row of a sheet ({MAX_SHEET_ROW:,})")]
                )
            kept = [_cell(v) for v in values[: len(header)]]
            if not any(v.strip() for v in kept):
                continue
            count += 1
            if count > MAX_ROWS:
                raise ImportFailed(
                    [*found, Problem(number, "FILE", f"more rows than an import reads ({MAX_ROWS:,})")]
                )
            cells = _long_cells(number, header, kept)
            if cells:
                found.extend(cells)
                continue
            yield Row(number, {name: value for name, value in zip(header, kept, strict=False) if name})
        if found:
            raise ImportFailed(found)

    return header, rows()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):  # a date cell, or a date-and-time cell (received_at)
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Importer:
    """`parse` turns a row into a plan (or records problems); `write` performs one plan."""

    columns: list[str]
    optional: list[str]
    parse: Callable[[Row], Any]
    write: Callable[[Any], Any]


def run_import(importer: Importer, path: Path) -> int:
    header, rows = read_rows(path)
    missing = [c for c in importer.columns if c not in header]
    if missing:
        raise ImportFailed([Problem(1, c, "column is missing from the header") for c in missing])
    unknown = [c for c in header if c and c not in importer.columns and c not in importer.optional]
    if unknown:
        raise ImportFailed([Problem(1, c, "unknown column") for c in unknown])
    plans: list[tuple[Row, Any]] = []
    problems: list[Problem] = []
    # Every row is read, within the limits, before the first is parsed: a file refused for its size
    # is refused at once, not after its first hundred thousand rows have been checked.
    for row in list(rows):
        plan = importer.parse(row)
        problems.extend(row.problems)
        plans.append((row, plan))
    if problems:
        raise ImportFailed(problems)
    with transaction.atomic():
        for row, plan in plans:
            try:
                importer.write(plan)
            except DomainError as error:
                problems.append(Problem(row.number, error.field or "-", error.message))
        if problems:
            raise ImportFailed(problems)  # leaving the block by an exception rolls every row back
    return len(plans)
