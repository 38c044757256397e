"""Benchmark: the indicator catalogue of one county-year, against a DuckDB floor measured in the same run.

    .venv/bin/python bench/kpi.py [--scales 1,50] [--seed 1] [--explain]

For each scale it builds a fresh database (SQLite in a temporary data directory, or DATABASE_URL's
server when set, in a database `safetynet_bench_kpi` it creates and drops, never DATABASE_URL's own)
and fills it directly (batched raw inserts; COPY on PostgreSQL) with one county-year like 嘉義縣
(10010) in ROC 113 = 2024, with rows of 2023, 2025 and of 雲林縣 (10009) around it so that the filters
matter. Scale 1 is about 5,000 reports, 3,000 cases and 60,000 contacts; scale 50 is 50 times that.
Then it times:
- the engine: `indicators.engine.catalogue("10010", 113, today)`, best of 3 after a warm-up;
- the floor: the columns the indicators read, exported to Parquet (each table to CSV with the csv
  module, then DuckDB's COPY), and hand-written DuckDB SQL computing every catalogue indicator's
  numerator and denominator over the files, best of 3 (the export is timed apart).
The engine and the floor must give the same counts for every indicator: a mismatch is printed and the
script exits 1. Insert and export times are printed, never counted. DuckDB runs with extension
autoloading off (parquet and ICU are built in): nothing is downloaded. `--explain` prints, at the largest
scale, the plan of the slowest statement of each of the three slowest indicators.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import itertools
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

AREA, OTHER = "10010", "10009"  # 嘉義縣, and 雲林縣 beside it
YEAR = 113  # ROC 113 = 2024
TODAY = datetime.date(2025, 7, 1)  # the year is over; the school year 113 is not
CHECKPOINT = datetime.date(2024, 11, 30)  # the area's staffing checkpoint row for 113
BENCH_DB = "safetynet_bench_kpi"
TAIPEI = ZoneInfo("Asia/Taipei")
UTC = datetime.UTC
DAY, HOUR, MICRO = datetime.timedelta(days=1), datetime.timedelta(hours=1), datetime.timedelta(microseconds=1)
BATCH = 5000

# The mix of a county's reports, and the route each type goes to.
TYPES = {"CP": 25, "IPV": 22, "FV": 8, "SA": 7, "VF": 18, "SU": 12, "MH": 8}
ROUTE = {"CP": "FPC", "IPV": "FPC", "FV": "FPC", "SA": "FPC", "VF": "SWC", "SU": "CV", "MH": "CV"}
OUTCOMES = {"assigned": 52, "queued": 5, "reopened": 3, "re_report": 10, "none": 24, "transfer": 4, "no_unit": 2}  # fmt: skip
NEW_CASE = {"assigned", "queued", "reopened"}
OPEN = {"pending": 5, "assessing": 15, "serving": 50, "follow_up": 20, "review": 10}
KINDS = {"home_visit": 30, "phone": 35, "interview": 15, "outreach": 12, "network": 8}
REFERRALS = {
    "draft": 8, "requested": 15, "accepted": 10, "rejected": 12, "in_progress": 10,
    "on_hold": 3, "completed": 35, "failed": 4, "canceled": 3,
}  # fmt: skip
# Staff: role → (weight, the kind of unit they work in); units per area at scale 1.
STAFF = {
    "protective_worker": (24, "fpc"), "social_worker": (24, "swc"), "mhsw": (14, "mhc"),
    "care_visitor_psy": (10, "mhc"), "care_visitor_su": (10, "mhc"), "supervisor": (6, "swc"),
    "screener": (5, "screening"), "psychologist": (4, "mhc"), "tcsw": (3, "mhc"),
}  # fmt: skip
UNITS = {"fpc": 1, "swc": 4, "mhc": 2, "screening": 1}
CASE_UNIT = {"FPC": "fpc", "SWC": "swc", "MHSW": "mhc", "CV": "mhc"}
LEAD = {"FPC": "protective_worker", "SWC": "social_worker", "MHSW": "mhsw"}  # CV: by report type
# When staff were hired (30% in 2024, 10% in 2025), and four on the checkpoint's edges.
HIRED = [(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))] * 3 + [(datetime.date(2025, 1, 1), TODAY)]
HIRED += [(datetime.date(2012, 1, 1), datetime.date(2023, 12, 31))] * 6
ON_CHECKPOINT = [
    (CHECKPOINT, None), (datetime.date(2020, 1, 1), CHECKPOINT),
    (datetime.date(2020, 1, 1), CHECKPOINT - DAY), (CHECKPOINT + DAY, None),
]  # fmt: skip
# Hours of the initial course taken (hours, from day, to day after hire), one plan per trainee.
INITIAL = [[(30, 0, 30)], [(18, 0, 30), (12, 0, 30)], [(30, 30, 30)], [(20, 0, 30)], [(30, 31, 60)], []]
SESSION_EDGES = (("external", 0 * DAY), ("internal", DAY))  # sessions on, and the day before, each edge
# Seconds from receipt to screening: most within 12 h, then within the day, then up to 5 days late.
SCREENED = {(600, 12 * 3600): 14, (12 * 3600, 24 * 3600 - 1): 6, (24 * 3600 + 1, 5 * 86400): 4}


def local(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in Taipei."""
    return datetime.datetime.combine(day, datetime.time.min, TAIPEI)


def month_start(moment: datetime.datetime) -> datetime.datetime:
    return local(moment.astimezone(TAIPEI).date().replace(day=1))


def next_month(moment: datetime.datetime) -> datetime.datetime:
    day = moment.astimezone(TAIPEI).date()
    return local(datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1))


# The first and last moments of the year and of the one after, in Taipei: rows put there test the
# engine's time-zone boundaries.
EDGES = [
    local(datetime.date(2024, 1, 1)),
    local(datetime.date(2024, 1, 1)) - MICRO,
    local(datetime.date(2025, 1, 1)) - MICRO,
    local(datetime.date(2025, 1, 1)),
]


def batched(rows: Iterable[Any], n: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, n)):
        yield batch


