"""Benchmark: 我的個案 (/cases/) among a million cases, against a floor measured in the same run.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/mine_bench .venv/bin/python bench/my_cases.py \
        [--cases 1000000] [--requests 200] [--rounds 3] [--explain]

The database DATABASE_URL names is the bench's own (SQLite in the data directory when unset; create the
PostgreSQL one first): the script migrates it and, the first time, seeds the demo county at a small
scale for its personas and then bulk-loads the cases (refusing a database that holds other cases). The load is load, not demo data: persons,
cases, co-workers, co-cases and clocks are generated and written with COPY (batched INSERTs on
SQLite), never through the services — no report, screening or access-log entry stands behind them.
The rows are shaped like a county's years of work: units of ten workers and a supervisor, about 200
cases a worker of which 15% are open, 5% with a co-worker, 3% of persons in a co-case across two
units, every case with the clocks it has met and each open case one or two running (a tenth overdue).
The demo `worker` gets 400 cases on top (60 open, 30 more co-worked, 10 co-cases) and the demo
`supervisor`'s unit ten more workers of 200 cases each: heavier than the average, as a list should be
measured. Loaded once (about 6 minutes for a million), the rows are kept for the next run; the data
directory (SAFETYNET_DATA_DIR, else a fixed one under the temporary folder) keeps the field keys.

Then it times, with Django's test client in this process (each page read through the whole stack:
session, access checks, the page's queries, its access-log entry, the template), `--requests` times
each after a warm-up, in `--rounds` rounds that alternate with the floor (the best round of each is
kept), and prints p50 / p95, the time the median request spent in the database and the statements a
request runs:
- `/cases/` as the worker and as the supervisor, with the filters a day brings (all statuses, a name,
  overdue visits, another order, the last page) and `GET /api/v1/cases`;
- the floor: the same page's 50 cases read bare, `list(Case.objects.filter(pk__in=…))`.
The aim is a p95 under 100 ms for a page of 50.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from kpi import Table  # noqa: E402 - beside this script, after the path is set

MARK = "基準測試·我的個案"  # the agency the load's units belong to: the load is found by it
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高"
GIVEN = "家怡欣宜雅婷志明俊傑建宏淑芬美玲文雄冠宇佳穎思妤承恩柏翰子涵品妍宥廷詠晴"
ROUTES = {"SWC": 40, "FPC": 30, "MHSW": 15, "CV": 10, "DRUG": 5}
OPEN = {"assessing": 15, "serving": 60, "follow_up": 15, "review": 5, "pending": 5}
RISKS = {"": 30, "low": 35, "medium": 25, "high": 10}
WORKERS_A_UNIT = 10
CASES_A_WORKER = 200
OPEN_SHARE = 0.15


class Load:
    """The generated rows, with ids that follow the ones already in the database."""

    def __init__(self, cases: int, seed: int) -> None:
        from django.apps import apps
        from django.db.models import Max

        from safetynet.org.models import Agency, Role, Staff

        self.rng = random.Random(seed)
        self.now = datetime.datetime.now(datetime.UTC)
        self.models = {
            name: apps.get_model(label)
            for name, label in {
                "unit": "org.Unit",
                "staff": "org.Staff",
                "person": "people.Person",
                "cocase": "cases.CoCase",
                "case": "cases.Case",
                "clock": "cases.Clock",
            }.items()
        }
        self.models["co_worker"] = apps.get_model("cases.Case").co_workers.through
        self.next = {
            name: itertools.count((model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1)
            for name, model in self.models.items()
        }
        self.rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in self.models}
        self.role = dict(Role.objects.values_list("code", "pk"))
        self.towns = self._towns()
        self.agencies = {
            county: Agency.objects.get_or_create(
                name=f"{MARK} {county}", defaults={"kind": "local", "county_id": county}
            )[0].pk
            for county in self.towns
        }
        worker = Staff.objects.select_related("unit").get(user__username="worker")
        self.worker, self.home = worker.pk, worker.unit
        self.target = cases
        self.staff_of: dict[int, list[int]] = {}  # unit → its workers
        self.units: list[tuple[int, str]] = []  # (unit, county)
        self.cocases: dict[int, list[int]] = {}  # co-case → its cases

    @staticmethod
    def _towns() -> dict[str, list[str]]:
        from safetynet.geo.models import Town

        towns: dict[str, list[str]] = {}
        for code, county in Town.objects.values_list("code", "county_id"):
            towns.setdefault(county, []).append(code)
        return towns

    def add(self, table: str, *values: Any) -> int:
        pk = next(self.next[table])
        self.rows[table].append((pk, *values))
        return pk

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=2))

    def person(self, town: str) -> int:
        return self.add("person", self.name(), self.rng.choice("FM"), town)

    def workers(self, unit: int, route: str, n: int) -> list[int]:
        role = {"SWC": "social_worker", "FPC": "protective_worker", "MHSW": "mhsw"}.get(route, "mhsw")
        hired = datetime.date(2018, 1, 1)
        staff = [self.add("staff", f"基準社工{unit}-{i}", unit, self.role[role], hired) for i in range(n)]
        self.staff_of.setdefault(unit, []).extend(staff)
        return staff

    def case(
        self, person: int, route: str, county: str, unit: int, lead: int, *, open_: bool | None = None
    ) -> int:
        rng = self.rng
        opened = self.now - datetime.timedelta(days=rng.uniform(1, 5 * 365))
        is_open = rng.random() < OPEN_SHARE if open_ is None else open_
        status = self.pick(OPEN) if is_open else rng.choice(("closed",) * 9 + ("not_opened",))
        closed = None if is_open else min(self.now, opened + datetime.timedelta(days=rng.uniform(20, 400)))
        lead_of = None if status == "pending" else lead
        pk = self.add("case", route, person, county, unit, lead_of, status, self.pick(RISKS), opened, closed)
        for k in range(2):  # the clocks it has met: a first visit, a plan visit
            due = opened + datetime.timedelta(days=10 * (k + 1))
            met = due - datetime.timedelta(days=rng.uniform(0, 5))
            self.add("clock", "visit", "定期訪視（風險中，每14日）", pk, unit, opened, due, met)
        if is_open:
            for name, label in (("visit", "定期訪視（風險中，每14日）"), ("bsrs5", "BSRS-5 施測"))[
                : rng.choice((1, 1, 2))
            ]:
                late = rng.random() < 0.1
                due = self.now + datetime.timedelta(
                    days=-rng.uniform(1, 20) if late else rng.uniform(0.5, 30)
                )
                self.add("clock", name, label, pk, unit, opened, due, None)
        return pk

    def unit_of(self, county: str, route: str, n: int) -> tuple[int, list[int]]:
        unit = self.add("unit", self.agencies[county], f"{MARK} {county}-{n}", _kind(route), county)
        self.units.append((unit, county))
        return unit, self.workers(unit, route, WORKERS_A_UNIT)

    def build(self) -> Load:
        counties = sorted(self.towns)
        per_unit = WORKERS_A_UNIT * CASES_A_WORKER
        made, n = 0, 0
        persona_share = 400 + 30 + 10 + WORKERS_A_UNIT * CASES_A_WORKER
        while made < self.target - persona_share:
            county = counties[n % len(counties)]
            route = self.pick(ROUTES)
            unit, workers = self.unit_of(county, route, n)
            for _ in range(min(per_unit, self.target - persona_share - made)):
                person = self.person(self.rng.choice(self.towns[county]))
                case = self.case(person, route, county, unit, self.rng.choice(workers))
                if self.rng.random() < 0.05:
                    self.add("co_worker", case, self.rng.choice(workers))
                made += 1
                if self.rng.random() < 0.03 and made < self.target - persona_share:
                    self.cocase(person, case)
                    made += 1
            n += 1
        self.personas()
        return self

    def cocase(self, person: int, lead_case: int) -> int:
        """A second route for the same person in another unit: the two cases make a co-case."""
        other, county = self.rng.choice(self.units)
        second = self.case(person, "MHSW", county, other, self.rng.choice(self.staff_of[other]))
        cocase = self.add("cocase", person, lead_case, self.now)
        self.cocases[cocase] = [lead_case, second]
        return second

    def personas(self) -> None:
        """The demo worker's heavy caseload, and ten more workers like the average in their unit."""
        home, county = self.home.pk, self.home.county_id
        towns = self.towns[county]
        for i in range(400):
            person = self.person(self.rng.choice(towns))
            case = self.case(person, "SWC", county, home, self.worker, open_=i < 60)
            if i < 10:
                self.cocase(person, case)
        teammates = self.workers(home, "SWC", WORKERS_A_UNIT)
        for i in range(WORKERS_A_UNIT * CASES_A_WORKER):
            person = self.person(self.rng.choice(towns))
            case = self.case(person, "SWC", county, home, self.rng.choice(teammates))
            if i < 30:
                self.add("co_worker", case, self.worker)

    def write(self) -> dict[str, int]:
        """Every table in one transaction (a case and its co-case refer to each other), then the ids'
        sequences and the planner's statistics."""
        from django.core.management.color import no_style
        from django.db import connection, transaction

        fields = {
            "unit": ["id", "agency", "name", "kind", "county"],
            "staff": ["id", "name", "unit", "role", "hired_on"],
            "person": ["id", "name", "sex", "town"],
            "cocase": ["id", "person", "lead", "created_at"],
            "case": [
                "id",
                "route",
                "person",
                "area",
                "unit",
                "lead",
                "status",
                "risk_level",
                "opened_at",
                "closed_at",
            ],  # fmt: skip
            "clock": ["id", "name", "label", "case", "unit", "starts_at", "due_at", "met_at"],
            "co_worker": ["id", "case", "staff"],
        }
        cocase_of = {case: cocase for cocase, cases in self.cocases.items() for case in cases}
        counts = {}
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # the co-case and its cases refer to each other
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for name in ("unit", "staff", "person", "case", "cocase", "clock", "co_worker"):
                rows: Any = self.rows[name]
                names = fields[name]
                if name == "case":
                    names = [*names, "cocase"]
                    rows = ((*row, cocase_of.get(row[0])) for row in rows)
                counts[name] = Table(self.models[name], names).write(rows)
                self.rows[name] = []
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(self.models.values())):
                cursor.execute(sql)
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        return counts


