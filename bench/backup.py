"""Benchmark: `safetynet backup` and `safetynet restore` on the current database, against a floor
measured in the same run.

    .venv/bin/python bench/backup.py [--repeat 2]

Uses the database the settings point at (DATABASE_URL, else the SQLite file in SAFETYNET_DATA_DIR or
`var/`), and changes nothing in it: every step runs in a forked child, inside a transaction that is
rolled back (the backup's access-log entry and the restore with them), and the backup file goes to a
temporary folder that is removed at the end.

- floor: read every row of every backed-up model with `iterator()` (the same querysets the backup
  uses, content types joined and many-to-many lists prefetched), without serialising anything;
- serialise: the same, serialised to JSON Lines into a sink that throws the text away;
- backup: `safetynet.core.backup.backup` — serialise, gzip, encrypt, write, fsync;
- restore: `safetynet.core.backup.restore(replace=True)` of that file — decrypt, gunzip, empty every
  table, load every row, check foreign keys, verify the access-log chain.

Prints seconds (best of `--repeat` for the reads and the backup; the restore runs once), rows per
second, the file's size and each child's peak memory (max RSS), and each step's ratio to the floor.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from measure import in_child  # noqa: E402 - beside this script, after the path is set


def rolled_back(step: Callable[[], dict[str, float]]) -> Callable[[], dict[str, float]]:
    """`step` timed inside a transaction that is then rolled back: the database is left as it was."""

    def work() -> dict[str, float]:
        from django.db import transaction

        with transaction.atomic():
            started = time.perf_counter()
            figures = step()
            figures["seconds"] = time.perf_counter() - started
            transaction.set_rollback(True)
        return figures

    return work


class Sink(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


def read_rows() -> dict[str, float]:
    from safetynet.core.backup import _rows, backed_up_models

    rows = 0
    for model in backed_up_models():
        for _row in _rows(model):
            rows += 1
    return {"rows": rows}


def serialise_rows() -> dict[str, float]:
    from safetynet.core.backup import BackupSerializer, ExactJSONEncoder, _rows, backed_up_models

    sink = Sink()
    for model in backed_up_models():
        BackupSerializer().serialize(_rows(model), stream=sink, cls=ExactJSONEncoder)
    return {}


def make_backup(path: Path) -> dict[str, float]:
    from safetynet.core.backup import backup

    result = backup(path, force=True)
    return {"bytes": result.size, "rows": sum(result.counts.values())}


def restore_backup(path: Path) -> dict[str, float]:
    from safetynet.core.backup import restore

    result = restore(path, replace=True)
    if result.chain_break:
        raise RuntimeError(f"the restored chain does not verify: {result.chain_break}")
    return {"rows": sum(result.counts.values())}


def best(step: Callable[[], dict[str, float]], repeat: int) -> tuple[dict[str, float], float]:
    runs = [in_child(rolled_back(step)) for _ in range(repeat)]
    return min(runs, key=lambda run: run[0]["seconds"])[0], max(mib for _, mib in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from safetynet.core.backup import data_held

    where = connection.settings_dict["NAME"] if connection.vendor == "sqlite" else "DATABASE_URL"
    if MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes()):
        raise SystemExit(f"{where}: migrations are not all applied; run `safetynet migrate` first")
    if not data_held():
        raise SystemExit(
            f"{where}: the database holds no records (no users, persons, cases): nothing to measure"
        )

    folder = Path(tempfile.mkdtemp(prefix="safetynet-bench-backup-"))
    path = folder / "bench.snb"
    try:
        floor, floor_mib = best(read_rows, args.repeat)
        serialised, serialised_mib = best(serialise_rows, args.repeat)
        made, backup_mib = best(lambda: make_backup(path), args.repeat)
        restored, restore_mib = in_child(rolled_back(lambda: restore_backup(path)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    rows = floor["rows"]
    print(f"database: {connection.vendor} ({where}), {rows:,.0f} rows")
    for name, figures, mib in (
        ("floor: read every row", floor, floor_mib),
        ("serialise to JSON Lines", serialised, serialised_mib),
        ("backup (file written)", made, backup_mib),
        ("restore --replace", restored, restore_mib),
    ):
        seconds = figures["seconds"]
        print(
            f"{name:<24} {seconds:7.2f} s  {rows / seconds:9,.0f} rows/s  peak {mib:5,.0f} MiB  "
            f"ratio {seconds / floor['seconds']:5.1f}×"
        )
    print(f"backup file: {made['bytes'] / 1024 / 1024:,.1f} MiB ({made['bytes'] / rows:,.0f} bytes a row)")


if __name__ == "__main__":
    main()
