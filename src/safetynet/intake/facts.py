"""From a report as JSON (the `safetynet triage` and API contract) to the engine's plain facts.

Validation names the JSON path of every problem ("subjects[0].town: unknown town '1001'"), so the
command, the API (422) and the importer report the same sentences. Registry facts come from the
database through the national ID's blind index; the engine itself never touches the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from safetynet.cases.models import Case
from safetynet.domain import nationalid
from safetynet.domain.triage import RegistryFacts, Report, RuleSet, Subject
from safetynet.geo.models import County, Town
from safetynet.people.models import Person, Registry, RegistryEntry

DV_TYPES = frozenset({"IPV", "FV", "SA", "EP", "DP", "CP"})
EARLIEST_YEAR = 1912
# The stored lengths (ReportSubject.ref, Person.name): longer text would not fit PostgreSQL's columns.
MAX_REF, MAX_NAME = 40, 60


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InvalidReport(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def parse_received_at(value: Any, problems: list[Problem]) -> datetime.datetime | None:
    if not isinstance(value, str):
        problems.append(
            Problem("received_at", "required: ISO 8601 with offset, e.g. 2021-11-24T09:30:00+08:00")
        )
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        problems.append(Problem("received_at", f"not an ISO 8601 time: {value!r}"))
        return None
    if moment.tzinfo is None:
        problems.append(Problem("received_at", "needs an offset (+08:00)"))
        return None
    if moment.year < EARLIEST_YEAR:  # nor could a time of year 1 be moved to UTC at all
        problems.append(Problem("received_at", f"before {EARLIEST_YEAR} (民國元年)"))
        return None
    if moment > timezone.now() + datetime.timedelta(minutes=5):
        problems.append(Problem("received_at", "is in the future"))
        return None
    return moment


def _codes(value: Any, allowed: dict[str, str], path: str, problems: list[Problem]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(Problem(path, "expected a list of codes"))
        return ()
    for i, code in enumerate(value):
        if code not in allowed:
            problems.append(Problem(f"{path}[{i}]", f"unknown code {code!r}"))
    return tuple(value)


def registry_facts(national_id: str, on: datetime.date) -> RegistryFacts:
    entries = list(RegistryEntry.objects.for_national_id(national_id).order_by("-event_date", "-id"))
    psychiatric = [e for e in entries if e.registry == Registry.PSYCHIATRIC]
    return RegistryFacts(
        psychiatric_level=psychiatric[0].level if psychiatric else None,
        suicide_report_dates=tuple(
            e.event_date
            for e in entries
            if e.registry == Registry.SUICIDE and e.event_date and e.event_date <= on
        ),
        drug=any(e.registry == Registry.DRUG for e in entries),
    )


def routes_open_for(national_id: str) -> tuple[str, ...]:
    """The routes already serving the person in an open case (for re-reports and protective issues)."""
    people = Person.objects.with_national_id(national_id)
    return tuple(Case.objects.open().filter(person__in=people).values_list("route", flat=True).distinct())


def parse_report(data: Any, rules: RuleSet) -> Report:
    """Validate a report document against the rule set's code lists and the geography."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise InvalidReport([Problem("$", "expected a JSON object")])
    received_at = parse_received_at(data.get("received_at"), problems)
    area = data.get("area")
    if not isinstance(area, str) or not County.objects.filter(code=area).exists():
        problems.append(Problem("area", f"unknown county code {area!r} (5 digits, e.g. 10010)"))
    source = data.get("source")
    if not isinstance(source, str) or source not in rules.codes.sources:
        problems.append(Problem("source", f"unknown source {source!r}"))
    raw_subjects = data.get("subjects")
    if not isinstance(raw_subjects, list) or not raw_subjects:
        problems.append(Problem("subjects", "at least one subject is required"))
        raw_subjects = []
    subjects = []
    refs: set[str] = set()
    asked = {str(s.get("town")) for s in raw_subjects if isinstance(s, dict) and s.get("town") is not None}
    towns = set(Town.objects.filter(code__in=asked).values_list("code", flat=True))
    on = (received_at or timezone.now()).date()
    for i, raw in enumerate(raw_subjects):
        path = f"subjects[{i}]"
        if not isinstance(raw, dict):
            problems.append(Problem(path, "expected an object"))
            continue
        ref = raw.get("ref")
        if not isinstance(ref, str) or not ref.strip():
            problems.append(Problem(f"{path}.ref", "required"))
        elif len(ref) > MAX_REF:
            problems.append(Problem(f"{path}.ref", f"at most {MAX_REF} characters"))
        elif ref in refs:
            problems.append(Problem(f"{path}.ref", f"{ref!r} names two subjects"))
        refs.add(str(ref))
        role = raw.get("role")
        if not isinstance(role, str) or role not in rules.codes.roles:
            problems.append(Problem(f"{path}.role", f"unknown role {role!r}"))
        types = _codes(raw.get("types"), rules.codes.types, f"{path}.types", problems)
        if not types:
            problems.append(Problem(f"{path}.types", "at least one report type is required"))
        flags = _codes(raw.get("flags", []), rules.codes.flags, f"{path}.flags", problems)
        town = raw.get("town")
        if town is not None and (not isinstance(town, str) or town not in towns):
            problems.append(Problem(f"{path}.town", f"unknown town code {town!r} (8 digits, e.g. 10010020)"))
        score = raw.get("tipvda_score")
        if score is not None and (
            not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 15
        ):
            problems.append(Problem(f"{path}.tipvda_score", "a whole number from 0 to 15"))
        national_id = raw.get("national_id") or ""
        facts, open_routes = RegistryFacts(), tuple[str, ...]()
        if national_id:
            try:
                national_id = nationalid.validate(str(national_id))
            except nationalid.InvalidNationalId as exc:
                problems.append(Problem(f"{path}.national_id", f"{exc.rule} check failed"))
            else:
                facts = registry_facts(national_id, on)
                open_routes = routes_open_for(national_id)
        birth_date = raw.get("birth_date")
        if birth_date is not None:
            try:
                if not isinstance(birth_date, str):
                    raise ValueError(birth_date)
                datetime.date.fromisoformat(birth_date)
            except ValueError:
                problems.append(Problem(f"{path}.birth_date", f"not an ISO date: {birth_date!r}"))
        name = raw.get("name")
        if name is not None and not isinstance(name, str):
            problems.append(Problem(f"{path}.name", "must be text"))
        elif name is not None and len(name.strip()) > MAX_NAME:
            problems.append(Problem(f"{path}.name", f"at most {MAX_NAME} characters"))
        if problems:
            continue
        subjects.append(
            Subject(
                ref=str(ref),
                role=str(role),
                types=types,
                town=town,
                flags=frozenset(flags),
                tipvda_score=score,
                registry=facts,
                open_routes=frozenset(open_routes),
                protective_issue=bool(DV_TYPES & set(types)),
            )
        )
    if problems:
        raise InvalidReport(problems)
    assert received_at is not None and isinstance(area, str) and isinstance(source, str)  # noqa: S101 - for mypy: no problems means all three were checked
    return Report(received_at=received_at, area=area, source=source, subjects=tuple(subjects))
