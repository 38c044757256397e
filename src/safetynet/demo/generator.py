"""Fill an empty database with the demo county: `seed()` behind `safetynet seed-demo`.

Agencies and units (data/agencies_units.csv), the staffing plan (data/positions.csv) with staff hired
along it (see `safetynet.demo.staffing`), the demo accounts, and invented persons in households spread
over the towns of 嘉義縣 and 嘉義市 by population, then the plan years' reports, screened and dispatched,
and the case work on them: contacts, assessments, supervision and high-risk meetings (see
`safetynet.demo.reports`), with the demo accounts' working day waiting for them (`safetynet.demo.workday`).
Every write goes through the services. One `random.Random(seed)` drives every choice, so a seed always
gives the same county on a given day; "today", the last day reports come in, is the last day of the last
demo year unless given (or the day the demo is built, if that comes first). The demo then runs on to the
start of the day it is built on: its accounts find their work counted back from there.
"""

from __future__ import annotations

import csv
import datetime
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.utils import timezone

from safetynet.cases.models import Assessment, Case, Contact, RiskMeeting, SupervisionSession
from safetynet.core import services as core_services
from safetynet.core import two_factor
from safetynet.core.errors import DomainError
from safetynet.demo import access, indicators, names, partners, plan, reports
from safetynet.demo.households import IdMaker, PlannedHousehold, TownInfo, TownPlanner
from safetynet.demo.staffing import (
    SUPERVISOR_ROLE,
    Line,
    PlanDataError,
    Stint,
    load_checkpoints,
    load_lines,
    simulate_line,
    year_end,
    year_start,
)
from safetynet.domain.rocdate import to_roc_year
from safetynet.geo.models import County, Town, TownKind
from safetynet.intake.models import Report
from safetynet.org import services as org
from safetynet.org.models import Agency, DispatchMode, LeaveKind, LeavePeriod, Role, Staff, Unit
from safetynet.people import services as people
from safetynet.people.models import Household, Person, Relation
from safetynet.referrals.models import Organization, Referral
from safetynet.workforce.models import Position
from safetynet.workforce.services import create_position

DATA = Path(__file__).resolve().parent / "data"
DEMO_COUNTIES = ("10010", "10020")
# Area letter of the national IDs of residents (normal practice: Q 嘉義縣, I 嘉義市).
ID_LETTERS = {"10010": "Q", "10020": "I"}
RESIDENTS_PER_PERSON = 250  # at scale 1: about 3,000 persons for 750,000 residents
PLAN_YEARS = range(100, 201)
NOT_EMPTY = "the database already holds data; seed-demo fills an empty database"
# Staff are mostly women in these professions.
FEMALE_STAFF_SHARE = 0.75
# Short leave (特休, 病假, 受訓) taken by a staff member in a year, and its length in days.
SHORT_LEAVE_SHARE = 0.35
SHORT_LEAVES = ((LeaveKind.ANNUAL, 50, 1, 5), (LeaveKind.SICK, 30, 1, 3), (LeaveKind.TRAINING, 20, 2, 5))
PARENTAL_LEAVE_SHARE = 0.01
ON_LEAVE_TODAY_SHARE = 0.04  # of the staff employed on the reference day


class DemoDataError(DomainError):
    """The demo cannot be generated as asked."""


@dataclass(frozen=True)
class Persona:
    """A demo account: its staff member has this role in this unit."""

    username: str
    role: str
    unit: str
    supervised_by: str = ""  # username of the persona who supervises this one


PERSONAS = (
    Persona("admin", "sysadmin", "嘉義縣政府社會局資訊管理組"),
    Persona("screener", "screener", "嘉義縣集中篩派中心"),
    Persona("supervisor", "supervisor", "嘉義縣朴子社會福利服務中心"),
    Persona("worker", "social_worker", "嘉義縣朴子社會福利服務中心", supervised_by="supervisor"),
    Persona("teammate", "social_worker", "嘉義縣朴子社會福利服務中心", supervised_by="supervisor"),
    Persona("otherunit", "social_worker", "嘉義縣民雄社會福利服務中心"),
    Persona("manager", "manager", "嘉義縣政府社會局社會工作科"),
    Persona("partner", "partner", "嘉義家扶中心"),
    Persona("reviewer", "reviewer", "衛生福利部社會安全網審查小組"),
)


