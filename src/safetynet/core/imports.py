"""`safetynet import KIND FILE`: CSV or XLSX in, all rows or none.

An importer checks every row first and collects every problem as (row, column, message); only when
there is none does it write, in one transaction, through the services. Row numbers are those a
person sees in a spreadsheet: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime
import zipfile
from collections.abc import Callable, Iterator
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


def file_problem(path: Path) -> str | None:
    """What keeps `path` from being imported before a row is read (missing, a folder, another kind of
    file, too big), said in a few words; None when it may be read."""
    if not path.exists():
        return "no such file"
    if not path.is_file():
        return "not a file"
    if path.suffix.lower() not in SUFFIXES:
        return f"expected a .csv or .xlsx file, got {path.suffix or 'no suffix'}"
    size = path.stat().st_size
    if size > MAX_BYTES:
        return f"{size / 1024 / 1024:.0f} MB is more than an import reads ({MAX_BYTES // 1024 // 1024} MB)"
    return None


def _records(path: Path) -> list[list[str]]:
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def read_rows(path: Path) -> tuple[list[str], Iterator[Row]]:
    """Header and rows of a CSV (UTF-8, with or without BOM) or XLSX (first sheet) file."""
    problem = file_problem(path)
    if problem is not None:
        raise ImportFailed([Problem(0, "FILE", problem)])
    try:
        records = _records(path)
    except UnicodeDecodeError:
        raise ImportFailed([Problem(0, "FILE", "not UTF-8 text: save the CSV as UTF-8")]) from None
    except csv.Error as exc:
        raise ImportFailed([Problem(0, "FILE", f"not a readable CSV file ({exc})")]) from None
    except (zipfile.BadZipFile, KeyError, ValueError, IndexError):
        # openpyxl's answers to a file that is not a workbook, or has no sheet
        raise ImportFailed([Problem(0, "FILE", "not a readable XLSX workbook")]) from None
    except OSError as exc:
        raise ImportFailed([Problem(0, "FILE", f"cannot be read ({exc.strerror or exc})")]) from None
    if not records:
        raise ImportFailed([Problem(1, "FILE", "the file is empty")])
    header = [h.strip() for h in records[0]]
    rows = (
        Row(number, dict(zip(header, values, strict=False)))
        for number, values in enumerate(records[1:], start=2)
        if any(str(v).strip() for v in values)
    )
    return header, rows


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
    for row in rows:
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