class Draw:
    """Random choices of one seeded generator: weighted picks, moments and dates."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.tables: dict[int, tuple[list[Any], list[int]]] = {}

    def pick(self, weights: dict[Any, int]) -> Any:
        table = self.tables.get(id(weights))
        if table is None:
            table = self.tables[id(weights)] = (list(weights), list(itertools.accumulate(weights.values())))
        return self.rng.choices(table[0], cum_weights=table[1])[0]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def instant(self, first: datetime.date, last: datetime.date) -> datetime.datetime:
        """A moment of the days `first`..`last` in Taipei, to the microsecond."""
        return local(first) + datetime.timedelta(
            microseconds=self.rng.randrange(((last - first).days + 1) * 86_400_000_000)
        )

    def day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))

    def when(self) -> datetime.datetime:
        """Mostly in 2024, the rest in 2023 and the first half of 2025."""
        draw = self.rng.random()
        if draw < 0.8:
            return self.instant(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
        if draw < 0.9:
            return self.instant(datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
        return self.instant(datetime.date(2025, 1, 1), TODAY - DAY)


# --- inserting --------------------------------------------------------------------------------------


class Table:
    """Raw inserts into a model's table: the given fields of each row, every other column its default.

    Values are converted as the ORM does (aware datetimes as UTC text on SQLite, JSON as text), by a
    quick path per column type; the first row is checked against the fields' own `get_db_prep_save`.
    """

    def __init__(self, model: Any, fields: list[str]) -> None:
        from django.db import connections
        from django.utils import timezone

        self.connection = connections["default"]  # not the proxy: it costs a lookup per value
        self.model = model
        self.given = [model._meta.get_field(name) for name in fields]
        rest = [f for f in model._meta.concrete_fields if f not in self.given and not f.primary_key]
        blank, now = model(), timezone.now()

        def default(f: Any) -> Any:
            stamped = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            return now if stamped else getattr(blank, f.attname)

        self.fixed = tuple(f.get_db_prep_save(default(f), self.connection) for f in rest)
        self.columns = [f.column for f in self.given + rest]
        self.converters = [(i, c) for i, f in enumerate(self.given) if (c := self._converter(f)) is not None]

    def _converter(self, field: Any) -> Callable[[Any], Any] | None:
        """How to turn a value of `field` into what the driver is given; None: as it is."""
        from django.db import models

        sqlite = self.connection.vendor == "sqlite"
        if type(field) in (models.DateTimeField, models.DateField):
            if not sqlite:
                return None
            if type(field) is models.DateField:
                return lambda v: v if v is None else v.isoformat()
            return lambda v: v if v is None else v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        if type(field) is models.JSONField:
            return json.dumps
        plain = (
            models.AutoField,
            models.BigAutoField,
            models.CharField,
            models.SlugField,
            models.BooleanField,
        )
        if type(field) in plain or isinstance(field, models.IntegerField | models.ForeignKey):
            return None
        return partial(field.get_db_prep_save, connection=self.connection)

    def _check(self, row: tuple[Any, ...], converted: list[Any]) -> None:
        from django.db import models

        for given, value, mine in zip(self.given, row, converted, strict=True):
            theirs = given.get_db_prep_save(value, self.connection)
            if type(given) is models.JSONField and self.connection.vendor != "sqlite":
                theirs = json.dumps(value)  # psycopg's Jsonb wraps the same text
            if theirs != mine:
                raise SystemExit(f"{self.model.__name__}.{given.name}: {mine!r} is not the ORM's {theirs!r}")

    def write(self, rows: Iterable[tuple[Any, ...]]) -> int:
        from django.db import transaction

        connection = self.connection
        quote = connection.ops.quote_name
        table, names = quote(self.model._meta.db_table), ", ".join(quote(c) for c in self.columns)
        converters, fixed = self.converters, self.fixed

        def prepared() -> Iterator[tuple[Any, ...]]:
            for n, row in enumerate(rows):
                values = list(row)
                for i, convert in converters:
                    values[i] = convert(values[i])
                if n == 0:
                    self._check(row, values)
                values += fixed
                yield tuple(values)

        written = 0
        with transaction.atomic():
            raw = connection.connection
            if connection.vendor == "postgresql":
                with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for values in prepared():
                        copy.write_row(values)
                        written += 1
            else:
                marks = ", ".join("?" * len(self.columns))
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 — model metadata only
                for batch in batched(prepared(), BATCH):
                    raw.executemany(sql, batch)
                    written += len(batch)
        return written


# Where each kind of row goes: table name → (model label, the fields its tuples give), in the order of
# insertion (each table after those it refers to).
TABLES: dict[str, tuple[str, list[str]]] = {
    "units": ("org.Unit", ["id", "agency", "name", "kind", "county"]),
    "positions": ("workforce.Position", ["id", "area", "strategy", "unit", "role", "funding"]),
    "position_years": ("workforce.PositionYear", ["position", "plan_year", "approved", "reported_filled"]),
    "staff": ("org.Staff", ["id", "name", "unit", "role", "position", "hired_on", "left_on"]),
    "persons": ("people.Person", ["id", "name", "sex", "birth_date"]),
    "reports": ("intake.Report", ["id", "received_at", "area", "source", "channel", "rule_set", "suggestion", "screening_due", "created_at"]),
    "subjects": ("intake.ReportSubject", ["id", "report", "ref", "person", "matched_by", "role", "types"]),
    "screenings": ("intake.Screening", ["id", "report", "routes", "decided_at", "legacy"]),
    "cases": ("cases.Case", ["id", "route", "person", "area", "unit", "lead", "status", "opened_at", "closed_at"]),
    "dispatches": ("intake.Dispatch", ["id", "screening", "subject", "route", "outcome", "case", "unit", "created_at"]),
    "contacts": ("cases.Contact", ["id", "case", "kind", "occurred_at", "minutes", "by", "recorded_at", "entered_in_error_at"]),
    "registry": ("people.RegistryEntry", ["id", "registry", "national_id", "national_id_index", "event_date", "person"]),
    "referrals": ("referrals.Referral", ["id", "case", "area", "route", "unit", "organization", "category", "status", "created_at", "requested_at"]),
    "sessions": ("cases.SupervisionSession", ["id", "unit", "kind", "held_on", "minutes", "supervisor_name", "recorded_by", "recorded_at"]),
    "dropouts": ("indicators.DropoutRecord", ["id", "area", "student", "school", "school_year", "dropped_on", "returned_on", "recorded_at"]),
    "training": ("workforce.TrainingRecord", ["staff", "course", "completed_on", "hours", "recorded_at"]),
}  # fmt: skip


class County:
    """The rows of one county-year at a scale (and of its surroundings), drawn from one seed.

    Boundary rows are put in on purpose: reports at the first and last microsecond of the year in
    Taipei, screenings exactly 24 h after receipt, contacts on the last moment of the 3- and 10-day
    windows and at the first moment of a month, staff hired or gone on the checkpoint day, suicide
    entries on the edges of the year-before window. A floor that mishandles any of them disagrees.
    """

    def __init__(self, scale: int, seed: int) -> None:
        from django.contrib.auth import get_user_model

        from safetynet.org.models import Agency, Role
        from safetynet.referrals.models import Organization, ServiceCategory
        from safetynet.workforce.models import Checkpoint, Course

        self.scale, self.draw = scale, Draw(seed)
        self.rng = self.draw.rng
        self.rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in TABLES}
        self.ids: dict[str, Iterator[int]] = {name: itertools.count(1) for name in TABLES}
        self.user = get_user_model().objects.create(username="bench-kpi").pk
        self.agency = {
            area: Agency.objects.create(name=f"{area} 基準測試機關", kind="local", county_id=area).pk
            for area in (AREA, OTHER)
        }
        Checkpoint.objects.create(area_id=AREA, plan_year=YEAR, on=CHECKPOINT)
        self.organization = Organization.objects.create(name="基準測試協會", kind="ngo", area_id=AREA).pk
        self.categories = list(ServiceCategory.objects.values_list("pk", flat=True))
        self.role = dict(Role.objects.values_list("code", "pk"))
        self.courses = dict(Course.objects.values_list("code", "pk"))
        self.trained_roles = {r.pk for c in Course.objects.prefetch_related("roles") for r in c.roles.all()}
        self.units: dict[tuple[str, str], list[int]] = {}  # (area, unit kind) → units
        self.staff_of: dict[tuple[str, str], list[tuple[int, int]]] = {}  # (area, role) → (staff, unit)
        self.trainees: list[tuple[int, datetime.date]] = []
        self.respondents: list[int] = []
        self.suicides: list[int] = []
        self.last_case: dict[int, int] = {}  # person → their latest case
        # case, opened, open until, dispatched at: what the contacts are drawn from
        self.spans: list[tuple[int, datetime.datetime, datetime.datetime, datetime.datetime | None]] = []
        self.closures = itertools.count()

    def add(self, table: str, *values: Any) -> int:
        """A row of `table` with the next id first (the id is returned)."""
        pk = next(self.ids[table])
        self.rows[table].append((pk, *values))
        return pk

    def build(self) -> County:
        for area, factor in ((AREA, self.scale), (OTHER, max(1, self.scale // 10))):
            self.staffing(area, factor, 300 * factor if area == AREA else 30 * factor)
        for i in range(5000 * self.scale):
            self.report(i)
        for _ in range(200 * self.scale):  # mental-health social work opened without a dispatch here
            who = self.rng.choice(self.respondents) if self.draw.chance(0.6) else self.person()
            opened = self.draw.instant(datetime.date(2022, 1, 1), TODAY - DAY)
            if self.draw.chance(0.03):
                opened = month_start(opened)
            self.open_case("MHSW", who, AREA if self.draw.chance(0.9) else OTHER, opened, "mhsw", None)
        self.registry()
        self.others()
        return self

    def staffing(self, area: str, factor: int, staff: int) -> None:
        """Units, staffing lines (some with no staff on record: imported filled counts) and staff."""
        draw, rng = self.draw, self.rng
        for kind, n in UNITS.items():
            for i in range(n * factor):
                uid = self.add("units", self.agency[area], f"{kind}-{i + 1}", kind, area)
                self.units.setdefault((area, kind), []).append(uid)
        lines: dict[tuple[int, str], list[int]] = {}
        imported = []
        for role, (_, kind) in STAFF.items():
            for uid in self.units[(area, kind)]:
                for _ in range(2 if draw.chance(0.3) else 1):
                    funding = rng.choice(["central", "local", "lottery"])
                    pid = self.add("positions", area, rng.randint(1, 4), uid, self.role[role], funding)
                    lines.setdefault((uid, role), []).append(pid)
                if draw.chance(0.15):
                    imported.append(self.add("positions", area, 1, uid, self.role[role], "outsourced"))
        linked: dict[int, int] = {}
        weights = {role: weight for role, (weight, _) in STAFF.items()}
        for i in range(staff):
            role = draw.pick(weights)
            uid = rng.choice(self.units[(area, STAFF[role][1])])
            position = rng.choice(lines[(uid, role)]) if draw.chance(0.85) else None
            hired = draw.day(*rng.choice(HIRED))
            left = hired + datetime.timedelta(days=rng.randint(20, 2500)) if draw.chance(0.22) else None
            if i < len(ON_CHECKPOINT):
                hired, left = ON_CHECKPOINT[i]
            name = f"工作人員{len(self.rows['staff']) + 1}"
            sid = self.add("staff", name, uid, self.role[role], position, hired, left)
            self.staff_of.setdefault((area, role), []).append((sid, uid))
            if position:
                linked[position] = linked.get(position, 0) + 1
            if self.role[role] in self.trained_roles:
                self.trainees.append((sid, hired))
        for pid in itertools.chain.from_iterable(lines.values()):
            for plan_year in (112, 113, 114):
                if plan_year != 113 or not draw.chance(0.05):  # some lines are not approved in 113
                    approved = max(1, linked.get(pid, 0) + rng.randint(-2, 2))
                    self.rows["position_years"].append((pid, plan_year, approved, None))
        for pid in imported:
            for plan_year in (112, 113):
                approved = rng.randint(1, 4)
                filled = None if draw.chance(0.3) else rng.randint(0, approved)
                self.rows["position_years"].append((pid, plan_year, approved, filled))

    def person(self) -> int:
        born = self.draw.day(datetime.date(1940, 1, 1), datetime.date(2020, 12, 31))
        return self.add("persons", f"個案{len(self.rows['persons']) + 1}", self.rng.choice("MF"), born)

    def report(self, i: int) -> None:
        """A report with one subject, most screened, their dispatches and the cases those open."""
        draw, rng = self.draw, self.rng
        area = AREA if draw.chance(0.9) else OTHER
        received = EDGES[i] if i < len(EDGES) else draw.when()
        kind = draw.pick(TYPES)
        types = [kind]
        if (kind == "CP" and draw.chance(0.15)) or (kind == "FV" and draw.chance(0.3)):
            types.append("IPV")
        elif kind == "SU" and draw.chance(0.3):
            types.append("MH")
        role = {"CP": "child", "VF": "family"}.get(kind, "victim")
        if kind in ("IPV", "FV") and draw.chance(0.45):
            role = "respondent"
        earlier = self.respondents if role == "respondent" else self.rows["persons"]
        if earlier and draw.chance(0.2):  # reported before
            who = rng.choice(self.respondents) if role == "respondent" else rng.choice(earlier)[0]
        else:
            who = self.person()
        if role == "respondent":
            self.respondents.append(who)
        elif kind == "SU":
            self.suicides.append(who)
        rid = self.add("reports", received, area, "SOCIAL", "web", "v1", {}, received + 24 * HOUR, received)
        subject = self.add("subjects", rid, "A", who, "new", role, types)
        if draw.chance(0.03):
            return  # not screened yet
        delay = rng.random()
        if i < len(EDGES) or delay < 0.02:
            decided = received + 24 * HOUR  # on the deadline itself
        elif delay < 0.04:
            decided = received + 24 * HOUR + MICRO
        else:
            decided = received + datetime.timedelta(seconds=rng.randint(*draw.pick(SCREENED)))
        legacy = draw.chance(0.02)
        first = "MHSW" if kind == "MH" and draw.chance(0.5) else ROUTE[kind]
        screening = self.add("screenings", rid, [first], decided, legacy)
        if legacy:
            return
        for route in [first, "SWC"] if first == "FPC" and draw.chance(0.1) else [first]:
            outcome = draw.pick(OUTCOMES)
            created = decided + datetime.timedelta(seconds=0 if i < len(EDGES) else rng.randint(0, 7200))
            case = unit = None
            if outcome in NEW_CASE:
                lead = LEAD.get(route, "care_visitor_su" if "SU" in types else "care_visitor_psy")
                opened = created + datetime.timedelta(seconds=rng.randint(0, 48 * 3600))
                case, unit = self.open_case(route, who, area, opened, lead, created)
            elif outcome == "re_report":
                case = self.last_case.get(who)
            self.add("dispatches", screening, subject, route, outcome, case, unit, created)

    def open_case(
        self, route: str, who: int, area: str, opened: datetime.datetime, lead_role: str, dispatched: Any
    ) -> tuple[int, int]:
        draw, rng = self.draw, self.rng
        leads = self.staff_of.get((area, lead_role), [])
        lead, unit = None, rng.choice(self.units[(area, CASE_UNIT[route])])
        if leads and draw.chance(0.95):
            lead, unit = rng.choice(leads)
        closed = None
        if draw.chance(0.04):
            status = "not_opened"
        elif draw.chance(0.5):
            closed = opened + datetime.timedelta(seconds=rng.randint(14 * 86400, 420 * 86400))
            n = next(self.closures)
            if n < len(EDGES) and EDGES[n] > opened:
                closed = EDGES[n]
            elif draw.chance(0.02):
                closed = next_month(closed)  # at the very start of a month
            status = "closed" if closed < local(TODAY) else draw.pick(OPEN)
            closed = closed if status == "closed" else None
        else:
            status = draw.pick(OPEN)
        cid = self.add("cases", route, who, area, unit, lead, status, opened, closed)
        if status != "not_opened":
            self.spans.append((cid, opened, closed or local(TODAY), dispatched))
        self.last_case[who] = cid
        return cid, unit

    def registry(self) -> None:
        """Registry entries of respondents and suicide victims, and of persons not on record."""
        draw, rng = self.draw, self.rng
        edges = [date(2023, 1, 1), date(2022, 12, 31), date(2024, 12, 31), date(2025, 1, 1)]  # of the window
        entries: list[tuple[str, date | None, int | None]] = []
        for who in sorted(set(self.respondents)):
            kind = rng.random()
            if kind < 0.175:
                entries.append(
                    ("psychiatric", None if draw.chance(0.3) else draw.day(date(2015, 1, 1), TODAY), who)
                )
            elif kind < 0.35:
                day = rng.choice(edges) if draw.chance(0.05) else draw.day(date(2021, 1, 1), TODAY)
                entries.append(("suicide", day, who))
        entries += [
            ("suicide", draw.day(date(2021, 1, 1), TODAY), who) for who in sorted(set(self.suicides))[::7]
        ]
        entries += [
            ("drug", draw.day(date(2020, 1, 1), TODAY), who) for who in self.respondents[:: 250 // 20]
        ]
        entries += [("psychiatric", None, None)] * (20 * self.scale)
        for kind, day, who in entries:
            n = len(self.rows["registry"]) + 1
            self.add("registry", kind, "", f"bench-{n}", day, who)

    def others(self) -> None:
        """Referrals, supervision sessions, the dropout register and training records."""
        draw, rng, scale = self.draw, self.rng, self.scale
        for n in range(1000 * scale):
            case, route, _, area, unit, *_ = rng.choice(self.rows["cases"])
            status, created, category = draw.pick(REFERRALS), draw.when(), rng.choice(self.categories)
            sent = (
                EDGES[n]
                if n < len(EDGES)
                else created + datetime.timedelta(seconds=rng.randint(0, 3 * 86400))
            )
            sent = None if status == "draft" else sent
            self.add("referrals", case, area, route, unit, self.organization, category, status, created, sent)
        edge_unit = self.units[(AREA, "swc")][0]
        held = [(edge_unit, kind, edge.date() - shift) for edge in EDGES for kind, shift in SESSION_EDGES]
        for uid in itertools.chain.from_iterable(self.units.values()):
            for year, internal, external in ((2023, 12, 4), (2024, 12, 4), (2025, 6, 2)):
                last = min(date(year, 12, 31), TODAY - DAY)
                for kind, n in (("internal", internal), ("external", external)):
                    held += [(uid, kind, draw.day(date(year, 1, 1), last)) for _ in range(n)]
        for uid, kind, day in held:
            self.add("sessions", uid, kind, day, 120, "外聘督導", self.user, local(day))
        for _ in range(200 * scale):
            school_year = rng.choice([111, 112, 113, 113, 113])
            start = date(school_year + 1911, 8, 1)
            dropped = draw.day(start, min(start + 330 * DAY, TODAY))
            back = dropped + rng.randint(10, 200) * DAY if draw.chance(0.55) else None
            area = AREA if draw.chance(0.9) else OTHER
            self.add("dropouts", area, self.person(), "某國中", school_year, dropped, back, local(dropped))
        for sid, hired in self.trainees:
            taken: list[tuple[int, date, int]] = []
            if hired >= date(2023, 1, 1):  # the initial course: on time, on the deadline, short, late, never
                plan = rng.choice(INITIAL)
                taken += [
                    (self.courses["su_initial"], hired + rng.randint(a, b) * DAY, h) for h, a, b in plan
                ]
            for year in (2023, 2024, 2025):  # the yearly course: 8 h in one or two parts, or fewer
                first, last = date(year, 1, 1), min(date(year, 12, 31), TODAY)
                for hours in rng.choice([[8], [8], [4, 4], [6], []]):
                    day = rng.choice([first, last]) if draw.chance(0.03) else draw.day(first, last)
                    taken.append((self.courses["su_advanced"], day, hours))
            self.rows["training"] += [(sid, c, day, Decimal(h), local(day)) for c, day, h in taken]

    def contacts(self) -> Iterator[tuple[Any, ...]]:
        """About one contact every 14 days of a case, the first soon after its dispatch (sometimes on the
        last moment of the 3- and 10-day windows), a few at the first moment of a month, 1% in error."""
        draw, rng, ids = self.draw, self.rng, itertools.count(1)

        def row(case: int, at: datetime.datetime) -> tuple[Any, ...]:
            error = at + DAY if rng.random() < 0.01 else None
            return (next(ids), case, draw.pick(KINDS), at, 30, self.user, at, error)

        for case, opened, ends, dispatched in self.spans:
            n = max(2, min(80, round((ends - opened) / DAY / 14 * rng.uniform(0.5, 1.5))))
            first = rng.random()
            if dispatched is not None and first < 0.75:
                after = 10 * DAY if first < 0.03 else 3 * DAY if first < 0.06 else 14 * DAY * rng.random()
                yield row(case, dispatched + after)
                n -= 1
            for _ in range(n):
                at = opened + (ends - opened) * rng.random()
                yield row(case, month_start(at) if rng.random() < 0.02 else at)

    def write(self) -> dict[str, int]:
        """Insert every table, reset the id sequences, and return the row counts."""
        from django.apps import apps
        from django.core.management.color import no_style
        from django.db import connection

        counts, models = {}, []
        for name, (label, fields) in TABLES.items():
            models.append(apps.get_model(label))
            rows = self.contacts() if name == "contacts" else self.rows[name]
            counts[name] = Table(models[-1], fields).write(rows)
            self.rows[name] = []
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            if connection.vendor == "postgresql":
                # What autovacuum does to freshly inserted tables (PostgreSQL 13+) before anyone asks.
                cursor.execute("VACUUM (ANALYZE)")
        return counts


# --- the floor: Parquet and DuckDB ------------------------------------------------------------------

# view: (model, {field: DuckDB type}); the CSV header and the columns are the database's column names.
EXPORT: dict[str, tuple[str, dict[str, str]]] = {
    "reports": ("intake.Report", {"id": "BIGINT", "area": "VARCHAR", "received_at": "TIMESTAMP"}),
    "subjects": ("intake.ReportSubject", {"id": "BIGINT", "report": "BIGINT", "person": "BIGINT", "role": "VARCHAR", "types": "VARCHAR"}),
    "screenings": ("intake.Screening", {"id": "BIGINT", "report": "BIGINT", "decided_at": "TIMESTAMP", "legacy": "BOOLEAN"}),
    "dispatches": ("intake.Dispatch", {
        "id": "BIGINT", "screening": "BIGINT", "subject": "BIGINT", "route": "VARCHAR", "outcome": "VARCHAR",
        "case": "BIGINT", "created_at": "TIMESTAMP",
    }),
    "cases": ("cases.Case", {
        "id": "BIGINT", "route": "VARCHAR", "person": "BIGINT", "area": "VARCHAR", "lead": "BIGINT",
        "status": "VARCHAR", "opened_at": "TIMESTAMP", "closed_at": "TIMESTAMP",
    }),
    "contacts": ("cases.Contact", {
        "id": "BIGINT", "case": "BIGINT", "kind": "VARCHAR", "occurred_at": "TIMESTAMP", "entered_in_error_at": "TIMESTAMP",
    }),
    "sessions": ("cases.SupervisionSession", {"id": "BIGINT", "unit": "BIGINT", "held_on": "DATE"}),
    "staff": ("org.Staff", {
        "id": "BIGINT", "unit": "BIGINT", "role": "BIGINT", "position": "BIGINT", "hired_on": "DATE", "left_on": "DATE",
    }),
    "units": ("org.Unit", {"id": "BIGINT", "county": "VARCHAR"}),
    "roles": ("org.Role", {"id": "BIGINT", "code": "VARCHAR", "caseload_standard": "INTEGER"}),
    "registry": ("people.RegistryEntry", {"id": "BIGINT", "registry": "VARCHAR", "event_date": "DATE", "person": "BIGINT"}),
    "referrals": ("referrals.Referral", {"id": "BIGINT", "area": "VARCHAR", "status": "VARCHAR", "requested_at": "TIMESTAMP"}),
    "dropouts": ("indicators.DropoutRecord", {"id": "BIGINT", "area": "VARCHAR", "school_year": "INTEGER", "returned_on": "DATE"}),
    "positions": ("workforce.Position", {"id": "BIGINT", "area": "VARCHAR"}),
    "position_years": ("workforce.PositionYear", {
        "position": "BIGINT", "plan_year": "INTEGER", "approved": "INTEGER", "reported_filled": "INTEGER",
    }),
    "checkpoints": ("workforce.Checkpoint", {"area": "VARCHAR", "plan_year": "INTEGER", "on": "DATE"}),
    "phases": ("workforce.PlanPhase", {"first_year": "INTEGER", "last_year": "INTEGER", "checkpoint_month": "INTEGER", "checkpoint_day": "INTEGER"}),
    "courses": ("workforce.Course", {"id": "BIGINT", "hours": "DECIMAL(5,1)", "within_days_of_hire": "INTEGER", "yearly": "BOOLEAN"}),
    "course_roles": ("workforce.Course.roles", {"course": "BIGINT", "role": "BIGINT"}),
    "training": ("workforce.TrainingRecord", {"staff": "BIGINT", "course": "BIGINT", "completed_on": "DATE", "hours": "DECIMAL(5,1)"}),
}  # fmt: skip
NULL = r"\N"


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return NULL
    if kind == "BOOLEAN":
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):  # UTC, without an offset: what DuckDB compares
        return (value.astimezone(UTC) if value.tzinfo else value).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def export(folder: Path, duck: Any) -> None:
    """Each table's needed columns to CSV (csv module, fetched in chunks), then to Parquet by DuckDB."""
    from django.apps import apps
    from django.db import connection, transaction

    for view, (label, columns) in EXPORT.items():
        app, name, *m2m = label.split(".")
        model = apps.get_model(app, name)
        if m2m:
            model = model._meta.get_field(m2m[0]).remote_field.through
        names = [model._meta.get_field(f).column for f in columns]
        kinds = list(columns.values())
        quote = connection.ops.quote_name
        path = folder / f"{view}.csv"
        with (
            transaction.atomic(),
            connection.chunked_cursor() as cursor,
            path.open("w", newline="") as handle,
        ):
            cursor.execute(f"SELECT {', '.join(map(quote, names))} FROM {quote(model._meta.db_table)}")  # noqa: S608
            writer = csv.writer(handle)
            writer.writerow(names)
            while rows := cursor.fetchmany(BATCH * 4):
                writer.writerows([_cell(v, k) for v, k in zip(row, kinds, strict=True)] for row in rows)
        types = ", ".join(f"'{n}': '{k}'" for n, k in zip(names, kinds, strict=True))
        # The names and paths are this script's own: nothing from outside goes into the SQL.
        duck.execute(
            f"COPY (SELECT * FROM read_csv('{path}', header=true, delim=',', quote='\"', escape='\"', "  # noqa: S608
            f"nullstr='{NULL}', columns={{{types}}})) TO '{folder / view}.parquet' (FORMAT parquet)"
        )
        duck.execute(f"CREATE VIEW {view} AS SELECT * FROM read_parquet('{folder / view}.parquet')")  # noqa: S608
        path.unlink()


