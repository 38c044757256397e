"""`safetynet report --area CODE --year ROCYEAR --format pdf|xlsx|docx --output FILE`: the
administrative-guidance report from records. Logged like every export; `--edition internal` (workers'
names) needs `--by` a manager's user name. On a terminal a progress bar is drawn on stderr."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetynet.core.errors import DomainError
from safetynet.reporting import services
from safetynet.reporting.models import Edition, Format

BAR = 30


class Command(BaseCommand):
    help = "Generate the administrative-guidance report of one area and ROC year as PDF, XLSX or DOCX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", required=True, help="county code, e.g. 10010")
        parser.add_argument("--year", required=True, type=int, help="ROC year, e.g. 110")
        parser.add_argument("--format", required=True, choices=Format.values)
        parser.add_argument("--output", required=True, type=Path, help="the file to write")
        parser.add_argument("--edition", choices=Edition.values, default=Edition.PUBLIC)
        parser.add_argument("--by", default="", help="user name of who asks for it (a manager for internal)")
        parser.add_argument(
            "--referrals", default="", help="ROC years of the referral statistics, e.g. 107-109"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        if not output.parent.is_dir():
            raise CommandError(f"output: the folder {str(output.parent)!r} does not exist")
        by = None
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"by: no user named {options['by']!r}")
        try:
            export = services.request_export(
                area=options["area"],
                year=options["year"],
                format=options["format"],
                edition=options["edition"],
                by=by,
                referrals=_years(options["referrals"]),
                channel="cli",
            )
        except DomainError as error:
            raise CommandError(f"{error.field}: {error.message}") from None
        terminal = sys.stderr.isatty()
        data = services.generate(export, progress=_bar if terminal else None)
        if terminal:
            sys.stderr.write("\n")
        output.write_bytes(data)
        self.stdout.write(f"{output} ({len(data):,} bytes, {export.get_edition_display()}, log #{export.pk})")


def _years(text: str) -> tuple[int, int] | None:
    if not text:
        return None
    match = re.fullmatch(r"\s*(\d{2,3})\s*-\s*(\d{2,3})\s*", text)
    if not match:
        raise CommandError("referrals: expected two ROC years such as 107-109")
    return int(match[1]), int(match[2])


def _bar(percent: int, step: str) -> None:
    done = BAR * percent // 100
    sys.stderr.write(f"\r[{'#' * done}{'.' * (BAR - done)}] {percent:3d}% {step:<20}")
    sys.stderr.flush()
