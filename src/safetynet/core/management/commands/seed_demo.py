"""`safetynet seed-demo [--seed N] [--years 110-114] [--scale F]`: fill an empty database with the demo.

The demo accounts get the password in SAFETYNET_DEMO_PASSWORD, or `DEFAULT_DEMO_PASSWORD`. The command
prints counts and the logins, never a name, national ID or password; for the accounts that sign in with a
second step, the demo's own authenticator keys and a few backup codes (also kept in DEMO_LOGINS_FILE).
"""

from __future__ import annotations

import math
import os
import re
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetynet.core.errors import DomainError
from safetynet.demo import DEFAULT_DEMO_PASSWORD, login_lines, write_login_sheet
from safetynet.demo.generator import PLAN_YEARS, seed

YEARS_RE = re.compile(r"\s*([0-9]{1,4})\s*-\s*([0-9]{1,4})\s*")


def parse_years(text: str) -> tuple[int, int]:
    match = YEARS_RE.fullmatch(text)
    if match is None:
        raise CommandError(f"--years: expected two ROC years such as 110-114, got {text!r}")
    first, last = int(match.group(1)), int(match.group(2))
    low, high = PLAN_YEARS.start, PLAN_YEARS.stop - 1
    if not (low <= first <= high and low <= last <= high):
        raise CommandError(f"--years: ROC years must be between {low} and {high}, got {text!r}")
    if first > last:
        raise CommandError(f"--years: the first year must not be after the last, got {text!r}")
    return first, last


def parse_scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CommandError(f"--scale: expected a number such as 1 or 0.1, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise CommandError(f"--scale: must be above 0, got {text!r}")
    return value


class Command(BaseCommand):
    help = "Fill an empty database with the demo county (嘉義縣, 嘉義市): units, staffing, staff, persons."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed, the same county")
        parser.add_argument("--years", default="110-114", help="ROC plan years, e.g. 110-114")
        parser.add_argument(
            "--scale",
            default="1",
            help="1: about one person per 250 residents and ~575 reports a year (6 is closer to the real volume)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        years = parse_years(options["years"])
        scale = parse_scale(str(options["scale"]))
        password = os.environ.get("SAFETYNET_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        started = time.perf_counter()
        try:
            summary = seed(seed=options["seed"], years=years, scale=scale, password=password)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Demo county loaded in {elapsed:.1f} s (seed {options['seed']}, years {years[0]}-{years[1]}, "
            f"scale {scale:g}):"
        )
        for label, count in summary.counts().items():
            self.stdout.write(f"  {label:<14} {count:>6}")
        lines = login_lines()
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"(kept in {write_login_sheet(lines)})")