@dataclass
class Summary:
    agencies: int
    units: int
    positions: int
    staff: int
    accounts: int
    persons: int
    households: int
    relations: int
    leaves: int
    reports: int = 0
    cases: int = 0
    contacts: int = 0
    assessments: int = 0
    supervision_sessions: int = 0
    risk_meetings: int = 0
    partners: int = 0
    referrals: int = 0
    budget_lines: int = 0
    vacancies: int = 0
    milestones: int = 0
    training_records: int = 0
    training_sessions: int = 0
    reported_values: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "agencies": self.agencies,
            "units": self.units,
            "positions": self.positions,
            "staff": self.staff,
            "accounts": self.accounts,
            "persons": self.persons,
            "households": self.households,
            "relations": self.relations,
            "leave periods": self.leaves,
            "reports": self.reports,
            "cases": self.cases,
            "contacts": self.contacts,
            "assessments": self.assessments,
            "supervision": self.supervision_sessions,
            "risk meetings": self.risk_meetings,
            "partners": self.partners,
            "referrals": self.referrals,
            "budget lines": self.budget_lines,
            "vacancies": self.vacancies,
            "milestones": self.milestones,
            "training records": self.training_records,
            "training sessions": self.training_sessions,
            "reported values": self.reported_values,
        }


def check_options(years: tuple[int, int], scale: float) -> None:
    first, last = years
    if first not in PLAN_YEARS or last not in PLAN_YEARS or first > last:
        raise DemoDataError(
            f"years must be two ROC years from {PLAN_YEARS.start} to {PLAN_YEARS.stop - 1}, the first not after "
            f"the last (got {first}-{last})",
            field="years",
        )
    if not (math.isfinite(scale) and scale > 0):
        raise DemoDataError(f"scale must be a number above 0 (got {scale})", field="scale")


def holds_data() -> bool:
    return any(model.objects.exists() for model in (Agency, Unit, Staff, Position, Person, Household))


