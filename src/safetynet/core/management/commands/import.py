"""`safetynet import KIND FILE`: all rows or none; every problem listed with row and column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetynet.core.imports import Importer, ImportFailed, file_problem, run_import
from safetynet.indicators.imports import reported_importer
from safetynet.intake.imports import reports_importer
from safetynet.org.imports import staff_importer
from safetynet.people.imports import persons_importer, registry_importer
from safetynet.referrals.imports import partners_importer, referrals_importer
from safetynet.workforce.imports import positions_importer

KINDS: dict[str, Callable[[str], Importer]] = {
    "partners": lambda source: partners_importer(),
    "persons": lambda source: persons_importer(),
    "positions": lambda source: positions_importer(),
    "referrals": lambda source: referrals_importer(),
    "reported": reported_importer,
    "registry": registry_importer,
    "reports": lambda source: reports_importer(),
    "staff": lambda source: staff_importer(),
}


class Command(BaseCommand):
    help = "Import a CSV or XLSX file: all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="who entered the rows (reported: default the first superuser or administrator)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        unreadable = file_problem(path)  # before the importer reads anything from the database
        if unreadable is not None:
            raise CommandError(f"{path}: {unreadable}")
        try:
            if options["kind"] == "reported":  # the one kind that records who entered its rows
                importer = reported_importer(path.name, by=options["by"])
            else:
                importer = KINDS[options["kind"]](path.name)
            count = run_import(importer, path)
        except ImportFailed as failure:
            if [p.column for p in failure.problems] == ["FILE"] and failure.problems[0].row == 0:
                raise CommandError(f"{path}: {failure.problems[0].message}") from None  # unreadable
            for problem in failure.problems[:200]:
                self.stderr.write(f"{path.name}: {problem}")
            if len(failure.problems) > 200:
                self.stderr.write(f"… and {len(failure.problems) - 200} more")
            raise CommandError(f"nothing imported: {len(failure.problems)} problem(s)") from None
        noun = (
            "rows" if options["kind"] == "reports" else options["kind"]
        )  # a report spans its subjects' rows
        self.stdout.write(f"imported {count} {noun} from {path.name}")
