"""Benchmark: registering and finding persons, against floors measured in the same run.

    .venv/bin/python bench/people.py [--n 2000]

Runs on a fresh SQLite database in a temporary data directory (or on DATABASE_URL when set, in a
database it creates and drops). Prints each figure and its ratio to its floor:
- register: `people.services.register_person` (validation, AES-GCM of ID/phones/address, blind index,
  audit entry) vs. the floor `Person.objects.create` of a bare row with the audit log off;
- find by ID: `Person.objects.with_national_id` (HMAC + indexed lookup) vs. the floor lookup by pk;
- seed-demo at scale 0.1.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from measure import timed  # noqa: E402 - beside this script, after the path is set


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="safetynet-bench-")
    os.environ["SAFETYNET_DATA_DIR"] = data
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.settings")
    import django

    django.setup()
    from auditlog.context import disable_auditlog
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from safetynet.domain import nationalid
    from safetynet.geo.models import Town
    from safetynet.people import services
    from safetynet.people.models import Person
    from safetynet.people.services import PersonData

    state = setup_databases(verbosity=0, interactive=False)
    try:
        town = Town.objects.get(code="10010020")
        n = args.n

        def national_id(i: int) -> str:
            prefix = f"Q2{i:07d}"
            return prefix + str(nationalid.check_digit(prefix))

        def floor_create(i: int) -> None:
            with disable_auditlog():
                Person.objects.create(name=f"floor{i}", sex="F", town=town)

        def service_create(i: int) -> None:
            services.register_person(
                PersonData(f"人{i}", "F", None, national_id(i), ["0912345678"], town, "朴子市某路1號")
            )

        floor = timed(floor_create, n)
        service = timed(service_create, n)
        pks = list(Person.objects.values_list("pk", flat=True)[:n])
        by_pk = timed(lambda i: Person.objects.get(pk=pks[i]), n)
        by_id = timed(lambda i: Person.objects.with_national_id(national_id(i)).get(), n)
        started = time.perf_counter()
        Person.objects.all().delete()
        call_command("seed_demo", "--scale", "0.1", stdout=open(os.devnull, "w"))  # noqa: SIM115
        seed = time.perf_counter() - started

        print(f"database: {connection.vendor}, n = {n}")
        print(
            f"register person (service)   {n / service:8.0f}/s   floor bare create {n / floor:8.0f}/s"
            f"   ratio {service / floor:5.2f}×"
        )
        print(
            f"find by national ID         {n / by_id:8.0f}/s   floor find by pk  {n / by_pk:8.0f}/s"
            f"   ratio {by_id / by_pk:5.2f}×"
        )
        print(f"seed-demo --scale 0.1       {seed:8.1f} s")
    finally:
        teardown_databases(state, verbosity=0)


if __name__ == "__main__":
    main()