# The day staffing and caseloads are read on: the area's checkpoint row, else the phase's month and day
# (12/31 without a phase), never after today.
CHECKPOINT_SQL = """
    SELECT least($today, coalesce(
        (SELECT "on" FROM checkpoints WHERE area_id = $area AND plan_year = $year),
        (SELECT make_date($year_ad, m, least(greatest(d, 1), day(last_day(make_date($year_ad, m, 1)))))
         FROM (SELECT CASE WHEN checkpoint_month BETWEEN 1 AND 12 THEN checkpoint_month ELSE 12 END AS m,
                      checkpoint_day AS d
               FROM phases WHERE first_year <= $year AND last_year >= $year ORDER BY first_year LIMIT 1)),
        make_date($year_ad, 12, 31)))"""

# Each catalogue indicator's (numerator, denominator), the catalogue's parameters written in; a period
# runs from local_midnight($first) to local_midnight($last + 1), both UTC instants.
FLOOR: dict[str, str] = {
    "HIRE_RATE": """
        WITH linked AS (
            SELECT position_id, count(*) AS linked,
                   count(*) FILTER (WHERE hired_on <= $on AND (left_on IS NULL OR left_on >= $on)) AS employed
            FROM staff WHERE position_id IS NOT NULL GROUP BY position_id)
        SELECT coalesce(sum(CASE WHEN l.linked IS NULL THEN coalesce(y.reported_filled, 0) ELSE l.employed END), 0),
               coalesce(sum(y.approved), 0)
        FROM positions p JOIN position_years y ON y.position_id = p.id AND y.plan_year = $year
        LEFT JOIN linked l ON l.position_id = p.id
        WHERE p.area_id = $area""",
    "CASELOAD": """
        SELECT (SELECT count(*) FROM cases c JOIN staff s ON s.id = c.lead_id JOIN roles r ON r.id = s.role_id
                WHERE r.caseload_standard IS NOT NULL AND c.area_id = $area AND c.status <> 'not_opened'
                  AND s.hired_on <= $on AND (s.left_on IS NULL OR s.left_on >= $on)
                  AND c.opened_at <= local_midnight($on + 1)
                  AND (c.closed_at IS NULL OR c.closed_at > local_midnight($on + 1))),
               (SELECT count(*) FROM staff s JOIN units u ON u.id = s.unit_id JOIN roles r ON r.id = s.role_id
                WHERE r.caseload_standard IS NOT NULL AND u.county_id = $area
                  AND s.hired_on <= $on AND (s.left_on IS NULL OR s.left_on >= $on))""",
    "SCREEN_24H": """
        SELECT count(*) FILTER (WHERE s.decided_at <= r.received_at + INTERVAL 24 HOUR), count(*)
        FROM reports r LEFT JOIN screenings s ON s.report_id = r.id
        WHERE r.area_id = $area
          AND r.received_at >= local_midnight($first) AND r.received_at < local_midnight($last + 1)""",
    "CP_OPEN_RATE": """
        SELECT count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM dispatches d JOIN subjects x ON x.id = d.subject_id JOIN cases c ON c.id = d.case_id
                   WHERE d.screening_id = s.id AND d.route = 'FPC' AND x.types ILIKE '%"CP"%'
                     AND d.outcome IN ('assigned', 'queued', 'reopened') AND c.status <> 'not_opened')),
               count(*)
        FROM reports r JOIN screenings s ON s.report_id = r.id
        WHERE r.area_id = $area AND NOT s.legacy
          AND r.received_at >= local_midnight($first) AND r.received_at < local_midnight($last + 1)
          AND EXISTS (SELECT 1 FROM subjects x WHERE x.report_id = r.id AND x.types ILIKE '%"CP"%')""",
    "VF_VISIT_10D": """
        SELECT count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM contacts k
                   WHERE k.case_id = d.case_id AND k.entered_in_error_at IS NULL
                     AND k.kind IN ('home_visit', 'interview', 'outreach')
                     AND k.occurred_at >= d.created_at AND k.occurred_at <= d.created_at + INTERVAL 10 DAY)),
               count(*)
        FROM dispatches d JOIN screenings s ON s.id = d.screening_id JOIN reports r ON r.id = s.report_id
        WHERE r.area_id = $area AND d.route = 'SWC' AND d.outcome IN ('assigned', 'queued', 'reopened')
          AND d.created_at >= local_midnight($first) AND d.created_at < local_midnight($last + 1)""",
    "FOLLOWUP_COVERAGE": """
        WITH months AS (
            SELECT local_midnight(m) AS starts, local_midnight(m + INTERVAL 1 MONTH) AS ends
            FROM generate_series(date_trunc('month', $first - 1) + INTERVAL 1 MONTH, $last::TIMESTAMP,
                                 INTERVAL 1 MONTH) AS t(m)
            WHERE (m + INTERVAL 1 MONTH)::DATE - 1 <= $last)
        SELECT count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM contacts k
                   WHERE k.case_id = c.id AND k.entered_in_error_at IS NULL
                     AND k.kind IN ('home_visit', 'phone', 'interview', 'outreach')
                     AND k.occurred_at >= m.starts AND k.occurred_at < m.ends)),
               count(*)
        FROM months m JOIN cases c ON c.opened_at <= m.starts AND (c.closed_at IS NULL OR c.closed_at >= m.ends)
        WHERE c.area_id = $area AND c.route IN ('CV', 'MHSW') AND c.status <> 'not_opened'""",
    "INTEGRATED_COVERAGE": """
        WITH flagged AS (
            SELECT DISTINCT x.person_id FROM subjects x JOIN reports r ON r.id = x.report_id
            WHERE (x.types ILIKE '%"IPV"%' OR x.types ILIKE '%"FV"%') AND x.role = 'respondent' AND r.area_id = $area
              AND r.received_at >= local_midnight($first) AND r.received_at < local_midnight($last + 1)
              AND EXISTS (SELECT 1 FROM registry g WHERE g.person_id = x.person_id
                          AND (g.registry = 'psychiatric'
                               OR (g.registry = 'suicide' AND g.event_date BETWEEN $first - 365 AND $last))))
        SELECT count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM cases c WHERE c.person_id = f.person_id AND c.route = 'MHSW'
                     AND c.opened_at < local_midnight($last + 1) AND c.status <> 'not_opened')),
               count(*)
        FROM flagged f""",
    "SU_CONTACT_3D": """
        SELECT count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM contacts k
                   WHERE k.case_id = d.case_id AND k.entered_in_error_at IS NULL
                     AND k.kind IN ('home_visit', 'phone', 'interview', 'outreach')
                     AND k.occurred_at >= d.created_at AND k.occurred_at <= d.created_at + INTERVAL 3 DAY)),
               count(*)
        FROM dispatches d JOIN screenings s ON s.id = d.screening_id JOIN reports r ON r.id = s.report_id
        JOIN subjects x ON x.id = d.subject_id
        WHERE r.area_id = $area AND d.route = 'CV' AND d.outcome IN ('assigned', 'queued', 'reopened')
          AND d.created_at >= local_midnight($first) AND d.created_at < local_midnight($last + 1)
          AND x.types ILIKE '%"SU"%'""",
    "REREPORT_6M": """
        SELECT count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM subjects x JOIN reports r ON r.id = x.report_id
                   WHERE x.person_id = c.person_id AND r.received_at > c.closed_at
                     AND r.received_at <= c.closed_at + INTERVAL 183 DAY)),
               count(*)
        FROM cases c
        WHERE c.area_id = $area AND c.status = 'closed'
          AND c.closed_at >= local_midnight($first) AND c.closed_at < local_midnight($last + 1)""",
    "REFERRAL_CLOSED_LOOP": """
        SELECT count(*) FILTER (WHERE status IN ('completed', 'rejected')), count(*)
        FROM referrals
        WHERE area_id = $area AND status <> 'draft'
          AND requested_at >= local_midnight($first) AND requested_at < local_midnight($last + 1)""",
    "DROPOUT_RETURN": """
        SELECT count(*) FILTER (WHERE returned_on IS NOT NULL), count(*)
        FROM dropouts WHERE area_id = $area AND school_year = $school_year""",
    "SUPERVISION": """
        SELECT count(*), NULL FROM sessions s JOIN units u ON u.id = s.unit_id
        WHERE u.county_id = $area AND s.held_on BETWEEN $first AND $last""",
    # workforce.training: a yearly course is owed by every member of its roles employed in the period
    # and done with its hours in the period; an initial one is owed by those hired in the period whose
    # deadline falls in it (or who took it), done with its hours between hire and the deadline.
    "TRAINING_RATE": """
        WITH members AS (
            SELECT s.id, s.role_id, s.hired_on FROM staff s JOIN units u ON u.id = s.unit_id
            WHERE u.county_id = $area AND s.role_id IN (SELECT role_id FROM course_roles)
              AND s.hired_on <= $last AND (s.left_on IS NULL OR s.left_on >= $first)),
        owed AS (
            SELECT m.id AS staff_id, c.id AS course_id, c.hours,
                   c.yearly OR c.within_days_of_hire IS NULL AS every_year,
                   m.hired_on BETWEEN $first AND $last AS hired_in_period,
                   m.hired_on, m.hired_on + c.within_days_of_hire AS deadline
            FROM members m JOIN course_roles cr ON cr.role_id = m.role_id JOIN courses c ON c.id = cr.course_id),
        taken AS (
            SELECT o.staff_id, o.course_id, o.hours, o.every_year, o.hired_in_period, o.deadline,
                   coalesce(sum(t.hours), 0) AS taken
            FROM owed o LEFT JOIN training t ON t.staff_id = o.staff_id AND t.course_id = o.course_id
                AND CASE WHEN o.every_year THEN t.completed_on BETWEEN $first AND $last
                         ELSE t.completed_on BETWEEN o.hired_on AND least(o.deadline, $last) END
            GROUP BY ALL),
        status AS (
            SELECT staff_id,
                   CASE WHEN every_year THEN true WHEN NOT hired_in_period THEN false
                        ELSE taken >= hours OR deadline <= $last END AS needs,
                   (every_year OR hired_in_period) AND taken >= hours AS finished
            FROM taken),
        per_staff AS (
            SELECT staff_id, count(*) FILTER (WHERE needs) AS owed,
                   count(*) FILTER (WHERE needs AND finished) AS done
            FROM status GROUP BY staff_id)
        SELECT count(*) FILTER (WHERE owed = done), count(*) FROM per_staff WHERE owed > 0""",
}


