"""Locks on a name, held until the transaction ends: for "look, then write" where no row exists yet to
lock (an `Idempotency-Key` not used before, an `external_id` not imported before).

On PostgreSQL a transaction-scoped advisory lock on the name's hash: a second transaction asking for the
same name waits until the first commits or rolls back, then looks again and sees what the first wrote.
On SQLite every write transaction holds the database's lock from its start (IMMEDIATE), which already
serialises them.
"""

from __future__ import annotations

import hashlib

from django.db import connection

# The first of the two 32-bit keys: our names, apart from other users of advisory locks. The one-key
# (64-bit) locks, such as the access log's, are a separate key space.
NAMESPACE = 0x5AFE

# A client's `Idempotency-Key` (with its account): every POST that takes one holds this lock while it
# looks for the key's earlier record and, finding none, creates it.
IDEMPOTENCY_KEY = "idempotency-key"


def hold(*name: object) -> None:
    """Take the lock on `name` (e.g. "idempotency", user id, key) for the rest of this transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("a name lock is held until the transaction ends: take it inside one")
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256("\x1f".join(map(str, name)).encode()).digest()
    # A collision only makes two unrelated names wait for each other.
    key = int.from_bytes(digest[:4], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [NAMESPACE, key])
