"""Whole-database backup and restore: one consistent snapshot, compressed and encrypted in one file.

`safetynet backup FILE` and `safetynet restore FILE` are thin commands over :func:`backup` and
:func:`restore`.

What is in a backup
-------------------
Every model of every installed app, serialised with Django's serializers the way `dumpdata` does,
except what is rebuilt or worthless elsewhere: content types and permissions (migrations create them;
rows that point at them use natural keys), sessions, and django-axes' log of sign-in attempts.
Primary keys are kept for every model, users and groups included (no ``--natural-primary``): the
access log hashes user ids and person ids into its chain, so renumbering a user on restore would
break `safetynet audit verify`.

Encrypted fields are written as plain text, not as their stored ciphertext. The whole file is
encrypted anyway; a restore encrypts them again with the active key of the ring it runs with, so a
backup outlives field-key rotations, and the only encryption key it needs is the one that sealed the
file (still in the ring, active or not). Blind indexes are copied as they are, so the ring's `idx` key
must be the one they were made with; the header lets a restore check both before it changes anything.

The file
--------
The body is gzip of JSON Lines (Django's ``jsonl`` serializer: one object a line, so a restore reads
it as a stream, where the ``json`` deserializer would load the whole file into memory), encrypted
in chunks by `safetynet.core.backupfile`, which describes the format.
"""

from __future__ import annotations

import datetime
import getpass
import gzip
import io
import json
import os
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditlog.context import disable_auditlog
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Prefetch
from django.utils import timezone

from safetynet.core.backupfile import (
    FORMAT,
    BackupError,
    ChunkReader,
    ChunkWriter,
    HashingReader,
    HashingWriter,
    file_key,
    header_bytes,
    key_fields,
    new_salt,
    read_header,
    ring_key_for,
)

__all__ = ["BackupError", "BackupResult", "RestoreResult", "backup", "restore", "summary"]

# Not backed up. Content types and permissions are made by `migrate` (and referred to by natural
# key); sessions and axes' sign-in attempt logs are short-lived and tied to this server.
EXCLUDED_APPS = frozenset({"contenttypes", "sessions", "axes"})
EXCLUDED_MODELS = frozenset({"auth.permission"})
# Kept by a restore: they belong to the schema that `migrate` made, not to the data. Sessions are
# emptied with the rest: after a restore a session's user id may belong to someone else.
KEPT_TABLES = frozenset({"django_content_type", "auth_permission", "django_migrations"})
# A database "holds data" when one of these has a row. Not every table: migrations fill reference
# tables (counties, routes, follow-up rules) that a freshly migrated database already has.
DATA_MODELS = ("auth.User", "people.Person", "people.Household", "intake.Report", "cases.Case")


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    sha256: str
    counts: dict[str, int]
    seconds: float


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    size: int
    sha256: str
    counts: dict[str, int]
    seconds: float
    header: dict[str, Any]
    chain_entries: int
    chain_break: str | None


def rows_per_app(counts: dict[str, int]) -> dict[str, int]:
    """`{"people.person": 3, "people.household": 2}` → `{"people": 5}`, for the summaries."""
    per_app: Counter[str] = Counter()
    for label, count in counts.items():
        per_app[label.split(".", 1)[0]] += count
    return dict(per_app)


def summary(counts: dict[str, int], size: int, seconds: float) -> list[str]:
    """What the commands print: rows per app, then the totals, the file's size and the time taken."""
    per_app = {app: n for app, n in sorted(rows_per_app(counts).items()) if n}
    width = max((len(app) for app in per_app), default=0)
    lines = [f"  {app:<{width}}  {n:>10,}" for app, n in per_app.items()]
    lines.append(f"{sum(counts.values()):,} rows, {size / 1024 / 1024:,.1f} MiB, {seconds:,.1f} s")
    return lines


# Which models, in which order -----------------------------------------------------------------------


def _included(model: type[models.Model]) -> bool:
    meta = model._meta
    if meta.proxy or not meta.managed:
        return False
    return meta.app_label not in EXCLUDED_APPS and meta.label_lower not in EXCLUDED_MODELS


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete model but the excluded ones, in `dumpdata`'s order (dependencies first)."""
    app_list: dict[Any, list[type[models.Model]]] = {}
    for model in apps.get_models():
        if _included(model):
            app_list.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