def _kind(route: str) -> str:
    return {"SWC": "swc", "FPC": "fpc", "DRUG": "dpc"}.get(route, "mhc")


# --- timing ------------------------------------------------------------------------------------------


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in ms."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples) * 1000, cuts[94] * 1000


@dataclass
class Timing:
    p50: float
    p95: float
    db: float  # ms in the database, the median request
    queries: int
    response: Any


def time_page(client: Any, path: str, n: int, **headers: str) -> Timing:
    """`n` requests after a warm-up: p50 and p95, the time spent in the database, the statements."""
    from django.db import connection

    response = client.get(path, **headers)
    assert response.status_code == 200, (path, response.status_code)
    statements, in_db = 0, 0.0

    def watch(execute: Any, *args: Any) -> Any:
        nonlocal statements, in_db
        started = time.perf_counter()
        try:
            return execute(*args)
        finally:
            in_db += time.perf_counter() - started
            statements += 1

    samples, db = [], []
    with connection.execute_wrapper(watch):
        for _ in range(n):
            statements, in_db = 0, 0.0
            started = time.perf_counter()
            response = client.get(path, **headers)
            samples.append(time.perf_counter() - started)
            db.append(in_db)
    return Timing(*percentiles(samples), statistics.median(db) * 1000, statements, response)


