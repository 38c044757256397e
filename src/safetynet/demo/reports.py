"""The demo's flow of reports (通報) for the plan years, through the same services as real ones.

For every day from the first plan year to `today`, reports arrive at plausible hours (volumes, report
types and sources from data/report_flow.csv), naming mostly the demo's own persons, so that re-reports
(續報) and co-cases (共案) happen as they do in a county. Each report is received by the county's
screener account (`receive_report`), screened a few hours later (`screen_report`: mostly confirmed, a
few overridden with a reason, a few after the 24-hour clock), and each case it opens is assigned,
visited (its clocks met, most on time), and moved through 評估中 → 處遇中 → 督導審核中 → 已結案 (or
未成案) by the case services, each at its own time.

Everything runs in time order, so each service sees the county as it was at that moment: the open
cases of a person (re-reports), each worker's caseload (who gets a case), the registries (rule 4).
Nothing that happens after the demo's last moment (`today`, late afternoon) is done: the last hours'
reports wait for screening, the last days' cases wait for their supervisor in the units that confirm
dispatch, and recent clocks are still running. A few fixed reports keep the demo accounts' pages
meaningful at any scale (see `_persona_incidents`).

The worker's records on each case (contacts, assessments, visits) are `safetynet.demo.casework`'s;
the monthly high-risk meeting and the units' supervision sessions `safetynet.demo.teamwork`'s.
嘉義縣's 心衛社工 and 處遇協調社工 are brought to seed 000's caseloads (`safetynet.demo.caseloads`) twice:
on seed 000's own day, when the flow gets there (`_checkpoint_balance`), and after the flow.
"""

from __future__ import annotations

import csv
import datetime
import heapq
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.utils import timezone

from safetynet.cases import services as cases
from safetynet.cases.models import Case, CaseStatus, Clock
from safetynet.core import services as notifications
from safetynet.demo import caseloads, names, partners, teamwork
from safetynet.demo.casework import FIRST_VISIT_CLOCKS, WRITTEN_ASSESSMENT_CLOCK, CaseFile, Casework
from safetynet.demo.households import IdMaker, age_on, born_at_age
from safetynet.demo.staffing import PlanDataError, year_end, year_start
from safetynet.domain.clocks import add_months
from safetynet.domain.dispatch import choose_worker, load_ratio
from safetynet.domain.triage import default_rule_set
from safetynet.geo.models import Town
from safetynet.intake import services as intake
from safetynet.intake.models import Channel, Dispatch, DispatchOutcome, Report, ReportSubject, RouteService
from safetynet.intake.rules import current_rule_set
from safetynet.org import services as org
from safetynet.org.models import AccessKind, DispatchMode, Staff, Unit, UnitKind
from safetynet.people import services as people
from safetynet.people.models import MemberRole, Person, Registry, Relation, RelationKind

DATA = Path(__file__).resolve().parent / "data" / "report_flow.csv"
K = TypeVar("K")
T = TypeVar("T")
TAIPEI = ZoneInfo("Asia/Taipei")
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

# The demo's last moment: late afternoon of `today`, when the screening desk still has reports waiting.
END_OF_DEMO = datetime.time(16, 30)
# Reports on weekdays, against weekend days (the two weights average to 1 over a week).
WEEKDAY_WEIGHT, WEEKEND_WEIGHT = 1.12, 0.7
# Sources that report in office hours on working days (the others report around the clock).
OFFICE_SOURCES = frozenset(
    {"EDUCATION", "SOCIAL", "CIVIL", "JUDICIAL", "1957", "LABOR", "HOUSEHOLD", "IMMIGRATION", "PROTECTIVE"}
)
OFFICE_HOURS = {8: 6, 9: 10, 10: 12, 11: 11, 12: 4, 13: 8, 14: 11, 15: 11, 16: 10, 17: 5}
CLOCK_HOURS = dict(enumerate((2, 1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 7, 7, 8, 8, 8, 8, 8, 9, 9, 8, 6, 4)))

# Who the subjects are. A report names persons already on record (a household of the demo) with this
# probability, else persons the county did not know (registered by the report, then given a household).
EXISTING_SHARE = 0.65
# A report about the same persons as an earlier one of the same type (within a year): the second
# report of a family, attached as 續報 while its case is open.
REPEAT_SHARE = {
    "IPV": 0.25, "CP": 0.15, "FV": 0.15, "EP": 0.15, "DP": 0.1, "SA": 0.05, "VF": 0.12, "SU": 0.15, "MH": 0.2,
    "DR": 0.1,
}  # fmt: skip
REPEAT_WINDOW = datetime.timedelta(days=365)
OUTSIDE_SHARE = 0.03  # subjects living in the other county: transferred (XFER)
# The psychiatric-care registry (精神照護): adults on it when the demo starts, and respondents of a
# domestic-violence report found on it (rule 4 → an extra 心衛社工 case for the respondent).
PSYCHIATRIC_SHARE = 0.04
RESPONDENT_PSYCHIATRIC_SHARE = 0.14
PSYCHIATRIC_LEVELS = ((1, 10), (2, 20), (3, 30), (4, 25), (5, 15))
MH_REGISTERED_SHARE = 0.75  # MH reports about a person on the registry
REGISTRY_SOURCE = "示範資料：精神照護／自殺防治通報系統"

# Screening: a few decided after the 24-hour clock (met late), a few overriding the suggestion.
LATE_SCREENING_SHARE = 0.03
OVERRIDE_SHARE = 0.03
# Cases of a unit whose supervisor confirms dispatch, opened this close to the end, still wait.
QUEUE_KEPT = datetime.timedelta(days=2)
# Clocks: most met inside their time, some late; every clock due more than a week before the end
# has been met (late if need be), so only the last week's can show overdue.
LATE_CLOCK_SHARE = 0.1
ALL_MET_BEFORE = datetime.timedelta(days=7)
FOLLOW_UP_SHARE = 0.15  # FPC and SWC cases that go to 後追 before closing
# A worker about to leave closes (or hands over) their cases in their last days.
HAND_OVER = (1.0, 5.0)  # days before the last day
# Cases carried over to bring 嘉義縣's 心衛社工 and 處遇協調社工 to seed 000's caseloads came in within
# this span before the end (心衛社工 cases run a year or more).
CARRY_SPAN = datetime.timedelta(days=900)
TCSW_SEXUAL_ASSAULT_SHARE = 120 / 166  # seed 000: 性侵 120 案, 家暴 46 案
HIGH_RISK_REPORTS = (75.0, 40.0, 12.0)  # days before the end (see `_high_risk_incidents`)
# Cases carried over for seed 000's checkpoint are closed this many days before the end at the latest.
CHECKPOINT_CARRIED_CLOSED = (20.0, 120.0)


class FlowDataError(PlanDataError):
    """A row of data/report_flow.csv is inconsistent; the message names the line."""


@dataclass(frozen=True)
class RouteTiming:
    assess_days: float
    serve_days: float
    not_opened: float  # share, 0-1


@dataclass(frozen=True)
class FlowData:
    volumes: dict[tuple[str, int], float]
    types: dict[str, float]
    sources: dict[str, dict[str, float]]
    routes: dict[str, RouteTiming]


