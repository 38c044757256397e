"""Drawing the day's reports: how many, of which type and source, when, and the persons they name;
the psychiatric-care and suicide registries those persons are on."""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from collections.abc import Mapping
from typing import TypeVar

from safetynet.demo import caseloads
from safetynet.demo.households import born_at_age
from safetynet.demo.incidents import Incident, Someone, Subject
from safetynet.demo.reports.scheduler import DAY, TAIPEI
from safetynet.demo.reports.state import Flow
from safetynet.demo.staffing import year_end, year_start
from safetynet.people import services as people
from safetynet.people.models import Registry, RelationKind

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
HIGH_RISK_REPORTS = (75.0, 40.0, 12.0)  # days before the end (see `high_risk_incidents`)
K = TypeVar("K")


def incidents_of(flow: Flow, day: datetime.date) -> list[Incident]:
    year = day.year - 1911
    weight = WEEKDAY_WEIGHT if day.weekday() < 5 else WEEKEND_WEIGHT
    days_in_year = (year_end(year) - year_start(year)).days + 1
    incidents: list[Incident] = []
    for area in flow.counties:
        expected = volume(flow, area, year) * flow.scale * weight / days_in_year
        for _ in range(poisson(flow.rng, expected)):
            kind = weighted(flow.rng, flow.data.types)
            source = draw_source(flow, kind, day)
            received = received_at(flow, day, source)
            incidents.append(draw_incident(flow, area, kind, source, received))
    return incidents


def volume(flow: Flow, area: str, year: int) -> float:
    """The year's volume, or the nearest year's for plan years the data file does not list."""
    listed = sorted((abs(y - year), y) for a, y in flow.data.volumes if a == area)
    return flow.data.volumes[(area, listed[0][1])] if listed else 0.0


def draw_source(flow: Flow, kind: str, day: datetime.date) -> str:
    shares = flow.data.sources[kind]
    if day.weekday() >= 5:
        around = {s: w for s, w in shares.items() if s not in OFFICE_SOURCES}
        shares = around or shares
    return weighted(flow.rng, shares)


def received_at(flow: Flow, day: datetime.date, source: str) -> datetime.datetime:
    hours = OFFICE_HOURS if source in OFFICE_SOURCES and day.weekday() < 5 else CLOCK_HOURS
    hour = weighted(flow.rng, hours)
    moment = datetime.datetime.combine(day, datetime.time(hour), tzinfo=TAIPEI)
    return moment + datetime.timedelta(seconds=flow.rng.randrange(3600))


def draw_incident(flow: Flow, area: str, kind: str, source: str, received: datetime.datetime) -> Incident:
    on = received.date()
    if flow.rng.random() < REPEAT_SHARE.get(kind, 0):
        earlier = [i for i in flow.history[(area, kind)] if received - i.received < REPEAT_WINDOW]
        flow.history[(area, kind)] = earlier  # older ones are out of the window for good
        if earlier:
            before = flow.rng.choice(earlier)
            if flow.people.free(on, *(s.person for s in before.subjects)):
                subjects = [again(flow, s, on) for s in before.subjects]
                return Incident(area, kind, received, source, subjects)
    county = area
    if flow.rng.random() < OUTSIDE_SHARE:
        county = next((c for c in flow.counties if c != area), area)
    subjects, relation = draw_subjects(flow, kind, county, on)
    return Incident(area, kind, received, source, subjects, relation)


def again(flow: Flow, subject: Subject, on: datetime.date) -> Subject:
    """The same person in the same role, with this report's own flags."""
    flags, tipvda = draw_flags(flow, subject.types[0], subject.role, subject.person, on)
    return Subject(subject.ref, subject.role, list(subject.types), subject.person, flags, tipvda)


