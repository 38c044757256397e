"""`safetynet triage`: one report as JSON on stdin → the screening decision as JSON; saves nothing."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safetynet.domain.triage import decide
from safetynet.intake.facts import InvalidReport, parse_report
from safetynet.intake.rules import current_rule_set


class Command(BaseCommand):
    help = "Read one report as JSON on stdin and print the screening decision as JSON (nothing is saved)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = json.load(sys.stdin)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"stdin is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from None
        rules = current_rule_set()
        try:
            report = parse_report(data, rules)
        except InvalidReport as invalid:
            for problem in invalid.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(invalid.problems)} problem(s) in the report") from None
        decision = decide(report, rules)
        self.stdout.write(json.dumps(decision.to_json(), ensure_ascii=False, indent=2))
