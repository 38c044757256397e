"""`safetynet kpi --area CODE --year ROCYEAR [--format json|table]`: the catalogue from records."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetynet.core.errors import DomainError
from safetynet.indicators.engine import Value
from safetynet.indicators.selectors import indicators_for


class Command(BaseCommand):
    help = "Compute every indicator of the catalogue for one area and ROC year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", required=True, help="county code, e.g. 10010")
        parser.add_argument("--year", required=True, type=int, help="ROC year, e.g. 110")
        parser.add_argument("--format", choices=("json", "table"), default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            values = indicators_for(options["area"], options["year"])
        except DomainError as error:
            raise CommandError(f"{error.field}: {error.message}") from None
        if options["format"] == "json":
            self.stdout.write(json.dumps([v.as_json() for v in values], ensure_ascii=False, indent=2))
        else:
            self.stdout.write(table(values))


def table(values: list[Value]) -> str:
    rows = [("code", "name", "numerator", "denominator", "value", "target", "met")]
    for v in values:
        data = v.as_json()
        rows.append(
            (
                v.indicator.code,
                v.indicator.name,
                _cell(data["numerator"]),
                _cell(data["denominator"]),
                v.shown,
                v.target_shown,
                {True: "yes", False: "NO", None: "—"}[v.met],
            )
        )
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip()
        for row in rows
    )


def _cell(value: Any) -> str:
    return "—" if value is None else str(value)


def _width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
