"""From a report as JSON (the `safetynet triage` and API contract) to the engine's plain facts.

Validation names the JSON path of every problem ("subjects[0].town: unknown town '1001'"), so the
command, the API (422) and the importer report the same sentences. Each message is an English template
with its values (`Problem.message`); the screening desk's form shows it in the page's language
(`Problem.localized`). Registry facts come from the database through the national ID's blind index, and
only once every field of every subject has passed: whether a national ID is on file must not change
which problems a report is refused for. The engine itself never touches the database.

Report types: a victim or child must name theirs; a respondent or family member named without any takes
the report's types of violence (`safetynet.domain.triage.types_taken`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from safetynet.cases.models import Case
from safetynet.core.errors import Problems
from safetynet.domain import nationalid
from safetynet.domain.triage import OWN_TYPES_ROLES, RegistryFacts, Report, RuleSet, Subject, types_taken
from safetynet.geo.models import County, Town
from safetynet.people.models import Person, Registry, RegistryEntry
from safetynet.people.services import PersonData, check_person_data

DV_TYPES = frozenset({"IPV", "FV", "SA", "EP", "DP", "CP"})
EARLIEST_YEAR = 1912
# The stored lengths (ReportSubject.ref, Person.name): longer text would not fit PostgreSQL's columns.
MAX_REF, MAX_NAME = 40, 60
UNKNOWN_NAME = "姓名不詳"  # a new person's name when the report gives none
TYPES_REQUIRED = gettext_noop("at least one report type is required")
NOTHING_TO_TAKE = gettext_noop(
    "at least one report type is required: a respondent or family member named without types takes "
    "the types of violence of the report's victims and children, and this report names none"
)


@dataclass(frozen=True)
class Problem:
    """One problem of a report document: its JSON path, and what is wrong as an English template
    (marked for translation) with its values."""

    path: str
    text: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """In English: the API, the command and the importer answer in it."""
        return self.text % self.params if self.params else self.text

    def localized(self) -> str:
        """In the language of the page."""
        text = gettext(self.text)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InvalidReport(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def parse_received_at(value: Any, problems: list[Problem]) -> datetime.datetime | None:
    if not isinstance(value, str):
        problems.append(
            Problem(
                "received_at", gettext_noop("required: ISO 8601 with offset, e.g. 2021-11-24T09:30:00+08:00")
            )
        )
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        problems.append(
            Problem("received_at", gettext_noop("not an ISO 8601 time: %(value)r"), {"value": value})
        )
        return None
    if moment.tzinfo is None:
        problems.append(Problem("received_at", gettext_noop("needs an offset (+08:00)")))
        return None
    if moment.year < EARLIEST_YEAR:  # nor could a time of year 1 be moved to UTC at all
        problems.append(
            Problem(
                "received_at",
                gettext_noop("before %(year)s (year 1 of the Republic of China)"),
                {"year": EARLIEST_YEAR},
            )
        )
        return None
    if moment > timezone.now() + datetime.timedelta(minutes=5):
        problems.append(Problem("received_at", gettext_noop("is in the future")))
        return None
    return moment


def _codes(value: Any, allowed: dict[str, str], path: str, problems: list[Problem]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(Problem(path, gettext_noop("expected a list of codes")))
        return ()
    for i, code in enumerate(value):
        if code not in allowed:
            problems.append(Problem(f"{path}[{i}]", gettext_noop("unknown code %(code)r"), {"code": code}))
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


def passing_types(rules: RuleSet) -> frozenset[str]:
    """The report types a respondent or family member named without any takes from the victims and
    children: the rule set's protective types (types of violence), or the default list."""
    named = rules.parameters.get("protective_types")
    if isinstance(named, list | tuple) and named and all(isinstance(code, str) for code in named):
        return frozenset(str(code) for code in named)
    return DV_TYPES


def person_data(raw: dict[str, Any], town: Town | None = None) -> PersonData:
    """A subject as a new person record would be registered from it (its fields already checked)."""
    national_id = str(raw.get("national_id") or "")
    birth = raw.get("birth_date")
    return PersonData(
        name=str(raw.get("name") or "").strip() or UNKNOWN_NAME,
        sex=(nationalid.sex_of(national_id) if national_id else None) or "X",
        birth_date=datetime.date.fromisoformat(birth) if isinstance(birth, str) and birth else None,
        national_id=national_id,
        town=town,
    )


@dataclass
class _Parsed:
    """One subject's checked fields, before its report types are settled (they may come from others)."""

    ref: str
    role: str
    types: tuple[str, ...]
    town: str | None
    flags: tuple[str, ...]
    score: int | None
    national_id: str  # normalised, or "" when none was given