def floor(duck: Any, params: dict[str, Any]) -> tuple[dict[str, tuple[Any, Any]], dict[str, float]]:
    """Run every floor query once; return the counts and each query's seconds."""

    def run(sql: str) -> tuple[Any, ...]:
        used = {name: params[name] for name in set(re.findall(r"\$(\w+)", sql))}
        return tuple(duck.execute(sql, used).fetchone())

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    params["on"] = run(CHECKPOINT_SQL)[0]
    seconds["checkpoint"] = time.perf_counter() - started
    found = {}
    for code, sql in FLOOR.items():
        started = time.perf_counter()
        found[code] = run(sql)
        seconds[code] = time.perf_counter() - started
    return found, seconds


# --- one scale ------------------------------------------------------------------------------------


@dataclass
class Figures:
    """One indicator at one scale: the engine's counts and times beside the floor's."""

    code: str
    numerator: Any
    denominator: Any
    engine: float  # this indicator alone, best of 3
    queries: int
    statement: tuple[float, str]  # its slowest statement: seconds, SQL
    floor: float = float("nan")


@dataclass
class Result:
    scale: int
    rows: dict[str, int] = field(default_factory=dict)
    insert: float = 0.0
    engine: float = 0.0
    export: float = 0.0
    floor: float = 0.0
    database: str = ""
    indicators: list[Figures] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def queries(self) -> int:
        return sum(f.queries for f in self.indicators)


