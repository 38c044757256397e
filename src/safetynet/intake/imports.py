"""Import reports: `safetynet import reports FILE`, e.g. a backlog or the history of an earlier system.

One row is one subject; rows sharing an `external_id` are one report and must agree on its time, area,
source and screening time. A respondent's or family member's `type` may be empty: they take the types of
violence of the report's victims and children. Every row is checked against the same validation as the API
(`intake.facts.parse_report`) before anything is written, and each problem's JSON path is mapped back
to a row and a column. With `screened_at` and `route`, the decision is recorded as history
(`record_legacy_screening`): nobody is sent a case.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from safetynet.core import locks
from safetynet.core.errors import DomainError
from safetynet.core.imports import Importer, ImportFailed, Problem, Row
from safetynet.domain import rocdate
from safetynet.domain.triage import OWN_TYPES_ROLES
from safetynet.geo.models import County
from safetynet.intake import facts
from safetynet.intake.models import Channel, Report
from safetynet.intake.rules import current_rule_set
from safetynet.intake.services import receive_report, record_legacy_screening
from safetynet.people.imports import town_lookup

COLUMNS = [
    "external_id",
    "received_at",
    "area",
    "source",
    "type",
    "role",
    "subject_name",
    "subject_national_id",
    "subject_birth_date",
    "subject_town",
]
OPTIONAL = ["screened_at", "route"]
# Report-level columns: rows of one report must agree on them.
SHARED = ("received_at", "area", "source", "screened_at")
# From a problem's JSON path (facts.parse_report) to the column at fault.
REPORT_COLUMNS = {"received_at": "received_at", "area": "area", "source": "source"}
SUBJECT_COLUMNS = {
    "role": "role",
    "types": "type",
    "town": "subject_town",
    "name": "subject_name",
    "national_id": "subject_national_id",
    "birth_date": "subject_birth_date",
}
SEPARATORS = re.compile(r"[、,，;；\s]+")
TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")
TAIPEI = ZoneInfo("Asia/Taipei")
REPORT_IMPORT = "report-import"  # the name lock an import of reports holds while it writes


def parse_moment(text: str) -> datetime.datetime:
    """ISO 8601 (2021-11-24T09:30:00+08:00) or an ROC date and a time (110/11/24 09:30); naive is Taipei."""
    cleaned = text.strip()
    try:
        moment = datetime.datetime.fromisoformat(cleaned)
    except ValueError:
        day_text, _, time_text = cleaned.partition(" ")
        match = TIME.fullmatch(time_text.strip())
        if match is None:
            raise ValueError(
                f"{cleaned!r}: expected e.g. 110/11/24 09:30 or 2021-11-24T09:30+08:00"
            ) from None
        hour, minute, second = (int(part or 0) for part in match.groups())
        moment = datetime.datetime.combine(rocdate.parse(day_text), datetime.time(hour, minute, second))
    else:
        if not re.search(r"[0-9][T ][0-9]", cleaned):
            raise ValueError(f"{cleaned!r} has no time of day (e.g. 2021-11-24 09:30)")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=TAIPEI)


def split_codes(text: str) -> list[str]:
    return [code for code in SEPARATORS.split(text) if code]


def code_for(value: str, codes: dict[str, str]) -> str:
    """The code itself, or the code whose label it is (被害人 → victim); unknown values pass through."""
    if value in codes:
        return value
    return next((code for code, label in codes.items() if label == value), value)


@dataclass
class SubjectPlan:
    row: Row
    document: dict[str, Any]
    routes: list[str]


@dataclass
class ReportPlan:
    row: Row
    external_id: str
    shared: dict[str, Any]
    subjects: list[SubjectPlan] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        return {
            "external_id": self.external_id,
            "received_at": self.shared["received_at"].isoformat(),
            "area": self.shared["area"],
            "source": self.shared["source"],
            "subjects": [{k: v for k, v in s.document.items() if v not in (None, "")} for s in self.subjects],
        }


def problems_at(plan: ReportPlan, problems: list[facts.Problem]) -> list[Problem]:
    """Each problem of an `InvalidReport` at its row (the subject's, or the report's first) and column."""
    found: list[Problem] = []
    for problem in problems:
        match = re.match(r"subjects\[(\d+)\](?:\.(\w+))?", problem.path)
        if match is not None and int(match[1]) < len(plan.subjects):
            row = plan.subjects[int(match[1])].row
            column = SUBJECT_COLUMNS.get(match[2] or "", "external_id")
        else:
            row, column = plan.row, REPORT_COLUMNS.get(problem.path, "external_id")
        found.append(Problem(row.number, column, problem.message))
    return found


def imported(external_id: str, area: str) -> Report | None:
    """The report imported earlier with this external_id into this area (unique: see `Report`)."""
    return Report.objects.filter(external_id=external_id, channel=Channel.IMPORT, area_id=area).first()


class ReportRows:
    """The rows of one import: each row checked alone, and against the earlier rows of its report."""

    def __init__(self) -> None:
        self.rules = current_rule_set()
        self.towns = town_lookup()
        self.counties = {key: c.code for c in County.objects.all() for key in (c.code, c.name)}
        self.reports: dict[str, ReportPlan] = {}

    def parse(self, row: Row) -> ReportPlan | None:
        """The report's plan on its first row (None on a further subject's row, added to that plan)."""
        external_id = row.text("external_id", required=True)
        if len(external_id) > 60:
            row.problem("external_id", "at most 60 characters")
        shared, routes = self.shared(row)
        subject = self.subject(row)
        plan = self.reports.get(external_id) if external_id else None
        first = plan is None
        if plan is None:
            plan = ReportPlan(row, external_id, shared)
            if external_id:
                self.reports[external_id] = plan
                earlier = imported(external_id, shared["area"])
                if earlier is not None:
                    row.problem("external_id", f"already imported (report {earlier.pk})")
        else:
            # A value that did not parse, here or on the report's first row, is named once already.
            failed = {p.column for p in row.problems} | {p.column for p in plan.row.problems}
            for column in SHARED:
                if column not in failed and shared[column] != plan.shared[column]:
                    row.problem(column, f"differs from row {plan.row.number}, the same external_id")
        subject["ref"] = f"s{len(plan.subjects) + 1}"
        plan.subjects.append(SubjectPlan(row, subject, routes))
        self.check_alone(
            row, ReportPlan(row, external_id, shared, [SubjectPlan(row, subject, routes)]), first
        )
        return plan if first else None

    def moment(self, row: Row, column: str, *, required: bool = False) -> datetime.datetime | None:
        text = row.text(column, required=required)
        if not text:
            return None
        try:
            return parse_moment(text)
        except ValueError as exc:
            row.problem(column, f"not a time ({exc})")
            return None

    def shared(self, row: Row) -> tuple[dict[str, Any], list[str]]:
        """The report's own columns (the same on each of its rows), and the routes of a past screening."""
        codes = self.rules.codes
        area_text = row.text("area", required=True)
        shared: dict[str, Any] = {
            "received_at": self.moment(row, "received_at", required=True),
            "area": self.counties.get(area_text.replace("台", "臺"), area_text),
            "source": code_for(row.text("source", required=True), codes.sources),
            "screened_at": self.moment(row, "screened_at"),
        }
        routes = [code_for(c, codes.routes) for c in split_codes(row.text("route"))]
        for code in routes:
            if code not in codes.routes:
                row.problem("route", f"unknown route {code!r}")
        if routes and not row.text("screened_at"):
            row.problem("screened_at", "required when route is given")
        if row.text("screened_at") and not routes:
            row.problem("route", "required when screened_at is given")
        received, screened = shared["received_at"], shared["screened_at"]
        if received and screened and screened < received:
            row.problem("screened_at", "is before received_at")
        if screened and screened > timezone.now() + datetime.timedelta(minutes=5):
            row.problem("screened_at", "is in the future")
        return shared, routes

    def subject(self, row: Row) -> dict[str, Any]:
        """The row's subject, as the API takes one."""
        codes = self.rules.codes
        town_text = row.text("subject_town").replace("台", "臺")
        town = self.towns.get(town_text)
        if town_text and town is None:
            row.problem("subject_town", "unknown town: give the 8-digit code or the full name (嘉義縣朴子市)")
        birth_date = row.date("subject_birth_date")
        role = code_for(row.text("role", required=True), codes.roles)
        # A respondent's or family member's row may leave `type` empty: they take the report's own.
        typed = row.text("type", required=role in OWN_TYPES_ROLES)
        return {
            "role": role,
            "types": [code_for(c, codes.types) for c in split_codes(typed)],
            "town": town.code if town else (town_text or None),
            "name": row.text("subject_name"),
            "national_id": row.national_id("subject_national_id"),
            "birth_date": birth_date.isoformat() if birth_date else None,
        }

    def check_alone(self, row: Row, single: ReportPlan, first: bool) -> None:
        """The API's own checks, on this row's subject alone: unknown codes, a future time, a town that
        does not exist. A column that already has a problem on this row is not named twice, nor a
        report's column but on its first row."""
        received = single.shared["received_at"]
        document = {
            "received_at": received.isoformat() if received else None,
            "area": single.shared["area"],
            "source": single.shared["source"],
            "subjects": [{k: v for k, v in single.subjects[0].document.items() if v not in (None, "")}],
        }
        try:
            facts.parse_report(document, self.rules)
        except facts.InvalidReport as invalid:
            taken = {p.column for p in row.problems}
            # Whether a row without types has any to take is the whole report's question (at writing).
            alone = [p for p in invalid.problems if p.text != facts.NOTHING_TO_TAKE]
            for problem in problems_at(single, alone):
                in_report = problem.column in REPORT_COLUMNS.values()
                if problem.column not in taken and (first or not in_report):
                    row.problem(problem.column, problem.message)
                    taken.add(problem.column)


def write_report(plan: ReportPlan | None) -> None:
    if plan is None:  # a further subject of a report written with its first row
        return
    # Report imports write one at a time: the lock is taken by the first write, before anything that
    # locks the access log, and held to the commit. So "already imported" is looked at again here,
    # in the write transaction: another import of the same file may have committed it since the rows
    # were checked, and this one then finds it.
    locks.hold(REPORT_IMPORT)
    if plan.external_id:
        earlier = imported(plan.external_id, plan.shared["area"])
        if earlier is not None:
            raise DomainError(f"already imported (report {earlier.pk})", field="external_id")
    try:
        report = receive_report(plan.document(), channel=Channel.IMPORT).report
    except facts.InvalidReport as invalid:
        raise ImportFailed(problems_at(plan, invalid.problems)) from None
    if plan.shared["screened_at"] is not None:
        record_legacy_screening(
            report,
            routes={s.document["ref"]: s.routes for s in plan.subjects},
            screened_at=plan.shared["screened_at"],
        )


def reports_importer() -> Importer:
    return Importer(columns=COLUMNS, optional=OPTIONAL, parse=ReportRows().parse, write=write_report)