def _by_natural_key(model: Any) -> bool:
    """Rows the backup leaves out (content types, permissions) are referred to by natural key: their
    ids differ from one database to the next. Every other reference is an id, which a restore keeps."""
    return isinstance(model, type) and hasattr(model, "natural_key") and not _included(model)


def _rows(model: type[models.Model]) -> Iterator[models.Model]:
    """All rows in pk order, fetched in batches, with what natural keys and m2m lists need joined in.

    Without the joins the serializer would fetch each content type a row points at, and each row's
    many-to-many list, one query at a time.
    """
    joins: list[str] = []
    for field in model._meta.concrete_fields:
        target = field.related_model if field.many_to_one or field.one_to_one else None
        if _by_natural_key(target):
            assert isinstance(target, type)  # noqa: S101 - for mypy: _by_natural_key checked it
            joins.append(field.name)
            joins.extend(
                f"{field.name}__{sub.name}" for sub in target._meta.concrete_fields if sub.many_to_one
            )
    prefetches: list[Prefetch[Any]] = []
    for m2m in model._meta.many_to_many:
        through, related = m2m.remote_field.through, m2m.related_model
        if through is None or not through._meta.auto_created or not isinstance(related, type):
            continue  # an explicit through model is backed up as a model of its own
        queryset = related._base_manager.all()
        if _by_natural_key(related):
            queryset = queryset.select_related()  # a permission's natural key has its content type's
        prefetches.append(Prefetch(m2m.name, queryset=queryset))
    queryset = model._base_manager.order_by("pk").select_related(*joins).prefetch_related(*prefetches)
    return queryset.iterator(chunk_size=2000)


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds (ECMA-262); the access log's chain hashes microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupSerializer(jsonl.Serializer):
    """Django's JSON Lines serializer with what a backup needs: natural keys only where ids differ
    between databases (`_by_natural_key`), times to the microsecond, and one write per row."""

    def handle_fk_field(self, obj: Any, field: Any) -> None:
        self.use_natural_foreign_keys = _by_natural_key(field.related_model)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj: Any, field: Any) -> None:
        self.use_natural_foreign_keys = _by_natural_key(field.related_model)
        super().handle_m2m_field(obj, field)

    def end_object(self, obj: Any) -> None:
        # Django's json.dump runs the pure-Python encoder and writes token by token; dumps is C.
        self.stream.write(json.dumps(self.get_dump_object(obj), **self.json_kwargs) + "\n")
        self._current = None


# Database state --------------------------------------------------------------------------------------


def migration_state() -> dict[str, str]:
    """The latest applied migration of each installed app, as recorded in `django_migrations`."""
    labels = {config.label for config in apps.get_app_configs()}
    latest: dict[str, str] = {}
    for app_label, name in MigrationRecorder(connection).applied_migrations():
        if app_label in labels and name > latest.get(app_label, ""):
            latest[app_label] = name
    return dict(sorted(latest.items()))


def data_held() -> dict[str, int]:
    """Rows in the tables that make a database "not empty" (see `DATA_MODELS`); only those with rows."""
    held = {}
    for label in DATA_MODELS:
        count = apps.get_model(label)._base_manager.count()
        if count:
            held[label] = count
    return held


@contextmanager
def snapshot() -> Iterator[None]:
    """One transaction that sees the whole database as it was at its first read, however long it runs."""
    if connection.in_atomic_block:
        # Inside a caller's transaction (a test, a script): it has begun already and decides what we see.
        with transaction.atomic():
            yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        # conf.py begins SQLite transactions IMMEDIATE, which takes the write lock: every writer would
        # wait for the whole backup and fail after the 20-second timeout. A DEFERRED transaction takes
        # no lock until its first read; in WAL mode that read fixes the snapshot the transaction sees to
        # its end while writers carry on (the first read here is `migration_state`).
        connection.ensure_connection()
        mode = getattr(connection, "transaction_mode", None)
        connection.transaction_mode = "DEFERRED"  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                yield
        finally:
            connection.transaction_mode = mode  # type: ignore[attr-defined]
        return
    raise BackupError(f"backups of {connection.vendor} databases are not supported")