def measure(run: Callable[[], Any], n: int = 1) -> tuple[float, Any]:
    """The seconds of the shortest of n runs, and the last run's answer."""
    times, answer = [], None
    for _ in range(n):
        started = time.perf_counter()
        answer = run()
        times.append(time.perf_counter() - started)
    return min(times), answer


def time_engine(result: Result) -> None:
    """The catalogue, best of 3 after a warm-up; then each indicator alone, to show where time goes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from safetynet.indicators import engine

    engine.catalogue(AREA, YEAR, today=TODAY)
    result.engine, values = measure(lambda: engine.catalogue(AREA, YEAR, today=TODAY), 3)
    for value in values:
        with CaptureQueriesContext(connection) as captured:
            engine.compute(value.indicator, AREA, value.period, TODAY, on=value.on)
        slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
        seconds, _ = measure(lambda v=value: engine.compute(v.indicator, AREA, v.period, TODAY, on=v.on), 3)
        result.indicators.append(
            Figures(
                value.indicator.code, value.numerator, value.denominator, seconds, len(captured),
                (float(slowest["time"]), slowest["sql"]),
            )
        )  # fmt: skip
    print(f"  engine: catalogue best {result.engine:.3f} s of 3, {result.queries} queries", flush=True)


def time_floor(result: Result, folder: Path) -> dict[str, tuple[Any, ...]]:
    """Export to Parquet, then the floor queries best of 3 after a warm-up; return the floor's counts."""
    import duckdb

    from safetynet.domain.indicators import period_of

    duck = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    duck.execute(f"SET threads TO {os.cpu_count() or 1}")
    # Midnight of a Taipei day as the UTC instant the databases store (ICU is built into DuckDB).
    duck.execute("CREATE MACRO local_midnight(d) AS timezone('UTC', timezone('Asia/Taipei', d::TIMESTAMP))")
    result.export, _ = measure(lambda: export(folder, duck))
    year, school = period_of("year", YEAR).cut(TODAY), period_of("school_year", YEAR).cut(TODAY)
    params = {
        "area": AREA, "year": YEAR, "year_ad": year.start.year, "today": TODAY,
        "first": year.start, "last": year.end, "school_year": school.plan_year,
    }  # fmt: skip
    floor(duck, params)
    passes = [floor(duck, params) for _ in range(3)]
    duck.close()
    result.floor = min(sum(seconds.values()) for _, seconds in passes)
    for figures in result.indicators:
        figures.floor = min(seconds.get(figures.code, float("nan")) for _, seconds in passes)
    print(
        f"  floor: export to Parquet {result.export:.2f} s (not counted); DuckDB best {result.floor:.3f} s of 3",
        flush=True,
    )
    return passes[0][0]