def time_floor(ids: list[int], n: int) -> tuple[float, float]:
    """The floor: the page's cases read bare by their keys, `n` times."""
    from safetynet.cases.models import Case

    samples = []
    for _ in range(n):
        started = time.perf_counter()
        rows = list(Case.objects.filter(pk__in=ids))
        samples.append(time.perf_counter() - started)
        assert len(rows) == len(ids)
    return percentiles(samples)


def signed_in(username: str) -> Any:
    """A test client past the password and, for a supervisor, the second step (as tests/accounts.py)."""
    import django_otp
    from django.contrib.auth import get_user_model
    from django.test import Client

    from safetynet.core import two_factor

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    if two_factor.requires_two_factor(user):
        device = two_factor.totp_device(user)
        assert device is not None
        session = client.session
        session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def explain(path_filters: Callable[[], Any]) -> None:
    from django.db import connection

    sql, params = path_filters().query.sql_with_params()
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        for row in cursor.fetchall():
            print("    " + " | ".join(str(cell) for cell in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many, the floor in between")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--explain", action="store_true", help="the plans of the worker's and supervisor's page"
    )
    args = parser.parse_args()
    data = Path(
        os.environ.setdefault(
            "SAFETYNET_DATA_DIR", str(Path(tempfile.gettempdir()) / "safetynet-bench-my-cases")
        )
    )
    data.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from safetynet.cases.mine import Filters, keyed, listed_cases
    from safetynet.cases.models import Case
    from safetynet.demo.generator import seed
    from safetynet.org.models import Agency, Staff

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host
    call_command("migrate", verbosity=0)
    loaded = Agency.objects.filter(name__startswith=MARK).exists()
    if not loaded:
        if Case.objects.exists():
            raise SystemExit(
                "DATABASE_URL's database holds cases that are not the bench's: give the bench a database of its own"
            )
        started = time.perf_counter()
        seed(seed=args.seed, years=(113, 114), scale=0.03, password=os.urandom(12).hex())
        print(
            f"demo county (scale 0.03) seeded in {time.perf_counter() - started:.0f} s (not counted)",
            flush=True,
        )
        started = time.perf_counter()
        load = Load(args.cases, args.seed).build()
        generated = time.perf_counter() - started
        counts = load.write()
        print(
            f"load: {counts['case']:,} cases, {counts['person']:,} persons, {counts['clock']:,} clocks, "
            f"{counts['co_worker']:,} co-workers, {counts['cocase']:,} co-cases, {counts['unit']:,} units, "
            f"{counts['staff']:,} staff; generated in {generated:.0f} s, written in "
            f"{time.perf_counter() - started - generated:.0f} s (not counted)",
            flush=True,
        )
    worker = Staff.objects.get(user__username="worker")
    supervisor = Staff.objects.get(user__username="supervisor")
    total = Case.objects.count()
    with connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        cursor.execute("SHOW server_version" if postgres else "SELECT sqlite_version()")
        database = f"{'PostgreSQL' if postgres else 'SQLite'} {cursor.fetchone()[0]}"
    print(f"\n{database}; {os.cpu_count()} cores; {total:,} cases in the database")
    now = timezone.now()
    for who, staff in (("worker", worker), ("supervisor", supervisor)):
        mine = listed_cases(staff, Filters(status="all"), now).count()
        open_ = listed_cases(staff, Filters(), now).count()
        print(f"  {who}: {mine:,} cases of their own ({open_:,} open)")
    if args.explain:
        for who, staff in (("worker", worker), ("supervisor", supervisor)):
            print(f"\n  plan of {who}'s page (open, by next due):")
            explain(lambda staff=staff: keyed(listed_cases(staff, Filters(), now))[:50])

    surname = SURNAMES[0]
    pages = [
        ("worker", "/cases/"),
        ("worker", "/cases/?status=all"),
        ("worker", "/cases/?status=all&sort=name&page=8"),
        ("worker", f"/cases/?status=all&q={surname}"),
        ("supervisor", "/cases/"),
        ("supervisor", "/cases/?status=all"),
        ("supervisor", "/cases/?status=all&page=999999"),
        ("supervisor", "/cases/?overdue=1"),
        ("supervisor", f"/cases/?status=all&q={surname}"),
        ("supervisor", "/cases/?status=all&sort=name"),
        ("supervisor", f"/cases/?worker={worker.pk}&status=all&sort=opened"),
    ]
    clients = {who: signed_in(who) for who in ("worker", "supervisor")}
    header = f"{'page':52} {'cases':>6} {'p50':>6} {'p95':>6} {'in db':>6} {'queries':>7} {'floor p50':>9} {'p95':>6} {'ratio':>6}"
    print(f"\n{header}   (ms; ratio: p95 / floor p95)")
    worst = 0.0

    def line(
        label: str, page: Callable[[], Timing], ids_of: Callable[[Timing], tuple[int, list[int]]]
    ) -> None:
        """The page and its floor in turns, `--rounds` times: the round with the lowest p95 of each
        (a machine shared with other work slows some rounds, never speeds one up)."""
        nonlocal worst
        timings, floors = [], []
        for _ in range(args.rounds):
            timings.append(page())
            count, ids = ids_of(timings[-1])
            floors.append(time_floor(ids, args.requests))
        timing = min(timings, key=lambda t: t.p95)
        f50, f95 = min(floors, key=lambda f: f[1])
        worst = max(worst, timing.p95)
        print(
            f"{label:52} {count:>6,} {timing.p50:>6.1f} {timing.p95:>6.1f} {timing.db:>6.1f} {timing.queries:>7} "
            f"{f50:>9.2f} {f95:>6.2f} {timing.p95 / f95:>5.0f}×",
            flush=True,
        )

    def listed(timing: Timing) -> tuple[int, list[int]]:
        html = timing.response.content.decode()
        ids = [int(pk) for pk in re.findall(r'data-testid="case-(\d+)"', html)]
        shown = re.search(r'data-testid="case-count">(.*?)<', html)
        assert shown is not None and ids
        return int(re.sub(r"\D", "", shown.group(1))), ids

    for who, path in pages:
        line(f"{who} {path}", lambda who=who, path=path: time_page(clients[who], path, args.requests), listed)

    from django.contrib.auth import get_user_model
    from django.test import Client

    from safetynet.core.tokens import issue_token

    _record, token = issue_token(
        get_user_model().objects.get(username="worker"), scopes=["read"], name="bench"
    )

    def api() -> Timing:
        return time_page(Client(), "/api/v1/cases", args.requests, HTTP_AUTHORIZATION=f"Bearer {token}")

    def items(timing: Timing) -> tuple[int, list[int]]:
        body = timing.response.json()
        return body["count"], [item["id"] for item in body["items"]]

    line("worker GET /api/v1/cases", api, items)
    load = os.getloadavg()[0]
    print(
        f"\naim: p95 < 100 ms for a page of 50: {'met' if worst < 100 else 'NOT met'} (slowest p95 {worst:.1f} ms; load average {load:.1f} at the end)"
    )


if __name__ == "__main__":
    main()