# Backup ----------------------------------------------------------------------------------------------


def backup(path: Path, *, force: bool = False) -> BackupResult:
    """Write the whole database to `path`, encrypted; then log the export in the access log.

    The file is written beside `path` under a temporary name (mode 0600) and renamed into place only
    once complete, and only after the export is in the access log: every backup file that exists was
    logged, and no half-written file ever carries the final name.
    """
    from safetynet.audit.models import Action
    from safetynet.audit.services import record

    started = time.perf_counter()
    path = Path(path)
    if path.exists() and not force:
        raise BackupError(f"{path} exists already: choose another name, or --force to overwrite it")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder")
    ring_key, key_header = key_fields(settings.FIELD_KEYS)
    salt = new_salt()
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.chmod(temporary, 0o600)  # mkstemp's default already; said here because it matters
        with os.fdopen(descriptor, "wb") as raw:
            out = HashingWriter(raw)
            with snapshot():
                migrations = migration_state()  # the first read: on SQLite it fixes the snapshot
                model_list = backed_up_models()
                counts = {model._meta.label_lower: model._base_manager.count() for model in model_list}
                header = header_bytes(
                    {
                        "format": FORMAT,
                        "created_at": timezone.now().isoformat(),
                        "vendor": connection.vendor,
                        "migrations": migrations,
                        "counts": counts,
                        **key_header,
                        "salt": salt.hex(),
                        "body": "gzip, jsonl",
                    }
                )
                out.write(header)
                _write_body(ChunkWriter(out, file_key(ring_key, salt), header), model_list, counts)
            raw.flush()
            os.fsync(raw.fileno())
        sha256 = out.sha256.hexdigest()
        record(
            Action.EXPORT,
            object_type="backup",
            object_id=sha256[:16],
            detail={"sha256": sha256, "bytes": out.size, "file": path.name, "os_user": _os_user()},
        )
        if path.exists() and not force:
            raise BackupError(
                f"{path} appeared while the backup was written: choose another name, or --force"
            )
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return BackupResult(path, out.size, sha256, counts, time.perf_counter() - started)


def _write_body(chunks: ChunkWriter, model_list: list[type[models.Model]], counts: dict[str, int]) -> None:
    # Level 6, not gzip's default 9: nearly as small, much faster. mtime=0: the header has the time.
    with gzip.GzipFile(fileobj=chunks, mode="wb", compresslevel=6, mtime=0) as compressed:
        text = io.TextIOWrapper(compressed, encoding="utf-8", newline="\n")
        for model in model_list:
            label = model._meta.label_lower
            written = _Counted(_rows(model))
            BackupSerializer().serialize(written, stream=text, cls=ExactJSONEncoder)
            if written.count != counts[label]:  # would mean the snapshot is not one
                raise BackupError(f"{label}: counted {counts[label]} rows but read {written.count}")
        text.flush()
        text.detach()
    chunks.close()