def check(result: Result, found: dict[str, tuple[Any, ...]]) -> None:
    """Every indicator's numerator and denominator, the engine's against the floor's."""
    computed = {f.code for f in result.indicators}
    result.problems += [f"{code}: the engine did not compute it" for code in found if code not in computed]
    for f in result.indicators:
        if f.code not in found:
            result.problems.append(f"{f.code}: the floor has no query for it")
            continue
        engine_counts = (_number(f.numerator), _number(f.denominator))
        floor_counts = (_number(found[f.code][0]), _number(found[f.code][1]))
        if engine_counts != floor_counts:
            result.problems.append(
                f"{f.code}: engine {_shown(*engine_counts)} ≠ DuckDB {_shown(*floor_counts)} at scale {result.scale}"
            )


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def bench_scale(scale: int, seed: int, data: Path, explain: bool) -> Result:
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    result = Result(scale)
    postgres = connection.vendor == "postgresql"
    # Never the database DATABASE_URL names, nor the test_<name> a test run would use.
    connection.settings_dict["TEST"]["NAME"] = BENCH_DB if postgres else str(data / f"kpi-{scale}.sqlite3")
    state = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    folder = data / f"parquet-{scale}"
    folder.mkdir()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version" if postgres else "SELECT sqlite_version()")
            version = cursor.fetchone()[0]
        result.database = (
            f"PostgreSQL {version}, database {BENCH_DB}" if postgres else f"SQLite {version}, a file"
        )
        result.insert, rows = measure(lambda: County(scale, seed).build().write())
        result.rows = rows
        print(
            f"scale {scale}: {rows['reports']:,} reports, {rows['cases']:,} cases, {rows['contacts']:,} contacts, "
            f"{rows['staff']:,} staff, {rows['referrals']:,} referrals, {rows['registry']:,} registry entries "
            f"inserted in {result.insert:.1f} s (not counted)",
            flush=True,
        )
        time_engine(result)
        check(result, time_floor(result, folder))
        if explain:
            print_plans(sorted(result.indicators, key=lambda f: f.engine, reverse=True)[:3])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        teardown_databases(state, verbosity=0)
    return result


