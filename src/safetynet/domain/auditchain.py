"""The audit log's hash chain: each entry's hash covers its own fields and the previous entry's hash.

Altering an entry changes its hash, so the next entry's `prev_hash` no longer matches; removing one
leaves a gap in the sequence; reordering breaks both. The head (the last sequence number and hash,
kept apart) catches the removal of the newest entries. The hash is an HMAC under a key kept outside
the database, so someone who can write the table still cannot recompute the chain after an edit.
Pure: no Django, fields are plain values.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(fields: Mapping[str, Any]) -> bytes:
    """One byte string per set of fields, whatever order the database hands them back in."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def link_hash(key: bytes, prev_hash: str, fields: Mapping[str, Any]) -> str:
    message = prev_hash.encode("ascii") + b"\n" + canonical(fields)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Link:
    seq: int
    prev_hash: str
    hash: str
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def first_break(key: bytes, links: Iterable[Link], head: tuple[int, str] | None) -> Break | None:
    """The first link that does not hold, in sequence order; None when the whole chain holds.

    `links` come ordered by `seq`. `head` is the (seq, hash) last recorded as the newest entry: it may
    trail the entries (written after it was recorded), but the entry it names must be there, unchanged.
    """
    expected_seq, prev = 1, GENESIS
    head_seq, head_hash = head if head is not None else (0, GENESIS)
    for link in links:
        if link.seq != expected_seq:
            return Break(expected_seq, f"entry {expected_seq} is missing (next found: {link.seq})")
        if link.prev_hash != prev:
            return Break(link.seq, f"entry {link.seq} does not follow entry {link.seq - 1}")
        if not hmac.compare_digest(link_hash(key, link.prev_hash, link.fields), link.hash):
            return Break(link.seq, f"entry {link.seq} was altered after it was written")
        if link.seq == head_seq and link.hash != head_hash:
            return Break(link.seq, f"entry {link.seq} does not match the chain head")
        expected_seq, prev = link.seq + 1, link.hash
    last = expected_seq - 1
    if head is None and last:
        return Break(1, "the chain head is missing")
    if head_seq > last:
        return Break(last + 1, f"entries {last + 1} to {head_seq} are missing (the head is at {head_seq})")
    return None