def load_flow(path: Path = DATA) -> FlowData:
    """Read report_flow.csv (comment lines start with #); every problem names its line."""
    codes = default_rule_set().codes
    volumes: dict[tuple[str, int], float] = {}
    types: dict[str, float] = {}
    sources: dict[str, dict[str, float]] = defaultdict(dict)
    timing: dict[str, dict[str, float]] = defaultdict(dict)
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [(n, line) for n, line in enumerate(handle, start=1) if not line.startswith("#")]
    rows = csv.DictReader(line for _, line in lines)
    for (number, _), row in zip(lines[1:], rows, strict=True):
        where = f"{path.name} line {number}"
        try:
            value = float(row["value"])
        except ValueError:
            raise FlowDataError(f"{where}: value {row['value']!r} is not a number") from None
        if not (math.isfinite(value) and value >= 0):
            raise FlowDataError(f"{where}: value must be 0 or more")
        section, code, item = row["section"], row["code"], row["item"]
        if section == "volume":
            if not (row["area"].isdigit() and row["year"].isdigit()):
                raise FlowDataError(f"{where}: a volume needs a county code and a plan year")
            volumes[(row["area"], int(row["year"]))] = value
        elif section == "type" and code in codes.types:
            types[code] = value
        elif section == "source" and code in codes.types and item in codes.sources:
            sources[code][item] = value
        elif (
            section == "route"
            and code in codes.routes
            and item in ("assess_days", "serve_days", "not_opened")
        ):
            timing[code][item] = value
        else:
            raise FlowDataError(f"{where}: unknown section, code or item ({section} {code} {item})")
    for code in types:
        if not sources.get(code):
            raise FlowDataError(f"{path.name}: report type {code} has no source row")
    routes = {}
    for code, items in timing.items():
        if len(items) != 3:
            raise FlowDataError(f"{path.name}: route {code} needs assess_days, serve_days and not_opened")
        routes[code] = RouteTiming(items["assess_days"], items["serve_days"], items["not_opened"] / 100)
    return FlowData(volumes, types, dict(sources), routes)


# --- persons ---------------------------------------------------------------------------------------


@dataclass(eq=False)
class Someone:
    """A person a report can name: on record (`pk`), or invented for this report (pk 0 until received)."""

    name: str
    sex: str
    born: datetime.date
    national_id: str
    town: str
    pk: int = 0

    @property
    def county(self) -> str:
        return self.town[:5]

    def age(self, on: datetime.date) -> int:
        return age_on(self.born, on) if self.born <= on else -1


@dataclass
class Subject:
    ref: str
    role: str
    types: list[str]
    person: Someone
    flags: list[str] = field(default_factory=list)
    tipvda: int | None = None

    def document(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "ref": self.ref,
            "role": self.role,
            "types": self.types,
            "town": self.person.town,
            "name": self.person.name,
            "birth_date": self.person.born.isoformat(),
            "national_id": self.person.national_id,
        }
        if self.flags:
            entry["flags"] = self.flags
        if self.tipvda is not None:
            entry["tipvda_score"] = self.tipvda
        return entry


# Persona marks of an incident (see `_persona_incidents`).
UNSCREENED, WAITING, FOR_WORKER, OVERDUE_VISIT = "unscreened", "waiting", "for_worker", "overdue_visit"


@dataclass
class Incident:
    area: str
    kind: str  # the main report type
    received: datetime.datetime
    source: str
    subjects: list[Subject]
    relation: str = ""  # between subjects[0] and subjects[1] when both are new: RelationKind
    persona: str = ""
    carry_for: Staff | None = None  # a case carried over for this worker's caseload (seed 000)
    open_through: datetime.datetime | None = None  # carried for the checkpoint: open then, closed later
    kept_open: bool = False  # a fixed report of the last weeks whose case is still open at the end


class People:
    """The persons reports can name, by county, with the pairs (couples, parent and child) among them."""

    def __init__(self, rng: random.Random, id_letters: dict[str, str], counties: Iterable[str]) -> None:
        self.rng = rng
        self.letters = id_letters
        self.by_county: dict[str, list[Someone]] = defaultdict(list)
        self.couples: dict[str, list[tuple[Someone, Someone]]] = defaultdict(list)
        self.parents: dict[str, list[tuple[Someone, Someone]]] = defaultdict(list)  # (parent, child)
        self.by_pk: dict[int, Someone] = {}
        self.held: dict[int, tuple[datetime.date, datetime.date]] = {}  # pk → days no new report names them
        self.psychiatric: dict[str, int] = {}  # national ID → registry level
        self.registered: dict[str, list[Someone]] = defaultdict(list)  # on the psychiatric registry
        towns = Town.objects.filter(county_id__in=list(counties)).order_by("code")
        self.towns: dict[str, tuple[list[str], list[int]]] = {}
        for county in counties:
            mine = [t for t in towns if t.county_id == county]
            self.towns[county] = ([t.code for t in mine], [t.population or 1 for t in mine])
        ids: list[str] = []
        for person in Person.objects.filter(town__county_id__in=list(counties)).order_by("pk"):
            ids.append(person.national_id)
            if not person.national_id or person.birth_date is None or person.town_id is None:
                continue  # a report without the ID would register a second person
            someone = Someone(
                person.name, person.sex, person.birth_date, person.national_id, person.town_id, person.pk
            )
            self.by_pk[person.pk] = someone
            self.by_county[someone.county].append(someone)
        self.ids = IdMaker(rng)
        self.ids.issued.update(i for i in ids if i)
        relations = Relation.objects.filter(kind__in=[RelationKind.SPOUSE, RelationKind.PARENT]).order_by(
            "pk"
        )
        for person_id, other_id, kind in relations.values_list("person_id", "other_id", "kind"):
            a, b = self.by_pk.get(person_id), self.by_pk.get(other_id)
            if a is None or b is None:
                continue
            (self.couples if kind == RelationKind.SPOUSE else self.parents)[a.county].append((a, b))

    def new(self, county: str, sex: str, born: datetime.date, town: str = "") -> Someone:
        codes, weights = self.towns[county]
        town = town or self.rng.choices(codes, weights)[0]
        national_id = self.ids.make(self.letters[county], sex)
        return Someone(names.person_name(self.rng, sex), sex, born, national_id, town)

    def new_aged(
        self, county: str, sex: str, low: int, high: int, on: datetime.date, town: str = ""
    ) -> Someone:
        return self.new(county, sex, born_at_age(self.rng, on, self.rng.randint(low, high)), town)

    def hold(self, pk: int, first: datetime.date, last: datetime.date) -> None:
        """No new report names the person from `first` to `last` (see `_checkpoint_balance`)."""
        earlier = self.held.get(pk)
        self.held[pk] = (min(first, earlier[0]), max(last, earlier[1])) if earlier else (first, last)

    def free(self, on: datetime.date, *persons: Someone) -> bool:
        """No report on `on` may name one of the persons held back."""
        return not any(p.pk in self.held and self.held[p.pk][0] <= on <= self.held[p.pk][1] for p in persons)

    def pick(self, pool: Sequence[T], fits: Callable[[T], bool], tries: int = 25) -> T | None:
        """A random member of `pool` that fits, by rejection (pools are large, most members fit)."""
        if not pool:
            return None
        for _ in range(tries):
            choice = self.rng.choice(pool)
            if fits(choice):
                return choice
        return None

    def register(self, someone: Someone, pk: int) -> None:
        someone.pk = pk
        self.by_pk[pk] = someone
        self.by_county[someone.county].append(someone)


# --- the flow ---------------------------------------------------------------------------------------


@dataclass
class FlowSummary:
    reports: int = 0
    screened: int = 0
    overridden: int = 0
    cases: int = 0
    reopened: int = 0
    assigned_by_supervisor: int = 0
    registry_entries: int = 0
    carried_over: int = 0
    closed_for_caseload: int = 0
    carried_at_checkpoint: int = 0
    closed_at_checkpoint: int = 0
    risk_meetings: int = 0
    supervision_sessions: int = 0