class _Counted:
    def __init__(self, rows: Iterable[models.Model]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[models.Model]:
        for row in self._rows:
            self.count += 1
            yield row


def _os_user() -> str:
    """Who ran the command on the server: a command has no signed-in user to name."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry, as in some containers
        return f"uid {os.getuid()}"


# Restore ---------------------------------------------------------------------------------------------


def _check_migrations(header: dict[str, Any]) -> None:
    ours = migration_state()
    theirs = header["migrations"]
    for app_label in sorted(set(ours) | set(theirs)):
        if ours.get(app_label) != theirs.get(app_label):
            raise BackupError(
                f"the backup was made at migration {app_label}.{theirs.get(app_label) or '(none)'} but this "
                f"database is at {app_label}.{ours.get(app_label) or '(none)'}: run `safetynet migrate`, "
                "and restore with the SafetyNet version that made the backup"
            )


def restore(path: Path, *, replace: bool = False) -> RestoreResult:
    """Make the database what the backup holds, in one transaction: all of it, or no change at all.

    Every table but content types and permissions is emptied first, with or without `replace`: a
    freshly migrated database already holds reference rows that the backup has too. `replace` only
    allows emptying a database that holds records (users, persons, reports, cases).
    """
    from safetynet.audit import guards
    from safetynet.audit.models import Action
    from safetynet.audit.services import record, verify_chain

    started = time.perf_counter()
    path = Path(path)
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from None
    with raw:
        source = HashingReader(raw)
        header, header_line = read_header(source, path.name)
        ring_key = ring_key_for(settings.FIELD_KEYS, header)
        chunks = ChunkReader(source, file_key(ring_key, bytes.fromhex(header["salt"])), header_line)
        chunks.prime()
        model_list = backed_up_models()
        known = {model._meta.label_lower for model in model_list}
        if set(header["counts"]) != known:
            unknown = sorted(set(header["counts"]) ^ known)
            raise BackupError(f"the backup's models differ from this SafetyNet's: {', '.join(unknown[:5])}")
        with transaction.atomic():
            _check_migrations(header)
            held = data_held()
            if held and not replace:
                shown = ", ".join(f"{label} {count}" for label, count in held.items())
                raise BackupError(
                    f"the database holds data ({shown}): --replace empties it and loads the backup"
                )
            # Loaded rows are history already: no change-history entry (auditlog) and so no access-log
            # entry for them. Deserialized saves skip AuditEntry.save (append-only) by design, and the
            # emptying is SQL, so only the triggers stand in the way: lifted until just before commit.
            with disable_auditlog(), guards.lifted():
                _empty_tables()
                counts = _load(chunks, model_list)
                _after_load(model_list)
            if counts != header["counts"]:
                raise BackupError("the backup's row counts do not match its header")
            chain = verify_chain()
            sha256 = source.sha256.hexdigest()
            record(
                Action.CHANGE,
                object_type="backup",
                object_id=sha256[:16],
                detail={
                    "restored_from": sha256,
                    "created_at": header.get("created_at"),
                    "os_user": _os_user(),
                },
            )
    broken = f"entry {chain.broken.seq}: {chain.broken.reason}" if chain.broken else None
    return RestoreResult(
        path, source.size, sha256, counts, time.perf_counter() - started, header, chain.entries, broken
    )


def _empty_tables() -> None:
    tables = sorted(set(connection.introspection.django_table_names(only_existing=True)) - KEPT_TABLES)
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses a table with pending deferred foreign-key checks (rows written earlier
            # in the same transaction, as in tests): run those checks now, then defer again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _load(chunks: ChunkReader, model_list: list[type[models.Model]]) -> dict[str, int]:
    counts = {model._meta.label_lower: 0 for model in model_list}
    text = io.TextIOWrapper(
        gzip.GzipFile(fileobj=chunks, mode="rb"),
        encoding="utf-8",
        newline="\n",
    )
    deferred = []
    try:
        for item in serializers.deserialize(
            "jsonl", text, ignorenonexistent=False, handle_forward_references=True
        ):
            # The tables are empty: insert at once instead of trying an UPDATE first.
            item.save(force_insert=True)
            counts[item.object._meta.label_lower] += 1
            if item.deferred_fields:
                deferred.append(item)
        for item in deferred:
            item.save_deferred_fields()
    except DeserializationError as exc:
        if isinstance(exc.__cause__, BackupError):
            raise exc.__cause__ from None
        raise BackupError(f"the backup's contents do not load: {str(exc).splitlines()[0][:200]}") from None
    except (OSError, EOFError, zlib.error) as exc:  # gzip damage that still authenticated: a writer bug
        raise BackupError(f"the backup's contents are damaged: {exc}") from None
    if not chunks.finished:
        raise BackupError("the backup file is truncated: its last part is missing")
    return counts


def _after_load(model_list: list[type[models.Model]]) -> None:
    """Move id sequences past the loaded ids (PostgreSQL), then check every foreign key before commit."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), model_list):
            cursor.execute(statement)
    try:
        connection.check_constraints(table_names=[m._meta.db_table for m in model_list])
    except DatabaseError as exc:
        raise BackupError(
            f"the restored rows break a foreign key: {str(exc).splitlines()[0][:200]}"
        ) from None
