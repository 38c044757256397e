"""Benchmark: the access log's hash chain, against floors measured in the same run.

    .venv/bin/python bench/audit.py [--n 5000]

Runs on a fresh SQLite database in a temporary data directory (or on DATABASE_URL when set, in a
database it creates and drops). Prints each figure and its ratio to its floor:
- append: `audit.services.record` (lock the chain head, SHA-256 over the entry and the previous hash,
  insert, move the head), one transaction each, vs. the floor: inserting the same row with a fixed hash,
  one transaction each;
- verify: `audit.services.verify_chain` over every entry vs. the floor: reading the same rows;
- a case page read by its worker (one access-log entry) vs. the same page with the log switched off;
- the worker's inbox (one entry naming the persons it lists) vs. the same page with the log switched off.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from measure import timed  # noqa: E402 - beside this script, after the path is set


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    args = parser.parse_args()
    os.environ["SAFETYNET_DATA_DIR"] = tempfile.mkdtemp(prefix="safetynet-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.settings")
    import django

    django.setup()
    from unittest import mock

    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import setup_databases, teardown_databases

    from safetynet.audit import services
    from safetynet.audit.models import Action, AuditEntry
    from safetynet.cases.models import Case
    from safetynet.demo.generator import seed

    state = setup_databases(verbosity=0, interactive=False)
    try:
        n = args.n

        def floor_insert(i: int) -> None:
            with transaction.atomic():
                AuditEntry(
                    seq=10**9 + i,
                    action=Action.READ,
                    object_type="cases.case",
                    object_id=str(i),
                    prev_hash="0" * 64,
                    hash="0" * 64,
                ).save()

        def append(i: int) -> None:
            services.record(Action.READ, object_type="cases.case", object_id=str(i), persons=[i])

        chained = timed(append, n)  # first: the floor's rows must not sit in the chain while it grows
        floor = timed(floor_insert, n)
        rows = AuditEntry.objects.count()
        started = time.perf_counter()
        for _ in AuditEntry.objects.order_by("seq").values_list("seq", "hash").iterator(chunk_size=2000):
            pass
        read = time.perf_counter() - started
        with transaction.atomic():
            from safetynet.audit import guards

            guards.remove()
            AuditEntry.objects.filter(seq__gte=10**9).delete()  # the floor's rows are not part of the chain
            guards.install()
        started = time.perf_counter()
        result = services.verify_chain()
        verify = time.perf_counter() - started
        assert result.broken is None, result.broken

        seed(
            seed=1, years=(113, 114), scale=0.03, password=secrets.token_urlsafe(16)
        )  # the bench logs in without it
        case = Case.objects.filter(lead__user__username="worker").first()
        assert case is not None
        client = Client()
        client.force_login(case.lead.user)
        pages = 200

        def logged_and_not(path: str, log: str) -> tuple[float, float]:
            """Best of 3, alternating so neither side gets the warm caches."""
            client.get(path)
            logged, unlogged = float("inf"), float("inf")
            for _ in range(3):
                with mock.patch(log):
                    unlogged = min(unlogged, timed(lambda i: client.get(path), pages))
                logged = min(logged, timed(lambda i: client.get(path), pages))
            return logged, unlogged

        before = AuditEntry.objects.count()
        logged, unlogged = logged_and_not(f"/cases/{case.pk}/", "safetynet.core.access.record_read")
        inbox, inbox_unlogged = logged_and_not("/", "safetynet.core.views.record_listing")
        named = AuditEntry.objects.filter(seq__gt=before, path="/").first()
        assert named is not None, "the worker's inbox named no one: nothing to measure"

        print(f"database: {connection.vendor}; {n} appends; {rows} rows read")
        print(
            f"append   {chained / n * 1000:7.3f} ms/entry   floor {floor / n * 1000:7.3f} ms   ratio {chained / floor:5.2f}x"
        )
        print(
            f"verify   {verify:7.3f} s ({result.entries} entries, {result.entries / verify:,.0f}/s)   "
            f"floor {read:6.3f} s   ratio {verify / read:5.2f}x"
        )
        print(
            f"case page {logged / pages * 1000:6.1f} ms logged   {unlogged / pages * 1000:6.1f} ms unlogged   "
            f"ratio {logged / unlogged:5.2f}x"
        )
        print(
            f"inbox    {inbox / pages * 1000:6.1f} ms logged   {inbox_unlogged / pages * 1000:6.1f} ms unlogged   "
            f"ratio {inbox / inbox_unlogged:5.2f}x ({len(named.subject_ids)} persons an entry)"
        )
    finally:
        teardown_databases(state, verbosity=0)


if __name__ == "__main__":
    main()
