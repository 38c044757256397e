"""Database triggers that refuse UPDATE and DELETE (and TRUNCATE) on the audit log.

The application never changes an entry; the triggers make that true for anyone using the database
through SQL too. A restore (`safetynet restore`) lifts them inside its own transaction and puts them
back before it commits; tests that simulate tampering drop them the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

TABLE = "audit_auditentry"
MESSAGE = "audit entries are append-only"

SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
]

POSTGRES_INSTALL = [
    "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$",
    f"CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
    f"CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()",
]
POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_entry_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_entry_no_truncate ON {TABLE}",
]


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_REMOVE
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    raise NotImplementedError(f"no append-only triggers for {vendor}")


def install(schema_editor: Any = None) -> None:
    conn = schema_editor.connection if schema_editor else connection
    with conn.cursor() as cursor:
        for statement in _statements(conn.vendor, install=True):
            cursor.execute(statement)


def remove(schema_editor: Any = None) -> None:
    conn = schema_editor.connection if schema_editor else connection
    with conn.cursor() as cursor:
        for statement in _statements(conn.vendor, install=False):
            cursor.execute(statement)


@contextmanager
def lifted() -> Iterator[None]:
    """Inside one transaction: the triggers are off, and back on before it commits (or rolled back)."""
    with transaction.atomic():
        remove()
        yield
        install()