def draw_subjects(flow: Flow, kind: str, county: str, on: datetime.date) -> tuple[list[Subject], str]:
    """The persons a new report of `kind` names: a couple, a parent and child, or one person.

    Persons on record are drawn from the county's households; otherwise the report names persons
    the county did not know, and `relation` says how the two are related (both are new then).
    """
    rng, people = flow.rng, flow.people
    existing = rng.random() < EXISTING_SHARE
    victim: Someone | None = None
    respondent: Someone | None = None
    relation = ""
    if kind == "IPV":
        couples = people.couples[county] if existing else []
        couple = people.pick(couples, lambda p: min(p[0].age(on), p[1].age(on)) >= 18 and people.free(on, *p))
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
            parent = people.new(county, rng.choice("MF"), born_at_age(rng, child.born, gap), town=child.town)
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
        victim = victim or people.new_aged(county, "F" if kind == "SA" else rng.choice("MF"), low, high, on)
        if kind == "SA" and rng.random() < 0.7:
            respondent = people.new_aged(county, "M", 16, 60, on)
    victim_role = {"CP": "child", "MH": "family", "DR": "family"}.get(kind, "victim")
    if kind == "VF":
        victim_role = "child" if victim.age(on) < 18 else "family"
    types = [kind]
    if kind == "IPV" and rng.random() < 0.04:
        types.append("SU")  # 合併自殺意念
    flags, tipvda = draw_flags(flow, kind, victim_role, victim, on)
    subjects = [Subject("s1", victim_role, types, victim, flags, tipvda)]
    if respondent is not None:
        flags, _ = draw_flags(flow, kind, "respondent", respondent, on)
        subjects.append(Subject("s2", "respondent", [kind], respondent, flags))
        if kind in ("IPV", "FV", "EP", "DP", "SA") and rng.random() < RESPONDENT_PSYCHIATRIC_SHARE:
            put_on_registry(flow, respondent, on - DAY * rng.randint(30, 1500))
    return subjects, relation


def draw_flags(
    flow: Flow, kind: str, role: str, person: Someone, on: datetime.date
) -> tuple[list[str], int | None]:
    rng = flow.rng
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


def high_risk_incidents(flow: Flow) -> dict[datetime.date, list[Incident]]:
    """Fixed reports of the last weeks, whatever the scale, so that the high-risk list of 嘉義縣 has
    cases at the end: women reported by the police with a TIPVDA at the rule set's cut-off or above,
    listed for the monthly 高危機網絡會議 (the flow's own reports stop with the last plan year)."""
    planned: dict[datetime.date, list[Incident]] = defaultdict(list)
    area = caseloads.COUNTY
    if area not in flow.counties:
        return planned
    start = datetime.datetime.combine(year_start(flow.years[0]), datetime.time(), tzinfo=TAIPEI)
    for days_before in HIGH_RISK_REPORTS:
        received = received_at(flow, (flow.end - DAY * days_before).date(), "POLICE")
        if received < start or received > flow.end - DAY:
            continue
        on = received.date()
        woman = flow.people.new_aged(area, "F", 22, 55, on)
        man = flow.people.new_aged(area, "M", 24, 60, on, town=woman.town)
        subjects = [
            Subject(
                "s1",
                "victim",
                ["IPV"],
                woman,
                tipvda=flow.rng.randint(flow.tipvda_high, max(flow.tipvda_high, 12)),
            ),
            Subject("s2", "respondent", ["IPV"], man),
        ]
        relation = flow.rng.choice((RelationKind.SPOUSE, RelationKind.PARTNER))
        planned[on].append(Incident(area, "IPV", received, "POLICE", subjects, relation, kept_open=True))
    return planned


def seed_registry(flow: Flow) -> None:
    """Adults on the psychiatric-care registry before the first plan year."""
    start = year_start(flow.years[0])
    for county in flow.counties:
        for someone in flow.people.by_county[county]:
            if someone.age(start) >= 18 and flow.rng.random() < PSYCHIATRIC_SHARE:
                put_on_registry(flow, someone, start - DAY * flow.rng.randint(30, 1500))


def put_on_registry(flow: Flow, someone: Someone, on: datetime.date) -> None:
    if someone.national_id in flow.people.psychiatric:
        return
    levels, weights = zip(*PSYCHIATRIC_LEVELS, strict=True)
    level = flow.rng.choices(levels, weights)[0]
    flow.people.psychiatric[someone.national_id] = level
    flow.people.registered[someone.county].append(someone)
    record_registry(flow, Registry.PSYCHIATRIC, someone, max(on, someone.born), level)


def record_registry(
    flow: Flow, registry: str, someone: Someone, on: datetime.date, level: int | None = None
) -> None:
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
    flow.summary.registry_entries += 1


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:  # normal approximation
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def weighted(rng: random.Random, shares: Mapping[K, float]) -> K:
    keys = list(shares)
    return rng.choices(keys, [shares[k] for k in keys])[0]
