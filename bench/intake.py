"""Benchmark: the report intake API over HTTP, against the framework's floor on the same server.

    .venv/bin/python bench/intake.py [--n 10000] [--clients 8] [--postgres | --no-postgres]

For each database (SQLite in a fresh data directory; PostgreSQL too when 127.0.0.1:5432 answers, in a
database `safetynet_bench` it creates and drops), it migrates, seeds the demo county at scale 0.02,
issues a token to the demo `screener`, starts gunicorn on a free port of 127.0.0.1 and sends:
- `POST /api/v1/reports`: N varied reports (types, towns of 嘉義縣, some with a valid national ID, some
  a repeat of an earlier ID, some with an Idempotency-Key, a few replaying one);
- the floor `GET /api/v1/me`: N times, token auth and a small JSON answer, no write;
first from one client, then from `--clients` threads, each with its own keep-alive connection.
Prints count, p50, p95 and requests/s of each, and the ratios reports/floor. Every report must answer
201: failures are counted and shown with the server log, and the script then exits 1.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import itertools
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
from safetynet.domain.nationalid import check_digit  # noqa: E402 — the pure module, no Django

BIN = Path(sys.executable).parent
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/safetynet_bench"
TAIPEI = datetime.timezone(datetime.timedelta(hours=8))
SOURCES = ["113", "113", "113", "1957", "1925", "ECARE", "POLICE", "EDUCATION", "MEDICAL", "SOCIAL"]
# The mix of a county's reports: mostly protection and vulnerable families, then suicide and mental health.
TYPES = {"CP": 25, "IPV": 25, "VF": 20, "SU": 12, "MH": 10, "DR": 8}
FLAGS = {
    "CP": ["caregiver_perpetrator", "non_caregiver_perpetrator", "under6_unattended", "serious_injury"],
    "IPV": ["children_in_household", "imminent_danger", "serious_injury"],
    "VF": ["vulnerability:1", "vulnerability:2", "vulnerability:3", "vulnerability:5"],
    "SU": [],
    "MH": ["imminent_danger"],
    "DR": ["children_in_household"],
}
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐"
GIVEN = ["志明", "淑芬", "俊傑", "雅婷", "家豪", "怡君", "承恩", "美玲", "冠宇", "佳蓉"]


@dataclass
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200
    replay_of: str = ""  # the Idempotency-Key this request repeats, if any


@dataclass
class Result:
    status: int
    seconds: float
    note: str = ""


# --- the reports ---------------------------------------------------------------------------------


class Reports:
    """Varied, valid reports, built before the clock starts so that the client's work is not measured.

    A repeated national ID is one already answered: from an earlier batch, or, when the batch is sent
    by one client, from an earlier report of it. Two reports about one new person at the same moment
    are another test (on PostgreSQL they can register the person twice or answer 422).
    """

    def __init__(self, towns: list[str], seed: int) -> None:
        self.towns = towns
        self.rng = random.Random(seed)
        self.serials = itertools.count(1)
        self.known: list[str] = []  # national IDs of earlier batches
        self.now = datetime.datetime.now(TAIPEI)

    def subject(self, ref: str, role: str, types: list[str], town: str, adult: bool = True) -> dict[str, Any]:
        rng = self.rng
        years = rng.randint(20, 80) if adult else rng.randint(0, 17)
        born = self.now.date() - datetime.timedelta(days=365 * years + rng.randint(0, 364))
        subject: dict[str, Any] = {
            "ref": ref,
            "role": role,
            "types": types,
            "town": town if rng.random() < 0.95 else rng.choice(self.towns),
            "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "birth_date": born.isoformat(),
        }
        chance = rng.random()
        if chance < 0.08 and self.earlier:  # reported before: found through the blind index
            subject["national_id"] = rng.choice(self.earlier)
        elif chance < 0.45:
            prefix = f"Q{rng.choice('12')}{next(self.serials):07d}"
            self.ids.append(prefix + str(check_digit(prefix)))
            subject["national_id"] = self.ids[-1]
        return subject

    def report(self, kind: str) -> dict[str, Any]:
        rng = self.rng
        town = rng.choice(self.towns)
        if kind == "CP":
            subjects = [self.subject("A", "child", ["CP"], town, adult=False)]
            if rng.random() < 0.6:
                subjects.append(self.subject("B", "respondent", ["CP"], town))
        elif kind == "IPV":
            subjects = [self.subject("A", "victim", ["IPV"], town)]
            if rng.random() < 0.7:
                subjects[0]["tipvda_score"] = rng.randint(0, 15)
            if rng.random() < 0.7:
                subjects.append(self.subject("B", "respondent", ["IPV"], town))
        elif kind == "VF":
            subjects = [self.subject("A", "family", ["VF"], town)]
            if rng.random() < 0.5:
                subjects.append(self.subject("B", "child", ["VF"], town, adult=False))
        else:
            also_mh = kind == "SU" and rng.random() < 0.3
            subjects = [self.subject("A", "victim", [kind, "MH"] if also_mh else [kind], town)]
        if len(subjects) == 2 and subjects[1].get("national_id") == subjects[0].get("national_id"):
            subjects[1].pop("national_id", None)  # one person cannot be both: leave the ID out
        subjects[0]["flags"] = rng.sample(FLAGS[kind], k=min(len(FLAGS[kind]), rng.choice([0, 0, 1, 2])))
        return {
            "received_at": (self.now - datetime.timedelta(minutes=rng.randint(5, 60 * 24 * 30))).isoformat(),
            "area": "10010",
            "source": rng.choice(SOURCES),
            "subjects": subjects,
            "narrative": "通報內容（基準測試）",
        }

    def batch(self, n: int, run: str, concurrent: bool) -> list[Request]:
        self.ids: list[str] = []
        keys: list[str] = []
        out = []
        for _ in range(n):
            self.earlier = self.known if concurrent else self.known + self.ids
            document = self.report(self.rng.choices(list(TYPES), weights=list(TYPES.values()))[0])
            headers = {"Content-Type": "application/json"}
            replay = ""
            if keys and self.rng.random() < 0.01:  # a client retrying: the same key, the same report
                replay = self.rng.choice(keys)
                headers["Idempotency-Key"] = replay
            elif self.rng.random() < 0.2:
                keys.append(f"bench-{run}-{len(out)}")
                headers["Idempotency-Key"] = keys[-1]
            body = json.dumps(document, ensure_ascii=False).encode()
            out.append(Request("POST", "/api/v1/reports", body, headers, expect=201, replay_of=replay))
        self.known += self.ids
        return out


# --- the load ------------------------------------------------------------------------------------


def send(connection: http.client.HTTPConnection, request: Request, token: str) -> Result:
    headers = {"Authorization": f"Bearer {token}", **request.headers}
    started = time.perf_counter()
    try:
        connection.request(request.method, request.path, body=request.body, headers=headers)
        response = connection.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException) as exc:
        connection.close()  # the next request opens a new connection
        return Result(0, time.perf_counter() - started, f"{exc.__class__.__name__}: {exc}")
    seconds = time.perf_counter() - started
    note = ""
    if response.status != request.expect:
        note = body[:300].decode(errors="replace")
    elif request.replay_of and response.getheader("Idempotent-Replayed") != "true":
        note = f"Idempotency-Key {request.replay_of} was not replayed"
    return Result(response.status, seconds, note)


def load(port: int, token: str, requests: list[Request], clients: int) -> tuple[list[Result], float]:
    """Send the requests from `clients` threads sharing one queue; return the results and the wall time.

    Requests that replay an Idempotency-Key go to the thread that sent the key first, so that the
    original has been answered before the replay leaves.
    """
    queues: list[list[Request]] = [[] for _ in range(clients)]
    owner: dict[str, int] = {}
    for i, request in enumerate(requests):
        key = request.headers.get("Idempotency-Key", "")
        lane = owner.get(key, i % clients) if request.replay_of else i % clients
        if key and not request.replay_of:
            owner[key] = lane
        queues[lane].append(request)
    results: list[list[Result]] = [[] for _ in range(clients)]
    barrier = threading.Barrier(clients + 1)

    def worker(lane: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait()
        for request in queues[lane]:
            results[lane].append(send(connection, request, token))
        connection.close()

    threads = [threading.Thread(target=worker, args=(lane,)) for lane in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return [r for lane in results for r in lane], time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def safetynet(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [str(BIN / "safetynet"), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"safetynet {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def get_json(port: int, path: str, token: str = "") -> object:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
        return json.loads(body)
    finally:
        connection.close()


class Server:
    """gunicorn in its own process group, stopped on exit whatever happened."""

    def __init__(self, env: dict[str, str], log: Path, args: argparse.Namespace) -> None:
        self.port = free_port()
        self.log = log
        command = [
            str(BIN / "gunicorn"),
            "safetynet.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={args.workers}",
            f"--worker-class={args.worker_class}",
            f"--threads={args.threads}",
            "--timeout=120",
            "--error-logfile=-",
        ]
        self.log_file = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            command, env=env, cwd=ROOT, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start-up:\n{self.log.read_text()[-3000:]}")
            try:
                get_json(self.port, "/api/v1/geo/counties")
                return
            except (OSError, RuntimeError):
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within {seconds:.0f} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log_file.close()


# --- PostgreSQL ----------------------------------------------------------------------------------


def postgres_admin(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    server = url.rsplit("/", 1)[0] + "/postgres"
    return psycopg.connect(server, autocommit=True, connect_timeout=3)


def postgres_reachable(url: str) -> bool:
    try:
        postgres_admin(url).close()
    except Exception:  # noqa: BLE001 — any failure means: not here
        return False
    return True


def postgres_reset(url: str, create: bool) -> None:
    from psycopg import sql

    name = sql.Identifier(url.rsplit("/", 1)[1])
    with postgres_admin(url) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if create:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


# --- one database --------------------------------------------------------------------------------


@dataclass
class Figure:
    database: str
    mode: str
    endpoint: str
    count: int
    p50: float
    p95: float
    rate: float
    failures: list[Result]


# What the database holds: reports, and persons sharing one national ID (there should be none).
CHECK = """
from django.db.models import Count
from safetynet.intake.models import Report
from safetynet.people.models import Person
twins = Person.objects.exclude(national_id_index="").values("national_id_index").annotate(n=Count("id"))
print(Report.objects.count(), twins.filter(n__gt=1).count())
"""


def bench_database(
    label: str, database_url: str, args: argparse.Namespace
) -> tuple[list[Figure], list[str], Path]:
    """Set up the database, run the server, send the load; return figures, problems and the data dir."""
    data = Path(tempfile.mkdtemp(prefix=f"safetynet-bench-intake-{label.lower()}-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # PYTHONPATH: the server and the commands run the code of the tree this script is in
    env.update(
        SAFETYNET_DATA_DIR=str(data),
        DJANGO_SETTINGS_MODULE="safetynet.settings",
        PYTHONPATH=str(ROOT / "src"),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    started = time.perf_counter()
    safetynet(env, "migrate", "-v0")
    safetynet(env, "seed-demo", "--scale", "0.02")
    # reports:write for the reports, read for the floor
    issued = safetynet(env, "create-token", "screener", "--scope", "reports:write", "--scope", "read")
    token = issued.split()[-1]
    reports_before = int(safetynet(env, "shell", "-v0", "-c", CHECK).split()[-2])
    print(
        f"{label}: migrated and seeded in {time.perf_counter() - started:.1f} s; data in {data}", flush=True
    )
    server = Server(env, data / "gunicorn.log", args)
    figures = []
    created = 0
    try:
        server.wait_ready()
        towns_json = get_json(server.port, "/api/v1/geo/counties/10010/towns")
        towns = [t["code"] for t in towns_json]  # type: ignore[union-attr,index]
        maker = Reports(towns, args.seed)
        me = Request("GET", "/api/v1/me")
        warm = maker.batch(40, "warm", concurrent=True) + [me] * 40
        results, _ = load(server.port, token, warm, args.clients)  # every worker imports and connects
        batches = [("warm-up", "both", warm, results)]
        for mode, clients in (("sequential", 1), (f"{args.clients} clients", args.clients)):
            batch = maker.batch(args.n, mode.split()[0], concurrent=clients > 1)
            for endpoint, requests in (("GET /me (floor)", [me] * args.n), ("POST /reports", batch)):
                results, wall = load(server.port, token, requests, clients)
                batches.append((mode, endpoint, requests, results))
                seconds = [r.seconds * 1000 for r in results]
                figure = Figure(
                    label,
                    mode,
                    endpoint,
                    len(results),
                    percentile(seconds, 50),
                    percentile(seconds, 95),
                    len(results) / wall,
                    [r for r in results if r.note or r.status == 0],
                )
                figures.append(figure)
                print(
                    f"  {mode:11} {endpoint:16} {figure.count:6} in {wall:6.1f} s, "
                    f"{len(figure.failures)} failed",
                    flush=True,
                )
        for _, _, requests, _ in batches:
            created += sum(1 for q in requests if q.method == "POST" and not q.replay_of)
        if any(r.note or r.status == 0 for r in batches[0][3]):
            raise SystemExit(f"the warm-up failed: {[r for r in batches[0][3] if r.note][:3]}")
    finally:
        server.stop()
    reports_after, twins = (int(x) for x in safetynet(env, "shell", "-v0", "-c", CHECK).split()[-2:])
    saved = reports_after - reports_before
    failed = sum(len(f.failures) for f in figures if f.endpoint.startswith("POST"))
    print(
        f"  reports saved {saved} (sent {created}, failed {failed}); persons sharing a national ID: {twins}"
    )
    problems = []
    if saved != created - failed:
        problems.append(f"{label}: {saved} reports saved for {created - failed} answered 201 (replays aside)")
    if twins:
        problems.append(f"{label}: {twins} national IDs registered as two persons or more")
    return figures, problems, data


def print_figures(figures: list[Figure]) -> None:
    print()
    print(
        f"{'database':11} {'mode':11} {'endpoint':16} {'count':>6} {'p50 ms':>7} {'p95 ms':>7} {'req/s':>7}"
    )
    for f in figures:
        print(
            f"{f.database:11} {f.mode:11} {f.endpoint:16} {f.count:6} {f.p50:7.1f} {f.p95:7.1f} {f.rate:7.0f}"
            f"   failed {len(f.failures)}"
        )
    print()
    for floor, report in zip(figures[0::2], figures[1::2], strict=True):
        print(
            f"{report.database:11} {report.mode:11} reports/floor: p95 {report.p95 / floor.p95:5.1f}×, "
            f"throughput {report.rate / floor.rate:5.2f}× (the floor answers {floor.rate / report.rate:.1f}× as many)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="requests of each kind in each mode")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients in the second mode")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--seed", type=int, default=1)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--postgres", action="store_true", help="require PostgreSQL (default: when reachable)")
    group.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    args = parser.parse_args()
    # A stop from outside still runs the `finally` blocks: gunicorn stopped, the PostgreSQL database dropped.
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, lambda number, _frame: sys.exit(128 + number))

    databases = [("SQLite", "")]
    if not args.no_postgres:
        if postgres_reachable(args.postgres_url):
            databases.append(("PostgreSQL", args.postgres_url))
        elif args.postgres:
            raise SystemExit(f"PostgreSQL is not reachable at {args.postgres_url}")
        else:
            print("PostgreSQL not reachable: SQLite only", flush=True)
    print(
        f"n = {args.n}; gunicorn {args.worker_class}, {args.workers} workers × {args.threads} threads; "
        f"{os.cpu_count()} cores; client on the same machine",
        flush=True,
    )
    figures: list[Figure] = []
    problems: list[str] = []
    kept: list[Path] = []
    for label, url in databases:
        if url:
            postgres_reset(url, create=True)
        try:
            found, wrong, data = bench_database(label, url, args)
        finally:
            if url:
                postgres_reset(url, create=False)
        figures += found
        problems += wrong
        if wrong or any(f.failures for f in found):
            kept.append(data)
        else:
            shutil.rmtree(data, ignore_errors=True)
    print_figures(figures)
    failed = [(f, r) for f in figures for r in f.failures]
    if failed:
        print(f"\n{len(failed)} requests failed; the first ones:")
        for figure, result in failed[:10]:
            print(f"  {figure.database} {figure.mode} {figure.endpoint}: {result.status} {result.note[:200]}")
    for problem in problems:
        print(problem)
    for data in kept:
        log = (data / "gunicorn.log").read_text(errors="replace")
        first = log.find("Traceback")
        if first >= 0:
            print(f"\nthe first traceback in {data / 'gunicorn.log'}:")
            print("\n".join(log[log.rfind("\n", 0, first) + 1 :].splitlines()[:60]))
        print(f"server log kept: {data / 'gunicorn.log'}")
    if failed or problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
