"""The audit log's hash chain: each entry's hash covers its own fields and the previous entry's hash.

Altering an entry changes its hash, so the next entry's `prev_hash` no longer matches; removing one
leaves a gap in the sequence; reordering breaks both. The head (the last sequence number and hash,
kept apart) catches the removal of the newest entries. The hash is an HMAC under a key kept outside
the database, so someone who can write the table still cannot recompute the chain after an edit.
Someone who can write the table can still cut off the newest entries and rewrite the head to match:
anchors (the head as it was, noted hourly outside the database) catch that.
Pure: no Django, fields are plain values.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
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


ANCHOR_MARK = "safetynet-audit-anchor"
_ANCHOR = re.compile(ANCHOR_MARK + r" seq=([0-9]{1,19}) hash=([0-9a-f]{64}) at=(\S{1,40})(?:\s|$)")


class AnchorUnreadable(ValueError):
    """A line carries the anchor mark but not an anchor."""


@dataclass(frozen=True)
class Anchor:
    """The chain's head as it was at `at` (ISO 8601), noted outside the database."""

    seq: int
    hash: str
    at: str

    def line(self) -> str:
        return f"{ANCHOR_MARK} seq={self.seq} hash={self.hash} at={self.at}"


def read_anchors(lines: Iterable[str], source: str = "") -> list[Anchor]:
    """The anchors among `lines`. Lines without the mark are passed over (a syslog file holds other
    programs' lines too); a marked line that does not parse raises `AnchorUnreadable`."""
    found: list[Anchor] = []
    for number, line in enumerate(lines, start=1):
        if ANCHOR_MARK not in line:
            continue
        match = _ANCHOR.search(line)
        if match is None:
            raise AnchorUnreadable(f"{source or 'anchors'} line {number} is not a readable anchor")
        found.append(Anchor(int(match[1]), match[2], match[3]))
    return found


def first_break(
    key: bytes, links: Iterable[Link], head: tuple[int, str] | None, anchors: Iterable[Anchor] = ()
) -> Break | None:
    """The first link that does not hold, in sequence order; None when the whole chain holds.

    `links` come ordered by `seq`. `head` is the (seq, hash) last recorded as the newest entry: it may
    trail the entries (written after it was recorded), but the entry it names must be there, unchanged.
    So must the entry each of the `anchors` names: a chain shorter than an anchor lost its newest entries,
    whatever its head says.
    """
    anchored: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        anchored.setdefault(anchor.seq, []).append(anchor)
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
        for anchor in anchored.get(link.seq, ()):
            if anchor.hash != link.hash:
                return Break(link.seq, f"entry {link.seq} does not match its anchor of {anchor.at}")
        expected_seq, prev = link.seq + 1, link.hash
    last = expected_seq - 1
    if head is None and last:
        return Break(1, "the chain head is missing")
    if head_seq > last:
        return Break(last + 1, f"entries {last + 1} to {head_seq} are missing (the head is at {head_seq})")
    furthest = max(anchored, default=0)
    if furthest > last:
        beyond = anchored[furthest][0]
        return Break(
            last + 1,
            f"entries {last + 1} to {beyond.seq} are missing: the chain is shorter than its anchor "
            f"of {beyond.at}",
        )
    return None