@transaction.atomic
def seed(
    seed: int = 1,
    years: tuple[int, int] = (110, 114),
    scale: float = 1.0,
    *,
    password: str,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Summary:
    """Create the demo county in an empty database; all or nothing. `now` is the moment it is built
    (default: the present); the demo ends as that day starts (see `reports.last_moment`)."""
    check_options(years, scale)
    now = now or timezone.now()
    if now > timezone.now():
        raise DemoDataError(f"the demo is built now or earlier, not at {now}", field="now")
    built_on = timezone.localdate(now)
    today = today or min(year_end(years[1]), built_on)
    if today < year_start(years[0]):
        raise DemoDataError(f"today ({today}) is before the first demo year", field="today")
    if today > built_on:
        # Persons are born up to `today`, and nobody is born in the future.
        raise DemoDataError(f"the demo must end in the past: {today} is after today", field="years")
    end = reports.last_moment(today, years, now)
    if holds_data():
        raise DemoDataError(NOT_EMPTY)
    rng = random.Random(seed)
    units = _create_organisation()
    staff = _StaffBuilder(rng, units, years, today).build()
    for persona in PERSONAS:
        account = org.create_account(staff[persona.username], username=persona.username, password=password)
        if two_factor.requires_two_factor(account):
            # Random keys, outside `rng`: the rest of the county stays what the seed made it.
            core_services.enrol_authenticator(account, key=two_factor.new_key(), code_typed=False)
            core_services.issue_backup_codes(account)
    worker_unit = units[next(p.unit for p in PERSONAS if p.username == "worker")]
    # Seed 001's 「精準派案」: in the demo worker's unit the supervisor confirms each dispatch.
    org.set_dispatch_mode(worker_unit, DispatchMode.CONFIRM)
    _record_leaves(
        rng, years, today, timezone.localdate(end), skip={s.pk for s in staff.values()}, unit=worker_unit
    )
    _create_people(rng, scale, today)
    partners.load_directory()
    if years[0] > partners.HISTORY_YEARS[1]:
        # Its own random stream, so that the directory and the referrals leave the report flow as it was.
        partners.import_history(random.Random(f"history-{seed}"))
    reports.simulate_reports(
        rng,
        years=years,
        scale=scale,
        today=today,
        end=end,
        id_letters=ID_LETTERS,
        referral_rng=random.Random(f"referrals-{seed}"),
    )
    planned = plan.load_plan(random.Random(f"plan-{seed}"), years=years, today=today)
    reported = indicators.load(by=Staff.objects.get(user__username="admin").user)
    access.trip_an_alert()
    return Summary(
        agencies=Agency.objects.count(),
        units=Unit.objects.count(),
        positions=Position.objects.count(),
        staff=Staff.objects.count(),
        # Accounts that can sign in: every staff member records under an account, the others' have no password.
        accounts=Staff.objects.filter(user__isnull=False)
        .exclude(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .count(),
        persons=Person.objects.count(),
        households=Household.objects.count(),
        relations=Relation.objects.count(),
        leaves=LeavePeriod.objects.count(),
        reports=Report.objects.count(),
        cases=Case.objects.count(),
        contacts=Contact.objects.count(),
        assessments=Assessment.objects.count(),
        supervision_sessions=SupervisionSession.objects.count(),
        risk_meetings=RiskMeeting.objects.count(),
        partners=Organization.objects.count(),
        referrals=Referral.objects.count(),
        budget_lines=planned.budget_lines,
        vacancies=planned.vacancies,
        milestones=planned.milestones,
        training_records=planned.training_records,
        training_sessions=planned.training_sessions,
        reported_values=reported,
    )


# --- organisation --------------------------------------------------------------------------------


def _create_organisation() -> dict[str, Unit]:
    counties = {c.code: c for c in County.objects.filter(code__in=DEMO_COUNTIES)}
    towns: dict[str, dict[str, Town]] = defaultdict(dict)
    for town in Town.objects.filter(county_id__in=DEMO_COUNTIES):
        towns[town.county_id][town.name] = town
    agencies: dict[str, Agency] = {}
    units: dict[str, Unit] = {}
    with (DATA / "agencies_units.csv").open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            if row["agency"] not in agencies:
                county = counties[row["agency_county"]] if row["agency_county"] else None
                agencies[row["agency"]] = org.create_agency(row["agency"], row["agency_kind"], county)
            county = counties[row["unit_county"]] if row["unit_county"] else None
            spec = row["towns"].strip()
            if spec == "*":
                covered = sorted(towns[county.code].values(), key=lambda t: t.code) if county else []
            else:
                try:
                    covered = [towns[county.code][name] for name in spec.split()] if county else []
                except KeyError as exc:
                    raise PlanDataError(f"agencies_units.csv line {number}: no town {exc}") from None
            units[row["unit"]] = org.create_unit(
                agencies[row["agency"]],
                row["unit"],
                row["unit_kind"],
                county=county,
                towns=covered,
                phone=(row.get("phone") or "").strip(),
            )
    return units


# --- staff ---------------------------------------------------------------------------------------


@dataclass
class _Hire:
    line: Line | None
    position: Position | None
    unit: Unit
    role: Role
    stint: Stint
    persona: str = ""


class _StaffBuilder:
    """Positions and the staff who held them, then the demo personas' staff."""

    def __init__(
        self, rng: random.Random, units: dict[str, Unit], years: tuple[int, int], today: datetime.date
    ) -> None:
        self.rng = rng
        self.units = units
        self.first, self.last = years
        self.end = min(year_end(self.last), today)
        self.roles = {role.code: role for role in Role.objects.all()}
        self.supervisors: dict[int, list[Staff]] = defaultdict(list)
        self.supervisor_category: dict[int, str] = {}
        self.load: dict[int, int] = defaultdict(int)

    def build(self) -> dict[str, Staff]:
        lines = [line for line in load_lines(DATA / "positions.csv") if self._in_range(line)]
        checkpoints = load_checkpoints(DATA / "staffing_checkpoints.csv")
        for checkpoint in checkpoints:
            unmatched = not checkpoint.is_wildcard and not any(checkpoint.matches(line) for line in lines)
            if unmatched and self.first <= to_roc_year(checkpoint.on) <= self.last:
                raise PlanDataError(f"staffing_checkpoints.csv: no line matches {checkpoint.source}")
        pins = self._pins(lines)
        hires: list[_Hire] = []
        counties = {c.code: c for c in County.objects.filter(code__in=DEMO_COUNTIES)}
        for index, line in enumerate(lines):
            unit, role = self.units[line.unit], self.roles[line.role]
            position = create_position(
                counties[line.area],
                unit,
                role,
                strategy=line.strategy,
                category=line.category,
                funding=line.funding,
                approved_by_year={y: n for y, n in line.approved.items() if self.first <= y <= self.last},
            )
            pinned = pins.get(index, [])
            slots = simulate_line(line, checkpoints, self.rng, end=self.end, pinned=len(pinned))
            for number, slot in enumerate(slots):
                for stint in slot.stints:
                    username = pinned[number] if number < len(pinned) and stint.pinned else ""
                    hires.append(_Hire(line, position, unit, role, stint, username))
        for persona in PERSONAS:
            if not any(h.persona == persona.username for h in hires):
                hired = year_start(self.first) - datetime.timedelta(days=self.rng.randint(30, 6 * 365))
                unit, role = self.units[persona.unit], self.roles[persona.role]
                hires.append(_Hire(None, None, unit, role, Stint(hired, None, pinned=True), persona.username))
        # Supervisors first, so that everyone else can be put under one employed on their first day.
        hires.sort(key=lambda h: (h.role.code != SUPERVISOR_ROLE, h.stint.hired_on, h.persona))
        personas: dict[str, Staff] = {}
        extensions: dict[int, int] = defaultdict(int)
        wanted = {p.username: p.supervised_by for p in PERSONAS}
        for hire in hires:
            supervisor = None
            if hire.role.code != SUPERVISOR_ROLE:
                chosen = personas.get(wanted.get(hire.persona, ""))
                supervisor = chosen or self._supervisor_for(hire)
            # Extensions 101, 102 … in order of hiring, where the unit has a switchboard (no draw from
            # the generator's random numbers: the rest of the demo stays as it was).
            extension = ""
            if hire.unit.phone:
                extensions[hire.unit.pk] += 1
                extension = str(100 + extensions[hire.unit.pk])
            staff = org.hire_staff(
                name=names.person_name(self.rng, "F" if self.rng.random() < FEMALE_STAFF_SHARE else "M"),
                unit=hire.unit,
                role=hire.role,
                hired_on=hire.stint.hired_on,
                supervisor=supervisor,
                position=hire.position,
                phone_extension=extension,
            )
            if supervisor is not None:
                self.load[supervisor.pk] += 1
            if hire.role.code == SUPERVISOR_ROLE:
                self.supervisors[hire.unit.pk].append(staff)
                self.supervisor_category[staff.pk] = hire.line.category if hire.line else ""
            if hire.stint.left_on is not None:
                org.end_employment(staff, left_on=hire.stint.left_on)
            if hire.persona:
                personas[hire.persona] = staff
        return personas

    def _in_range(self, line: Line) -> bool:
        return any(self.first <= year <= self.last for year in line.approved)

    def _pins(self, lines: list[Line]) -> dict[int, list[str]]:
        """Carried-over seats whose holder becomes a demo persona (hired before the demo, never leaving)."""
        pins: dict[int, list[str]] = defaultdict(list)
        for persona in PERSONAS:
            for index, line in enumerate(lines):
                same = line.unit == persona.unit and line.role == persona.role
                if same and len(pins[index]) < line.filled_at_start:
                    pins[index].append(persona.username)
                    break
        return pins

    def _supervisor_for(self, hire: _Hire) -> Staff | None:
        """The least loaded supervisor of the unit employed on the first day, same category preferred."""
        everyone = self.supervisors.get(hire.unit.pk, [])
        employed = [s for s in everyone if s.is_active(hire.stint.hired_on)] or everyone[:1]
        category = hire.line.category if hire.line else ""
        pool = [s for s in employed if self.supervisor_category[s.pk] == category] or employed
        return min(pool, key=lambda s: (self.load[s.pk], s.hired_on, s.pk), default=None)


def _record_leaves(
    rng: random.Random,
    years: tuple[int, int],
    today: datetime.date,
    present: datetime.date,
    *,
    skip: set[int],
    unit: Unit,
) -> None:
    """Short leaves each year, a few parental leaves, and a few staff away on the demo's `present` day
    (one in `unit`)."""
    planned: dict[int, list[tuple[str, datetime.date, datetime.date]]] = defaultdict(list)

    def free(pk: int, starts: datetime.date, ends: datetime.date) -> bool:
        return all(e < starts or s > ends for _, s, e in planned[pk])

    staff = [s for s in Staff.objects.order_by("pk") if s.pk not in skip]
    for member in staff:
        last_day = min(member.left_on or today, today)
        for year in range(years[0], years[1] + 1):
            first = max(member.hired_on, year_start(year))
            last = min(last_day, year_end(year))
            if first > last:
                continue
            if rng.random() < SHORT_LEAVE_SHARE:
                kind, _, shortest, longest = rng.choices(SHORT_LEAVES, [w for _, w, _, _ in SHORT_LEAVES])[0]
                length = datetime.timedelta(days=rng.randint(shortest, longest) - 1)
                if last - first >= length:
                    starts = first + datetime.timedelta(days=rng.randint(0, (last - first - length).days))
                    if free(member.pk, starts, starts + length):
                        planned[member.pk].append((kind, starts, starts + length))
            if rng.random() < PARENTAL_LEAVE_SHARE:
                length = datetime.timedelta(days=rng.randint(56, 180))
                starts = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
                ends = min(starts + length, last)
                if free(member.pk, starts, ends):
                    planned[member.pk].append((LeaveKind.PARENTAL, starts, ends))
    employed = [s for s in staff if s.is_active(present)]
    away = [s for s in employed if any(st <= present <= en for _, st, en in planned[s.pk])]
    wanted = max(3, round(ON_LEAVE_TODAY_SHARE * len(employed)))
    candidates = [s for s in employed if s not in away]
    rng.shuffle(candidates)
    # One of them in the worker's unit, so that its team shows someone away.
    in_unit = next((s for s in candidates if s.unit_id == unit.pk), None)
    if in_unit is not None:
        candidates.remove(in_unit)
        candidates.insert(0, in_unit)
    for member in candidates:
        if len(away) >= wanted:
            break
        starts = max(member.hired_on, present - datetime.timedelta(days=rng.randint(0, 4)))
        ends = present + datetime.timedelta(days=rng.randint(1, 10))
        if free(member.pk, starts, ends):
            reason = rng.choice((LeaveKind.ANNUAL, LeaveKind.SICK, LeaveKind.TRAINING))
            planned[member.pk].append((reason, starts, ends))
            away.append(member)
    by_pk = {s.pk: s for s in staff}
    for pk in sorted(planned):
        for leave_kind, starts, ends in sorted(planned[pk], key=lambda leave: leave[1]):
            org.record_leave(by_pk[pk], kind=leave_kind, starts_on=starts, ends_on=ends)


# --- people --------------------------------------------------------------------------------------


def _create_people(rng: random.Random, scale: float, today: datetime.date) -> None:
    ids = IdMaker(rng)
    towns = Town.objects.filter(county_id__in=DEMO_COUNTIES).select_related("county").order_by("code")
    for town in towns:
        info = TownInfo(
            code=town.code,
            name=town.name,
            county_name=town.county.name,
            id_letter=ID_LETTERS[town.county_id],
            rural=town.kind in (TownKind.TOWNSHIP, TownKind.MOUNTAIN),
        )
        persons = round((town.population or 0) * scale / RESIDENTS_PER_PERSON)
        for household in TownPlanner(rng, info, today, ids).households(persons):
            _register_household(household, town)


def _register_household(planned: PlannedHousehold, town: Town) -> None:
    persons = [
        people.register_person(
            people.PersonData(
                name=p.name,
                sex=p.sex,
                birth_date=p.birth_date,
                national_id=p.national_id,
                phones=p.phones,
                town=town,
                address=planned.address,
            )
        )
        for p, _ in planned.members
    ]
    household = people.create_household(persons[0], town=town, address=planned.address)
    for person, (_, role) in zip(persons[1:], planned.members[1:], strict=True):
        people.add_household_member(household, person, role)
    for source, target, kind in planned.relations:
        people.relate_persons(persons[source], persons[target], kind)