def simulate_reports(
    rng: random.Random,
    *,
    years: tuple[int, int],
    scale: float,
    today: datetime.date,
    id_letters: dict[str, str],
    data: FlowData | None = None,
    referral_rng: random.Random | None = None,
) -> FlowSummary:
    """Receive, screen and dispatch the demo's reports of `years` up to `today`, in time order; with
    `referral_rng`, workers refer some cases to partners, who answer (`safetynet.demo.partners`)."""
    flow = _Flow(rng, data or load_flow(), years, scale, today, id_letters, referral_rng)
    flow.run()
    return flow.summary


class _Flow:
    def __init__(
        self,
        rng: random.Random,
        data: FlowData,
        years: tuple[int, int],
        scale: float,
        today: datetime.date,
        id_letters: dict[str, str],
        referral_rng: random.Random | None = None,
    ) -> None:
        self.rng = rng
        self.data = data
        self.years = years
        self.scale = scale
        self.today = today
        end = datetime.datetime.combine(today, END_OF_DEMO, tzinfo=TAIPEI)
        live = timezone.now().astimezone(TAIPEI) - datetime.timedelta(minutes=5)
        # A demo of whole plan years runs on to the present, so that the personas' recent work is recent
        # when someone logs in: no new reports after the last plan year but the personas' own, while the
        # cases already open go on (visits, closures) until now.
        self.end = live if today == year_end(years[1]) else min(end, live)
        self.counties = sorted({area for area, _ in data.volumes})
        self.people = People(rng, id_letters, self.counties)
        self.summary = FlowSummary()
        self.events: list[tuple[datetime.datetime, int, Callable[[], None]]] = []
        self.sequence = 0
        self.history: dict[tuple[str, str], list[Incident]] = defaultdict(list)
        self.services = {s.route: s for s in RouteService.objects.order_by("pk")}
        self.units = {u.pk: u for u in Unit.objects.filter(county_id__in=self.counties).order_by("pk")}
        # Every worker records under their own account; the demo's extra staff get one that cannot sign in.
        for staff in Staff.objects.filter(
            user__isnull=True, unit__county_id__in=self.counties
        ).select_related("role"):
            org.create_account(staff, username=f"staff{staff.pk:05d}", password=None)
        accounts = Staff.objects.filter(user__isnull=False).select_related("user", "role", "unit")
        self.screeners: dict[str, Any] = {}
        self.supervisors: dict[int, Any] = {}
        # A closure is approved by a supervisor of the unit employed today (the service checks it).
        day = timezone.localdate()
        for staff in accounts.order_by("pk"):
            if staff.role.kind == AccessKind.SCREENER and staff.unit.kind == UnitKind.SCREENING:
                self.screeners.setdefault(staff.unit.county_id or "", staff.user)
            if staff.role.kind == AccessKind.SUPERVISOR and staff.is_active(day):
                self.supervisors.setdefault(staff.unit_id, staff.user)
        self.worker = accounts.filter(user__username="worker").first()
        self.staff_users = {s.pk: s.user for s in accounts}
        self.last_days = {s.pk: s.left_on for s in accounts}
        referrals = partners.ReferralWork(referral_rng, self.at, self.end) if referral_rng else None
        self.casework = Casework(rng, self.at, self.end, referrals)
        # What the checkpoint balance needs to count as the indicator engine will (see `_checkpoint_balance`).
        self.not_opening: set[int] = set()  # cases whose move to 未成案 is planned
        self.reserved: dict[int, Staff] = {}  # waiting cases and the worker the supervisor gives them to
        self.closed_early: set[int] = set()  # closed for the checkpoint: the flow's plan for them lapses
        self.closing_at: dict[int, datetime.datetime] = {}  # planned closures
        self.protected: set[int] = set()  # counted on the checkpoint
        self.checkpointed = False

    # --- the event queue ---------------------------------------------------------------------------

    def at(self, moment: datetime.datetime, action: Callable[[], None]) -> None:
        """Do `action` at `moment`, unless that is after the demo's end."""
        if moment <= self.end:
            self.sequence += 1
            heapq.heappush(self.events, (moment, self.sequence, action))

    def run(self) -> None:
        self._seed_registry()
        first = year_start(self.years[0])
        last = min(self.today, year_end(self.years[1]))
        personas = self._persona_incidents()
        for day, fixed in self._high_risk_incidents().items():
            personas[day] += fixed
        self._plan_risk_meetings(first)
        day = first
        while day <= self.end.date():
            drawn = self._incidents_of(day) if day <= last else []
            for incident in drawn + personas.pop(day, []):
                self.at(incident.received, lambda i=incident: self._receive(i))  # type: ignore[misc]
            midnight = datetime.datetime.combine(day + DAY, datetime.time(), tzinfo=TAIPEI)
            self._run_until(midnight)
            if day == caseloads.CHECKPOINT and first <= day and midnight <= self.end:
                self._checkpoint_balance()
            day += DAY
        self._drain()
        self._balance_caseloads(first, last)
        self.summary.supervision_sessions = teamwork.hold_supervision(self.rng, first, self.end)
        # What the scheduled job does on its next run: clocks past due and unmet are marked, once.
        cases.mark_overdue()
        # Everyone has read what came more than two weeks ago.
        seen = self.end - 14 * DAY
        for user in {u for u in self.staff_users.values() if u is not None}:
            notifications.mark_read(user, up_to=seen, at=seen)

    def _run_until(self, moment: datetime.datetime) -> None:
        """Do everything planned before `moment`, in time order."""
        while self.events and self.events[0][0] < moment:
            heapq.heappop(self.events)[2]()

    def _drain(self) -> None:
        while self.events:
            heapq.heappop(self.events)[2]()

    def _plan_risk_meetings(self, first: datetime.date) -> None:
        """Each county's monthly 高危機網絡會議, chaired by a supervisor of its 家防中心."""
        for county in self.counties:
            fpc = next(
                (u for u in self.units.values() if u.county_id == county and u.kind == UnitKind.FPC), None
            )
            chair = self.supervisors.get(fpc.pk) if fpc else None
            if chair is None:
                continue
            for held_on in teamwork.meeting_days(first, self.end.date()):
                moment = datetime.datetime.combine(held_on, datetime.time(14), tzinfo=TAIPEI)
                recorded = min(moment + 3 * HOUR, self.end)
                self.at(moment, lambda c=county, d=held_on, b=chair, r=recorded: self._meeting(c, d, b, r))  # type: ignore[misc]

    def _meeting(self, county: str, held_on: datetime.date, by: Any, recorded: datetime.datetime) -> None:
        if teamwork.hold_risk_meeting(self.rng, county, held_on, by, recorded):
            self.summary.risk_meetings += 1

    # --- seed 000's caseloads ---------------------------------------------------------------------

    def _balance_caseloads(self, first: datetime.date, last: datetime.date) -> None:
        """Bring 嘉義縣's 心衛社工 and 處遇協調社工 to seed 000's open caseloads (see `caseloads`): close
        what is above, carry cases over for what is below, through the flow like any other report."""
        wanted = caseloads.targets(self.scale, self.end.astimezone(TAIPEI).date())
        if caseloads.COUNTY not in self.counties:
            return
        if self.checkpointed:
            # Came in after the checkpoint, so that the caseloads counted on it stay as balanced then.
            first = max(first, caseloads.CHECKPOINT + DAY)
        carried: list[Incident] = []
        for target in wanted:
            supervisor = self.supervisors.get(target.staff.unit_id)
            if supervisor is not None:
                closed = caseloads.close_extra(self.rng, target, supervisor, self.end)
                self.summary.closed_for_caseload += len(closed)
            missing = target.cases - caseloads.open_count(target.staff)
            window = caseloads.carry_window(target.staff, first, last, self.end, CARRY_SPAN)
            carried += [self._carried(target, window) for _ in range(missing)]
        self._take_on(carried, until=None)
        self.summary.carried_over = len(carried)

    def _take_on(self, carried: list[Incident], until: datetime.datetime | None) -> None:
        """Receive the carried reports and do what follows from them up to `until` (None: to the end).
        The supervisor assigns each case to its worker: the units confirm dispatch meanwhile."""
        modes = {}
        for unit_id in sorted({i.carry_for.unit_id for i in carried if i.carry_for is not None}):
            unit = self.units[unit_id]
            modes[unit_id] = unit.dispatch_mode
            org.set_dispatch_mode(unit, DispatchMode.CONFIRM)
        for incident in sorted(carried, key=lambda i: i.received):
            self.at(incident.received, lambda i=incident: self._receive(i))  # type: ignore[misc]
        if until is None:
            self._drain()
        else:
            self._run_until(until)
        for unit_id, mode in modes.items():
            org.set_dispatch_mode(self.units[unit_id], mode)

    def _checkpoint_balance(self) -> None:
        """Bring 嘉義縣's 心衛社工 and 處遇協調社工 employed on seed 000's day to its caseloads at the end of
        that day, once the flow has done everything before then: the extra cases are closed, the missing
        ones carried over (they came in during the weeks before, and stay open past the day).

        The count is the one the indicator engine will make after the whole flow (`caseloads.open_on`:
        by the current lead, the current status), so what would still change it is dealt with here:
        cases planned to be found 未成案 later are not counted; cases waiting for the supervisor are
        given now to the worker they will go to (one without a figure if there is one); a report in but
        not yet screened that will reopen a closed case is counted. A case reopened by a later report
        would count again (closed before the day) or for another worker (its own has left by then):
        the persons of such cases are named by no new report while the re-report window lasts.
        """
        day = caseloads.CHECKPOINT
        moment = caseloads.end_of(day)
        wanted = caseloads.targets(self.scale, day)
        if caseloads.COUNTY not in self.counties or not wanted:
            return
        self.checkpointed = True
        counted = {
            t.staff.pk: set(caseloads.open_on(t.staff, moment).values_list("pk", flat=True))
            - self.not_opening
            for t in wanted
        }
        extra = self._reserve_waiting(wanted, counted, moment)
        for lead, number in self._reopening(moment, counted).items():
            extra[lead] += number
        busy = set(
            ReportSubject.objects.filter(
                report__screening__isnull=True, report__received_at__lte=moment
            ).values_list("person_id", flat=True)
        )
        carried: list[Incident] = []
        for target in wanted:
            over = len(counted[target.staff.pk]) + extra[target.staff.pk] - target.cases
            supervisor = self.supervisors.get(target.staff.unit_id)
            if over > 0 and supervisor is not None:
                # Not a case planned to be 未成案, nor one of a person a report waiting for screening names.
                keep = self.not_opening | set(
                    Case.objects.filter(lead=target.staff, person_id__in=busy).values_list("pk", flat=True)
                )
                closed = caseloads.close_extra(self.rng, target, supervisor, moment, extra=over, keep=keep)
                for case in closed:
                    self.closed_early.add(case.pk)
                    self.casework.files.pop(case.pk, None)
                self.summary.closed_at_checkpoint += len(closed)
                over -= len(closed)
            window = caseloads.checkpoint_window(target.staff, day)
            carried += [self._carried(target, window, open_through=moment) for _ in range(max(0, -over))]
            self._hold_closed(target.staff, moment)
        self._take_on(carried, until=moment)
        self.summary.carried_at_checkpoint = len(carried)
        for target in wanted:
            self.protected |= set(caseloads.open_on(target.staff, moment).values_list("pk", flat=True))
        self.protected |= set(self.reserved)
        for case in Case.objects.filter(pk__in=sorted(self.protected)).order_by("pk"):
            if case.pk in self.closing_at:
                self._protect(case, self.closing_at[case.pk])

    def _reserve_waiting(
        self, wanted: list[caseloads.Target], counted: dict[int, set[int]], moment: datetime.datetime
    ) -> dict[int, int]:
        """Give the cases of the workers' routes still waiting for the supervisor at `moment` to a worker
        employed then (one without a figure first, else the one furthest below it); how many each got."""
        day = caseloads.CHECKPOINT
        figures = {t.staff.pk: t.cases for t in wanted}
        given: dict[int, int] = defaultdict(int)
        roles = {t.role for t in wanted}
        routes = sorted(r for r, s in self.services.items() if roles & set(s.roles))
        waiting = Case.objects.filter(
            unit_id__in={t.staff.unit_id for t in wanted},
            route__in=routes,
            status=CaseStatus.PENDING,
            opened_at__lte=moment,
        ).order_by("opened_at", "pk")

        def room(staff: Staff) -> float:
            if staff.pk not in figures:
                return math.inf
            return figures[staff.pk] - len(counted[staff.pk]) - given[staff.pk]

        for case in waiting:
            service = self.services[case.route]
            pool = list(
                Staff.objects.filter(unit_id=case.unit_id, role__code__in=service.roles)
                .active_on(day)
                .order_by("hired_on", "pk")
            )
            if not pool:
                continue
            chosen = max(pool, key=room)
            self.reserved[case.pk] = chosen
            given[chosen.pk] += 1
        return given

    def _reopening(self, moment: datetime.datetime, counted: dict[int, set[int]]) -> dict[int, int]:
        """Cases of the workers closed by `moment` that a report received by then, screened after, will
        reopen (its suggested routes are kept for these routes: see `_override`); how many each."""
        found: dict[int, int] = defaultdict(int)
        months = _rereport_months()
        waiting = Report.objects.filter(screening__isnull=True, received_at__lte=moment).order_by("pk")
        for report in waiting:
            refs = {s.ref: s.person_id for s in report.subjects.all()}
            since = add_months(report.received_at, -months)
            for route in report.suggestion.get("routes", []):
                person = refs.get(route.get("subject"))
                if person is None:
                    continue
                closed = (
                    Case.objects.filter(
                        person_id=person,
                        route=route.get("route"),
                        area_id=report.area_id,
                        status=CaseStatus.CLOSED,
                        closed_at__gte=since,
                        closed_at__lte=report.received_at,
                    )
                    .order_by("-closed_at")
                    .first()
                )
                if closed is not None and closed.lead_id in counted:
                    found[closed.lead_id] += 1
        return found

    def _hold_closed(self, staff: Staff, moment: datetime.datetime) -> None:
        """Persons of the worker's cases closed within the re-report window before `moment`: no new
        report names them until that window has passed (it would reopen the case, counted again)."""
        months = _rereport_months()
        closed = Case.objects.filter(
            lead=staff,
            status=CaseStatus.CLOSED,
            closed_at__gte=add_months(moment, -months),
            closed_at__lte=moment,
        ).values_list("person_id", "closed_at")
        for person, closed_at in closed:
            assert closed_at is not None  # noqa: S101 - filtered on it
            self.people.hold(person, moment.date(), timezone.localdate(add_months(closed_at, months)) + DAY)

    def _protect(self, case: Case, closes: datetime.datetime) -> None:
        """A case counted on the checkpoint that a report after its closure would reopen when its worker
        has left, for another worker (who would count it on the checkpoint): its person is named by no
        new report from the day before it closes until the re-report window has passed."""
        last = timezone.localdate(add_months(closes, _rereport_months())) + DAY
        left = self.last_days.get(case.lead_id or 0)
        if left is not None and left <= last:
            self.people.hold(case.person_id, timezone.localdate(closes) - DAY, last)

    def _carried(
        self,
        target: caseloads.Target,
        window: tuple[datetime.date, datetime.date],
        open_through: datetime.datetime | None = None,
    ) -> Incident:
        """A report that brought the worker a case: a domestic-violence respondent on the psychiatric
        registry (心衛社工, rule 4) or under a court-ordered treatment plan (處遇協調社工)."""
        rng, area = self.rng, caseloads.COUNTY
        starts, ends = window
        day = starts + DAY * rng.randint(0, (ends - starts).days)
        while day.weekday() >= 5:
            day -= DAY
        received = self._received_at(max(day, starts), "JUDICIAL")
        on = received.date()
        person = self.people.new_aged(area, "M" if rng.random() < 0.85 else "F", 20, 65, on)
        if target.role == "mhsw":
            kind, source, flags = rng.choice(("IPV", "IPV", "FV")), "PROTECTIVE", []
            self._put_on_registry(person, on - DAY * rng.randint(60, 1500))
        else:
            sexual = rng.random() < TCSW_SEXUAL_ASSAULT_SHARE
            kind, source, flags = ("SA" if sexual else "IPV"), "JUDICIAL", ["court_ordered_treatment"]
        subjects = [Subject("s1", "respondent", [kind], person, flags)]
        return Incident(
            area, kind, received, source, subjects, carry_for=target.staff, open_through=open_through
        )

    # --- drawing the day's reports -----------------------------------------------------------------

    def _incidents_of(self, day: datetime.date) -> list[Incident]:
        year = day.year - 1911
        weight = WEEKDAY_WEIGHT if day.weekday() < 5 else WEEKEND_WEIGHT
        days_in_year = (year_end(year) - year_start(year)).days + 1
        incidents: list[Incident] = []
        for area in self.counties:
            expected = self._volume(area, year) * self.scale * weight / days_in_year
            for _ in range(_poisson(self.rng, expected)):
                kind = _weighted(self.rng, self.data.types)
                source = self._source(kind, day)
                received = self._received_at(day, source)
                incidents.append(self._incident(area, kind, source, received))
        return incidents

    def _volume(self, area: str, year: int) -> float:
        """The year's volume, or the nearest year's for plan years the data file does not list."""
        listed = sorted((abs(y - year), y) for a, y in self.data.volumes if a == area)
        return self.data.volumes[(area, listed[0][1])] if listed else 0.0

    def _source(self, kind: str, day: datetime.date) -> str:
        shares = self.data.sources[kind]
        if day.weekday() >= 5:
            around = {s: w for s, w in shares.items() if s not in OFFICE_SOURCES}
            shares = around or shares
        return _weighted(self.rng, shares)

    def _received_at(self, day: datetime.date, source: str) -> datetime.datetime:
        hours = OFFICE_HOURS if source in OFFICE_SOURCES and day.weekday() < 5 else CLOCK_HOURS
        hour = _weighted(self.rng, hours)
        moment = datetime.datetime.combine(day, datetime.time(hour), tzinfo=TAIPEI)
        return moment + datetime.timedelta(seconds=self.rng.randrange(3600))

    def _incident(self, area: str, kind: str, source: str, received: datetime.datetime) -> Incident:
        on = received.date()
        if self.rng.random() < REPEAT_SHARE.get(kind, 0):
            earlier = [i for i in self.history[(area, kind)] if received - i.received < REPEAT_WINDOW]
            self.history[(area, kind)] = earlier  # older ones are out of the window for good
            if earlier:
                before = self.rng.choice(earlier)
                if self.people.free(on, *(s.person for s in before.subjects)):
                    subjects = [self._again(s, on) for s in before.subjects]
                    return Incident(area, kind, received, source, subjects)
        county = area
        if self.rng.random() < OUTSIDE_SHARE:
            county = next((c for c in self.counties if c != area), area)
        subjects, relation = self._subjects(kind, county, on)
        return Incident(area, kind, received, source, subjects, relation)

    def _again(self, subject: Subject, on: datetime.date) -> Subject:
        """The same person in the same role, with this report's own flags."""
        flags, tipvda = self._flags(subject.types[0], subject.role, subject.person, on)
        return Subject(subject.ref, subject.role, list(subject.types), subject.person, flags, tipvda)

    def _subjects(self, kind: str, county: str, on: datetime.date) -> tuple[list[Subject], str]:
        """The persons a new report of `kind` names: a couple, a parent and child, or one person.

        Persons on record are drawn from the county's households; otherwise the report names persons
        the county did not know, and `relation` says how the two are related (both are new then).
        """
        rng, people = self.rng, self.people
        existing = rng.random() < EXISTING_SHARE
        victim: Someone | None = None
        respondent: Someone | None = None
        relation = ""
        if kind == "IPV":
            couples = people.couples[county] if existing else []
            couple = people.pick(
                couples, lambda p: min(p[0].age(on), p[1].age(on)) >= 18 and people.free(on, *p)
            )
            if couple is not None:
                man, woman = sorted(couple, key=lambda s: s.sex != "M")
            else:
                woman = people.new_aged(county, "F", 20, 60, on)
                man = people.new_aged(county, "M", 22, 65, on, town=woman.town)
                relation = rng.choice((RelationKind.SPOUSE, RelationKind.PARTNER, RelationKind.EX_PARTNER))
            victim, respondent = (woman, man) if rng.random() < 0.8 else (man, woman)
        elif kind == "CP":
            families = people.parents[county] if existing else []
            family = people.pick(families, lambda p: 0 <= p[1].age(on) < 18 and people.free(on, *p))
            if family is not None:
                respondent, victim = family
            else:
                victim = people.new_aged(county, rng.choice("MF"), 0, 17, on)
                born = born_at_age(rng, victim.born, rng.randint(20, 38))
                respondent = people.new(county, rng.choice("MFF"), born, town=victim.town)
                relation = RelationKind.PARENT
        elif kind in ("FV", "EP", "DP"):
            elder = 65 if kind == "EP" else 0
            families = people.parents[county] if existing else []
            family = people.pick(
                families, lambda p: p[1].age(on) >= 18 and p[0].age(on) >= elder and people.free(on, *p)
            )
            if family is not None:
                parent, child = family
            else:
                child = people.new_aged(county, rng.choice("MMF"), *((40, 58) if elder else (20, 50)), on)
                youngest = max(20, elder - child.age(on))  # the parent's age at the child's birth
                gap = rng.randint(youngest, youngest + 12)
                parent = people.new(
                    county, rng.choice("MF"), born_at_age(rng, child.born, gap), town=child.town
                )
                relation = RelationKind.PARENT
            victim, respondent = (parent, child) if elder or rng.random() < 0.6 else (child, parent)
        else:  # SA (with the offender when known), VF, SU, MH, DR: one person
            low, high = {"SA": (12, 35), "VF": (0, 17), "SU": (15, 85), "MH": (18, 75), "DR": (18, 60)}[kind]
            if kind == "VF" and rng.random() < 0.4:
                low, high = 20, 70  # the family's adult
            pool = people.by_county[county] if existing else []
            if kind == "MH" and people.registered[county] and rng.random() < MH_REGISTERED_SHARE:
                pool = people.registered[county]
            victim = people.pick(pool, lambda s: low <= s.age(on) <= high and people.free(on, s))
            victim = victim or people.new_aged(
                county, "F" if kind == "SA" else rng.choice("MF"), low, high, on
            )
            if kind == "SA" and rng.random() < 0.7:
                respondent = people.new_aged(county, "M", 16, 60, on)
        victim_role = {"CP": "child", "MH": "family", "DR": "family"}.get(kind, "victim")
        if kind == "VF":
            victim_role = "child" if victim.age(on) < 18 else "family"
        types = [kind]
        if kind == "IPV" and rng.random() < 0.04:
            types.append("SU")  # 合併自殺意念
        flags, tipvda = self._flags(kind, victim_role, victim, on)
        subjects = [Subject("s1", victim_role, types, victim, flags, tipvda)]
        if respondent is not None:
            flags, _ = self._flags(kind, "respondent", respondent, on)
            subjects.append(Subject("s2", "respondent", [kind], respondent, flags))
            if kind in ("IPV", "FV", "EP", "DP", "SA") and rng.random() < RESPONDENT_PSYCHIATRIC_SHARE:
                self._put_on_registry(respondent, on - DAY * rng.randint(30, 1500))
        return subjects, relation

    def _flags(
        self, kind: str, role: str, person: Someone, on: datetime.date
    ) -> tuple[list[str], int | None]:
        rng = self.rng
        flags: list[str] = []
        tipvda = None
        if role == "respondent":
            if kind in ("IPV", "FV") and rng.random() < 0.04:
                flags.append("court_ordered_treatment")
            return flags, None
        if kind == "CP":
            if rng.random() < 0.12:  # no protection criterion, but a vulnerable family: SWC
                return ["no_protection_criterion", f"vulnerability:{rng.randint(1, 6)}"], None
            emergencies = (("serious_injury", 0.02), ("imminent_danger", 0.02), ("sexual_abuse_access", 0.01))
            flags += [flag for flag, share in emergencies if rng.random() < share]
            if person.age(on) < 6 and rng.random() < 0.05:
                flags.append("under6_unattended")
            who = rng.random()
            if who < 0.9:
                flags.append("caregiver_perpetrator" if who < 0.7 else "non_caregiver_perpetrator")
        elif kind == "IPV":
            if rng.random() < 0.3:
                flags.append("children_in_household")
            if rng.random() < 0.03:
                flags.append("serious_injury")
            if rng.random() < 0.7:
                band = rng.choices(((0, 5), (6, 7), (8, 15)), (60, 26, 14))[0]
                tipvda = rng.randint(*band)
        elif kind == "FV" and rng.random() < 0.15:
            flags.append("children_in_household")
        elif kind == "VF":
            flags += [f"vulnerability:{v}" for v in sorted(rng.sample(range(1, 7), rng.choice((1, 1, 2, 3))))]
        return sorted(flags), tipvda

    # --- registries ------------------------------------------------------------------------------------

    def _seed_registry(self) -> None:
        """Adults on the psychiatric-care registry before the first plan year."""
        start = year_start(self.years[0])
        for county in self.counties:
            for someone in self.people.by_county[county]:
                if someone.age(start) >= 18 and self.rng.random() < PSYCHIATRIC_SHARE:
                    self._put_on_registry(someone, start - DAY * self.rng.randint(30, 1500))

    def _put_on_registry(self, someone: Someone, on: datetime.date) -> None:
        if someone.national_id in self.people.psychiatric:
            return
        levels, weights = zip(*PSYCHIATRIC_LEVELS, strict=True)
        level = self.rng.choices(levels, weights)[0]
        self.people.psychiatric[someone.national_id] = level
        self.people.registered[someone.county].append(someone)
        self._registry(Registry.PSYCHIATRIC, someone, max(on, someone.born), level)

    def _registry(self, registry: str, someone: Someone, on: datetime.date, level: int | None = None) -> None:
        people.record_registry_entry(
            people.RegistryRow(
                registry=registry,
                national_id=someone.national_id,
                name=someone.name,
                birth_date=someone.born,
                level=level,
                event_date=on,
                source=REGISTRY_SOURCE,
            )
        )
        self.summary.registry_entries += 1

    # --- receiving and screening -----------------------------------------------------------------------

    def _receive(self, incident: Incident) -> None:
        document = {
            "received_at": incident.received.isoformat(),
            "area": incident.area,
            "source": incident.source,
            "subjects": [s.document() for s in incident.subjects],
        }
        screener = self.screeners.get(incident.area)
        report = intake.receive_report(document, by=screener, channel=Channel.WEB).report
        self.summary.reports += 1
        if any(s.person.pk == 0 for s in incident.subjects):
            self._register_new(report, incident)
        on = incident.received.date()
        for subject in incident.subjects:
            if "SU" in subject.types:  # the national suicide-report system has it from today on
                self._registry(Registry.SUICIDE, subject.person, on)
        if incident.persona not in (UNSCREENED,):
            self.history[(incident.area, incident.kind)].append(incident)
        if incident.persona == UNSCREENED:
            return
        urgent = any(
            f in ("serious_injury", "imminent_danger", "under6_unattended", "sexual_abuse_access")
            for s in incident.subjects
            for f in s.flags
        ) or any((s.tipvda or 0) >= 8 for s in incident.subjects)
        when = incident.received + self._screening_delay(incident.received, urgent)
        self.at(when, lambda: self._screen(report, incident, when))

    def _register_new(self, report: Report, incident: Incident) -> None:
        """Persons the report registered get a household (the worker records the family) and a relation."""
        rows = {s.ref: s for s in report.subjects.select_related("person")}
        for subject in incident.subjects:
            if subject.person.pk == 0:
                self.people.register(subject.person, rows[subject.ref].person_id)
        new = sorted(
            ((s.person, rows[s.ref].person) for s in incident.subjects if rows[s.ref].matched_by == "new"),
            key=lambda n: n[0].born,
        )
        related = len(new) == 2 and incident.relation
        if related and incident.relation != RelationKind.EX_PARTNER:
            (_, older), (_, younger) = new
            household = people.create_household(older, town=older.town)
            role = MemberRole.CHILD if incident.relation == RelationKind.PARENT else MemberRole.SPOUSE
            people.add_household_member(household, younger, role)
        else:
            for _, person in new:
                people.create_household(person, town=person.town)
        if related:
            (_, older), (_, younger) = new
            people.relate_persons(older, younger, incident.relation)

    def _screening_delay(self, received: datetime.datetime, urgent: bool) -> datetime.timedelta:
        """The desk screens in the day within hours; what comes at night waits for the morning unless
        urgent or taken by the screener on duty. A few are decided after the 24-hour clock."""
        rng = self.rng
        if rng.random() < LATE_SCREENING_SHARE and received < self.end - 3 * DAY:
            return HOUR * rng.uniform(24.5, 40)
        if urgent or 8 <= received.hour < 17 or rng.random() < 0.3:
            return HOUR * rng.triangular(0.3, 6 if received.weekday() < 5 else 8, 1.2)
        morning = datetime.datetime.combine(received.date(), datetime.time(8), tzinfo=TAIPEI)
        if received.hour >= 8:
            morning += DAY
        return morning - received + HOUR * rng.triangular(0.2, 4, 1)

    def _screen(self, report: Report, incident: Incident, at: datetime.datetime) -> None:
        user = self.screeners.get(incident.area)
        choices, reason = None, ""
        if self.rng.random() < OVERRIDE_SHARE and not incident.persona and incident.carry_for is None:
            choices, reason = _override(report)
        screening = intake.screen_report(report, by=user, routes=choices, reason=reason, at=at)
        self.summary.screened += 1
        self.summary.overridden += int(screening.overridden)
        dispatches = Dispatch.objects.filter(screening=screening).select_related("case").order_by("pk")
        opened, reopened = [], []
        for dispatch in dispatches:
            if dispatch.case is None:
                continue
            if dispatch.outcome in (DispatchOutcome.ASSIGNED, DispatchOutcome.QUEUED):
                opened.append(dispatch.case)
            elif dispatch.outcome == DispatchOutcome.REOPENED:
                reopened.append(dispatch.case)  # 結案後再通報: the case is worked again
        clocks: dict[int, list[Clock]] = defaultdict(list)
        for clock in Clock.objects.filter(case__in=opened).order_by("pk"):
            clocks[clock.case_id].append(clock)  # type: ignore[index]
        for case in opened:
            self.summary.cases += 1
            self._follow(case, clocks[case.pk], incident, at)
        for case in reopened:
            self.summary.reopened += 1
            self._follow(case, [], incident, at)

    # --- cases --------------------------------------------------------------------------------------

    def _follow(self, case: Case, clocks: list[Clock], incident: Incident, at: datetime.datetime) -> None:
        unit = self.units[case.unit_id]
        if case.lead_id is not None:
            self._plan_case(case, clocks, incident, at)
            return
        if incident.persona == WAITING:
            return
        if unit.dispatch_mode == DispatchMode.CONFIRM and at > self.end - QUEUE_KEPT and not incident.persona:
            return  # the last days' cases wait for the supervisor
        when = _next_office_moment(at, self.rng)
        if unit.dispatch_mode != DispatchMode.CONFIRM:
            when += DAY * self.rng.randint(0, 2)  # everyone was full: the supervisor finds someone
        carry_for = incident.carry_for
        if carry_for is not None and timezone.localdate(when) < carry_for.hired_on:
            # Waited in the queue for the seat to be filled: assigned on the new worker's first day.
            first_day = datetime.datetime.combine(carry_for.hired_on, datetime.time(7), tzinfo=TAIPEI)
            when = _next_office_moment(first_day, self.rng)
        if incident.persona:
            when = min(when, self.end - HOUR)
        self.at(when, lambda: self._assign(case, clocks, incident, when))

    def _assign(self, case: Case, clocks: list[Clock], incident: Incident, at: datetime.datetime) -> None:
        unit = self.units[case.unit_id]
        day = at.astimezone(TAIPEI).date()
        if incident.persona and self.worker is not None:
            worker: Staff | None = self.worker
        elif incident.carry_for is not None:
            worker = incident.carry_for
        elif (reserved := self.reserved.pop(case.pk, None)) is not None and reserved.is_active(day):
            worker = reserved
        else:
            worker = self._choose(case, unit, day)
        if worker is None:
            retry = at + DAY * 7
            self.at(retry, lambda: self._assign(case, clocks, incident, retry))
            return
        case = cases.assign_case(case, worker, by=self.supervisors.get(unit.pk), at=at)
        self.summary.assigned_by_supervisor += 1
        self._plan_case(case, clocks, incident, at)

    def _choose(self, case: Case, unit: Unit, day: datetime.date) -> Staff | None:
        """The suggested worker if still available, else the least loaded (even above the standard)."""
        service = self.services.get(case.route)
        pool = cases.candidates(unit, service.roles if service else [], day)
        present = [(s, c) for s, c in pool if not c.on_leave]
        for staff, _ in present:
            if staff.pk == case.suggested_lead_id:
                return staff
        chosen = choose_worker((c for _, c in present), default_standard=cases.DEFAULT_CASELOAD)
        if chosen is None and present:
            return min(
                present,
                key=lambda p: (load_ratio(p[1].open_cases, p[1].standard, cases.DEFAULT_CASELOAD), p[0].pk),
            )[0]
        return next((s for s, c in present if chosen is not None and c.id == chosen.id), None)

    def _plan_case(
        self, case: Case, clocks: list[Clock], incident: Incident, assigned: datetime.datetime
    ) -> None:
        """When the worker first visits and moves the case on; what falls after the end is not done.
        The visits in between are the case work's (`Casework`)."""
        rng = self.rng
        by = self.staff_users.get(case.lead_id or 0)
        first = next((c for c in clocks if c.name in FIRST_VISIT_CLOCKS), None)
        written = next((c for c in clocks if c.name == WRITTEN_ASSESSMENT_CLOCK), None)
        if first is not None:
            visit_at = self._meet_time(first, assigned, incident)
        else:
            visit_at = self.casework.first_visit_at(case, assigned)
        report_at = self._meet_time(written, assigned, incident) if written is not None else None
        if visit_at is None:
            report_at = None  # nothing is written before the family is seen
        elif report_at is not None:
            report_at = max(report_at, visit_at + HOUR * rng.uniform(2, 48))
            report_at = report_at if report_at <= self.end else None
        missing = visit_at is None or (written is not None and report_at is None)
        done = self.end + DAY if missing else max(t for t in (visit_at, report_at) if t is not None)
        file = self._case_file(case, incident, by, written is not None)
        timing = self.data.routes.get(case.route)
        if incident.persona or timing is None:
            file.follow_up = not incident.persona
            self.casework.follow(file, first_at=visit_at, report_at=report_at)
            return  # the demo accounts' cases stay in 評估中
        decided = max(assigned + DAY * _around(rng, timing.assess_days), done + HOUR * rng.uniform(2, 72))
        carried = incident.carry_for is not None
        kept_open = (carried and incident.open_through is None) or incident.kept_open
        if not (carried or incident.kept_open) and rng.random() < timing.not_opened:
            file.stop = decided
            self.casework.follow(file, first_at=visit_at, report_at=report_at)
            self._status(case, CaseStatus.NOT_OPENED, decided, by)
            if decided <= self.end:
                self.not_opening.add(case.pk)
            return
        self._status(case, CaseStatus.SERVING, decided, by)
        if kept_open:
            self.casework.follow(file, first_at=visit_at, report_at=report_at)
            return  # still open at the end
        served = DAY * _around(rng, timing.serve_days, spread=0.55)
        review = decided + served
        if incident.open_through is not None:
            # Closed before the end: the caseloads then are the flow's and those balanced after it.
            review = min(review, self.end - DAY * rng.uniform(*CHECKPOINT_CARRIED_CLOSED))
        if file.last_day is not None:
            # The worker closes the case before leaving rather than leave it to nobody.
            leaving = datetime.datetime.combine(file.last_day, datetime.time(10), tzinfo=TAIPEI)
            review = min(review, max(leaving - DAY * rng.uniform(*HAND_OVER), decided + DAY))
        if incident.open_through is not None:
            # Open through the checkpoint, even when its worker leaves right after it.
            review = max(review, incident.open_through + HOUR * rng.uniform(9, 33), decided + DAY)
        if case.route in ("FPC", "SWC") and rng.random() < FOLLOW_UP_SHARE:
            self._status(case, CaseStatus.FOLLOW_UP, review - min((review - decided) * 0.3, DAY * 60), by)
        self._status(case, CaseStatus.REVIEW, review, by)
        closes = review + DAY * rng.uniform(2, 14)
        self._status(case, CaseStatus.CLOSED, closes, by)
        self.closing_at[case.pk] = closes
        if case.pk in self.protected:
            self._protect(case, closes)
        file.stop = review
        self.casework.follow(file, first_at=visit_at, report_at=report_at)

    def _case_file(self, case: Case, incident: Incident, by: Any, written: bool) -> CaseFile:
        subject = next((s for s in incident.subjects if s.person.pk == case.person_id), incident.subjects[0])
        dimensions = tuple(f.split(":", 1)[1] for f in subject.flags if f.startswith("vulnerability:"))
        return CaseFile(
            case=case,
            by=by,
            role=subject.role,
            types=tuple(subject.types),
            tipvda=subject.tipvda,
            dimensions=dimensions,
            psychiatric=self.people.psychiatric.get(subject.person.national_id),
            last_day=self.last_days.get(case.lead_id or 0),
            written_report=written,
        )

    def _meet_time(
        self, clock: Clock, assigned: datetime.datetime, incident: Incident
    ) -> datetime.datetime | None:
        rng = self.rng
        starts, due = clock.starts_at, clock.due_at
        window = due - starts
        if incident.persona == OVERDUE_VISIT and clock.name == "vf_first_visit":
            return None
        if incident.persona and due > self.end:
            return None  # the demo worker's clocks still running
        if rng.random() < LATE_CLOCK_SHARE:
            met = due + window * rng.uniform(0.05, 0.6)
        else:
            met = starts + window * rng.uniform(0.3, 0.95)
        met = max(met, assigned + HOUR * rng.uniform(1, 8))
        if met > self.end:
            if due > self.end - ALL_MET_BEFORE or incident.persona:
                return None
            met = max(self.end - HOUR * rng.uniform(1, 48), assigned + HOUR)
        return met

    def _status(self, case: Case, status: str, at: datetime.datetime, by: Any) -> None:
        def move() -> None:
            if case.pk in self.closed_early:
                return  # closed for the checkpoint's caseloads
            if status == CaseStatus.REVIEW:
                cases.request_closure(
                    case,
                    reason="goals_met",
                    checklist=["plan_reviewed", "last_assessment", "family_informed"],
                    open_clocks_reason="服務目標達成，後續訪視不再需要",
                    by=by,
                    at=at,
                )
            elif status == CaseStatus.CLOSED:
                closure = case.closures.filter(approved__isnull=True).first()
                if closure is not None:
                    cases.decide_closure(closure, approve=True, by=self.supervisors.get(case.unit_id), at=at)
            else:
                cases.change_status(case, status, by=by, at=at, reason="訪視後評估不需開案")

        self.at(at, move)

    # --- the demo accounts -------------------------------------------------------------------------

    def _persona_incidents(self) -> dict[datetime.date, list[Incident]]:
        """Fixed reports of the last weeks, whatever the scale, so the demo accounts have work:
        the worker a few open cases (one first visit overdue, others due soon), the supervisor a few
        cases waiting to be assigned, the screener a few reports waiting to be screened."""
        planned: dict[datetime.date, list[Incident]] = defaultdict(list)
        if self.worker is None:
            return planned
        unit = self.worker.unit
        area = unit.county_id or ""
        towns = sorted(unit.towns.values_list("code", flat=True))
        if area not in self.counties or not towns:
            return planned
        start = datetime.datetime.combine(year_start(self.years[0]), datetime.time(), tzinfo=TAIPEI)
        # Days before the end. The overdue first visit (due 10 days after receipt) is due before every
        # other clock the worker has left open, which are all due within ALL_MET_BEFORE of the end.
        marks = [
            (34.0, FOR_WORKER),
            (18.2, OVERDUE_VISIT),
            (9.0, FOR_WORKER),
            (4.0, FOR_WORKER),
            (1.6, WAITING),
            (0.9, WAITING),
            (0.7, UNSCREENED),
            (0.4, UNSCREENED),
            (0.15, UNSCREENED),
        ]
        for number, (days_before, mark) in enumerate(marks):
            received = self.end - DAY * days_before
            if received < start:
                continue
            on = received.date()
            town = towns[number % len(towns)]
            if mark == UNSCREENED:
                kind = self.rng.choice(("IPV", "CP", "VF", "SU"))
                subjects, relation = self._subjects(kind, area, on)
            else:  # a family new to the county, so that the report opens a case
                kind, relation = "VF", ""
                child = self.people.new_aged(area, self.rng.choice("MF"), 2, 15, on, town=town)
                flags, _ = self._flags("VF", "child", child, on)
                subjects = [Subject("s1", "child", ["VF"], child, flags)]
            source = self._source(kind, on) if mark != UNSCREENED else "113"
            planned[on].append(Incident(area, kind, received, source, subjects, relation, persona=mark))
        return planned

    def _high_risk_incidents(self) -> dict[datetime.date, list[Incident]]:
        """Fixed reports of the last weeks, whatever the scale, so that the high-risk list of 嘉義縣 has
        cases at the end: women reported by the police with a TIPVDA of 8 or more, listed for the
        monthly 高危機網絡會議 (the flow's own reports stop with the last plan year)."""
        planned: dict[datetime.date, list[Incident]] = defaultdict(list)
        area = caseloads.COUNTY
        if area not in self.counties:
            return planned
        start = datetime.datetime.combine(year_start(self.years[0]), datetime.time(), tzinfo=TAIPEI)
        for days_before in HIGH_RISK_REPORTS:
            received = self._received_at((self.end - DAY * days_before).date(), "POLICE")
            if received < start or received > self.end - DAY:
                continue
            on = received.date()
            woman = self.people.new_aged(area, "F", 22, 55, on)
            man = self.people.new_aged(area, "M", 24, 60, on, town=woman.town)
            subjects = [
                Subject("s1", "victim", ["IPV"], woman, tipvda=self.rng.randint(8, 12)),
                Subject("s2", "respondent", ["IPV"], man),
            ]
            relation = self.rng.choice((RelationKind.SPOUSE, RelationKind.PARTNER))
            planned[on].append(Incident(area, "IPV", received, "POLICE", subjects, relation, kept_open=True))
        return planned