def parse_report(data: Any, rules: RuleSet) -> Report:
    """Validate a report document against the rule set's code lists and the geography."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise InvalidReport([Problem("$", gettext_noop("expected a JSON object"))])
    received_at = parse_received_at(data.get("received_at"), problems)
    area = data.get("area")
    if not isinstance(area, str) or not County.objects.filter(code=area).exists():
        problems.append(
            Problem(
                "area", gettext_noop("unknown county code %(value)r (5 digits, e.g. 10010)"), {"value": area}
            )
        )
    source = data.get("source")
    if not isinstance(source, str) or source not in rules.codes.sources:
        problems.append(Problem("source", gettext_noop("unknown source %(value)r"), {"value": source}))
    raw_subjects = data.get("subjects")
    if not isinstance(raw_subjects, list) or not raw_subjects:
        problems.append(Problem("subjects", gettext_noop("at least one subject is required")))
        raw_subjects = []
    parsed: list[_Parsed] = []
    named_types: list[tuple[int, str, tuple[str, ...]]] = []  # (position, role, types) of each subject
    refs: set[str] = set()
    asked = {str(s.get("town")) for s in raw_subjects if isinstance(s, dict) and s.get("town") is not None}
    towns = set(Town.objects.filter(code__in=asked).values_list("code", flat=True))
    on = (received_at or timezone.now()).date()
    for i, raw in enumerate(raw_subjects):
        path = f"subjects[{i}]"
        if not isinstance(raw, dict):
            problems.append(Problem(path, gettext_noop("expected an object")))
            continue
        found = len(problems)
        ref = raw.get("ref")
        if not isinstance(ref, str) or not ref.strip():
            problems.append(Problem(f"{path}.ref", gettext_noop("required")))
        elif len(ref) > MAX_REF:
            problems.append(Problem(f"{path}.ref", gettext_noop("at most %(n)s characters"), {"n": MAX_REF}))
        elif ref in refs:
            problems.append(Problem(f"{path}.ref", gettext_noop("%(ref)r names two subjects"), {"ref": ref}))
        refs.add(str(ref))
        role = raw.get("role")
        if not isinstance(role, str) or role not in rules.codes.roles:
            problems.append(Problem(f"{path}.role", gettext_noop("unknown role %(value)r"), {"value": role}))
        named = raw.get("types")
        before = len(problems)
        types = () if named is None else _codes(named, rules.codes.types, f"{path}.types", problems)
        if not types and len(problems) == before and role in OWN_TYPES_ROLES:
            problems.append(Problem(f"{path}.types", TYPES_REQUIRED))
        named_types.append((i, str(role), types))
        flags = _codes(raw.get("flags", []), rules.codes.flags, f"{path}.flags", problems)
        town = raw.get("town")
        if town is not None and (not isinstance(town, str) or town not in towns):
            problems.append(
                Problem(
                    f"{path}.town",
                    gettext_noop("unknown town code %(value)r (8 digits, e.g. 10010020)"),
                    {"value": town},
                )
            )
        score = raw.get("tipvda_score")
        if score is not None and (
            not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 15
        ):
            problems.append(Problem(f"{path}.tipvda_score", gettext_noop("a whole number from 0 to 15")))
        national_id = raw.get("national_id") or ""
        if national_id:
            try:
                national_id = nationalid.validate(str(national_id))
            except nationalid.InvalidNationalId as exc:
                problems.append(
                    Problem(f"{path}.national_id", gettext_noop("%(rule)s check failed"), {"rule": exc.rule})
                )
        birth_date = raw.get("birth_date")
        if birth_date is not None:
            try:
                if not isinstance(birth_date, str):
                    raise ValueError(birth_date)
                born = datetime.date.fromisoformat(birth_date)
            except ValueError:
                problems.append(
                    Problem(
                        f"{path}.birth_date",
                        gettext_noop("not an ISO date: %(value)r"),
                        {"value": birth_date},
                    )
                )
            else:
                if born > timezone.localdate():
                    problems.append(Problem(f"{path}.birth_date", gettext_noop("is in the future")))
        name = raw.get("name")
        if name is not None and not isinstance(name, str):
            problems.append(Problem(f"{path}.name", gettext_noop("must be text")))
        elif name is not None and len(name.strip()) > MAX_NAME:
            problems.append(
                Problem(f"{path}.name", gettext_noop("at most %(n)s characters"), {"n": MAX_NAME})
            )
        if len(problems) == found:
            # As a person record too (what registering a subject not on file would check), so that
            # a report is refused for the same problems whether or not its subjects are on file.
            record = Problems()
            check_person_data(person_data(raw), record)
            problems.extend(Problem(f"{path}.{field or 'name'}", message) for field, message in record.found)
        if len(problems) == found:
            parsed.append(_Parsed(str(ref), str(role), types, town, flags, score, str(national_id)))
    # A respondent or family member without types takes the victims' and children's types of violence.
    settled = types_taken([(role, types) for _i, role, types in named_types], passing_types(rules))
    if not any(p.path.startswith("subjects[") and ".types" in p.path for p in problems):
        problems.extend(
            Problem(f"subjects[{i}].types", NOTHING_TO_TAKE)
            for (i, role, _named), types in zip(named_types, settled, strict=True)
            if not types and role in rules.codes.roles
        )
    if problems:
        raise InvalidReport(problems)
    # Only now, with the whole document valid, are the registers and open cases read.
    subjects = tuple(  # no problem: every subject was parsed, in order
        Subject(
            ref=p.ref,
            role=p.role,
            types=types,
            town=p.town,
            flags=frozenset(p.flags),
            tipvda_score=p.score,
            registry=registry_facts(p.national_id, on) if p.national_id else RegistryFacts(),
            open_routes=frozenset(routes_open_for(p.national_id) if p.national_id else ()),
            protective_issue=bool(DV_TYPES & set(types)),
        )
        for p, types in zip(parsed, settled, strict=True)
    )
    assert received_at is not None and isinstance(area, str) and isinstance(source, str)  # noqa: S101 - for mypy: no problems means all three were checked
    return Report(received_at=received_at, area=area, source=source, subjects=subjects)
