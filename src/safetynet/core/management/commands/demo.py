"""`safetynet demo`: migrate, seed the demo county if the database is empty, serve, print the logins."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetynet.core.fields import check_keys
from safetynet.demo import login_lines, write_login_sheet
from safetynet.geo import boundaries
from safetynet.org.models import Staff


class Command(BaseCommand):
    help = "Migrate, load the demo if the database is empty, and serve on http://127.0.0.1:PORT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="prepare the database only")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        problems = check_keys()
        if problems:
            raise CommandError("; ".join(problems))
        if not settings.GEO_BOUNDARIES.exists():
            try:
                boundaries.build()
            except boundaries.BoundariesMissing as exc:
                self.stderr.write(f"maps disabled: {exc}")
        if Staff.objects.exists():
            lines = login_lines()
            self.stdout.write("\n".join(lines))
            self.stdout.write(f"(kept in {write_login_sheet(lines)})")
        else:
            self.stdout.write("loading the demo county (嘉義縣, 嘉義市) …")
            call_command("seed_demo", stdout=self.stdout)
        if not options["no_serve"]:
            # The job worker (clocks turning overdue, notifications) runs beside the web server.
            jobs = subprocess.Popen([sys.executable, "-m", "safetynet.cli", "run_huey"])  # noqa: S603 - our interpreter
            self.stdout.write(f"Serving on http://127.0.0.1:{options['port']}/ (Ctrl-C to stop)")
            try:
                call_command("runserver", f"127.0.0.1:{options['port']}", use_reloader=False)
            finally:
                jobs.terminate()
                jobs.wait(timeout=10)