# --- helpers ------------------------------------------------------------------------------------------


def _override(report: Report) -> tuple[list[intake.RouteChoice] | None, str]:
    """A plausible change a screener makes to the suggestion, with the reason, or none."""
    routes: list[dict[str, Any]] = report.suggestion.get("routes", [])
    kept = [intake.RouteChoice(r["subject"], r["route"], r.get("priority")) for r in routes]
    for index, route in enumerate(routes):
        change: tuple[str, int | None, str] | None = None
        if route["route"] == "FPC" and route.get("priority") == 2:
            change = ("FPC", 1, "電話查證後研判有立即危險，提高為優先處理")
        elif route["route"] == "SWC":
            change = ("FPC", 2, "經查有疑似保護情事，改由家防中心調查")
        elif (
            route["route"] == "NONE" and report.subjects.filter(ref=route["subject"], role="family").exists()
        ):
            change = ("CV", None, "家屬表示個案近期未規律就醫，轉關懷訪視員追蹤")
        if change is not None:
            kept[index] = intake.RouteChoice(route["subject"], change[0], change[1])
            return kept, change[2]
    return None, ""


def _rereport_months() -> int:
    """The re-report window of the rule set in force: a report within it reopens a closed case."""
    months = current_rule_set().parameters.get("rereport_window_months")
    return months if isinstance(months, int) else intake.REREPORT_WINDOW_MONTHS


def _next_office_moment(after: datetime.datetime, rng: random.Random) -> datetime.datetime:
    """A supervisor's next look at the queue: within hours on a working day, else the next morning."""
    local = after.astimezone(TAIPEI)
    if local.weekday() < 5 and 8 <= local.hour < 17:
        return after + HOUR * rng.triangular(0.2, 4, 0.8)
    day = local.date() + (DAY if local.hour >= 8 else datetime.timedelta(0))
    while day.weekday() >= 5:
        day += DAY
    return datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=TAIPEI) + HOUR * rng.triangular(
        0, 3, 0.5
    )


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:  # normal approximation
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _weighted(rng: random.Random, shares: Mapping[K, float]) -> K:
    keys = list(shares)
    return rng.choices(keys, [shares[k] for k in keys])[0]


def _around(rng: random.Random, median: float, spread: float = 0.4) -> float:
    """A duration in days around `median` (log-normal), at least one day."""
    return max(1.0, median * math.exp(rng.gauss(0, spread)))