def _shown(numerator: Any, denominator: Any) -> str:
    return f"{numerator}/{'—' if denominator is None else denominator}"


def print_plans(slowest: list[Figures]) -> None:
    """The plan of the slowest statement of each of the slowest indicators."""
    from django.db import connection

    explain = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    for f in slowest:
        seconds, sql = f.statement
        print(
            f"\n  {f.code}: {f.engine:.3f} s in {f.queries} statements; the slowest, {seconds * 1000:.0f} ms:"
        )
        print(f"  {sql[:600]}{' …' if len(sql) > 600 else ''}")
        with connection.cursor() as cursor:
            cursor.execute(explain + sql)
            plan = [" | ".join(str(cell) for cell in row) for row in cursor.fetchall()]
        print("\n".join(f"    {line}" for line in plan[:40]) + ("\n    …" if len(plan) > 40 else ""))


# --- the whole run --------------------------------------------------------------------------------


def report(results: list[Result]) -> list[str]:
    """Print the figures; return the aims' verdicts."""
    label = results[-1].database
    print(f"\n{label}; {os.cpu_count()} cores; area {AREA} ROC {YEAR}, today {TODAY}")
    print(
        f"{'scale':>5} {'reports':>9} {'cases':>8} {'contacts':>10} {'insert s':>9} {'engine s':>9} {'queries':>8} {'DuckDB s':>9} {'ratio':>7}"
    )
    for r in results:
        print(
            f"{r.scale:>5} {r.rows['reports']:>9,} {r.rows['cases']:>8,} {r.rows['contacts']:>10,} {r.insert:>9.1f} "
            f"{r.engine:>9.3f} {r.queries:>8} {r.floor:>9.3f} {r.engine / r.floor:>6.1f}×"
        )
    largest = results[-1]
    print(f"\nby indicator at scale {largest.scale} (each indicator alone, best of 3)")
    print(
        f"{'indicator':22} {'numerator/denominator':>24} {'engine s':>9} {'queries':>8} {'DuckDB s':>9} {'ratio':>7}"
    )
    for f in largest.indicators:
        print(
            f"{f.code:22} {_shown(f.numerator, f.denominator):>24} {f.engine:>9.3f} {f.queries:>8} "
            f"{f.floor:>9.4f} {f.engine / f.floor:>6.0f}×"
        )
    verdicts = []
    at_50 = [r for r in results if r.scale == 50]
    if at_50:
        r = at_50[0]
        ratio = r.engine / r.floor
        where = "" if "PostgreSQL" in label else " (the aim is PostgreSQL's)"
        verdicts.append(
            f"aim: 50× catalogue < 2 s{where}: {'met' if r.engine < 2 else 'NOT met'} ({r.engine:.2f} s)"
        )
        verdicts.append(
            f"aim: 50× within 5× of the DuckDB floor: {'met' if ratio <= 5 else 'NOT met'} ({ratio:.1f}×)"
        )
    else:
        verdicts.append("aims (50× < 2 s on PostgreSQL, within 5× of the floor): not measured, no 50× run")
    return verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="1,50", help="comma-separated multiples of one county-year")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true", help="plans of the engine's slowest statements")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    # A stop from outside still runs the `finally` blocks: the benchmark database dropped.
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, lambda number, _frame: sys.exit(128 + number))
    data = Path(tempfile.mkdtemp(prefix="safetynet-bench-kpi-"))
    os.environ["SAFETYNET_DATA_DIR"] = str(data)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.settings")
    import django

    django.setup()
    from django.conf import settings

    if settings.TIME_ZONE != "Asia/Taipei":
        raise SystemExit(f"the floor counts in Asia/Taipei, the settings in {settings.TIME_ZONE}")
    try:
        results = [
            bench_scale(scale, args.seed, data, args.explain and scale == max(scales)) for scale in scales
        ]
    finally:
        shutil.rmtree(data, ignore_errors=True)
    verdicts = report(results)
    problems = [p for r in results for p in r.problems]
    print()
    for verdict in verdicts:
        print(verdict)
    if problems:
        print(f"\n!!! MISMATCH: the engine and the DuckDB floor disagree on {len(problems)} count(s) !!!")
        for problem in problems:
            print(f"!!! {problem}")
        sys.exit(1)
    print(f"\nengine and floor agree on every indicator's numerator and denominator at scales {args.scales}")


if __name__ == "__main__":
    main()
