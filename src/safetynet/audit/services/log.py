"""Writing to the access log: appending to the chain, reads and listings, verifying the chain.

`record` appends one entry to the chain: it takes the chain's lock, hashes the entry with the newest
entry's hash and inserts it, in the caller's transaction — a change and its entry commit together; the
chain head follows after the commit (`move_head`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from safetynet.audit import context
from safetynet.audit.models import AccessGrant, Action, AuditEntry, ChainHead
from safetynet.domain.auditchain import GENESIS, Anchor, Break, Link, first_break, link_hash

MAX_SUBJECTS = 60  # persons named in one entry: a list page names at most a page of them


_chain_key: tuple[Any, bytes] | None = None  # (the ring it was derived from, the key)


def chain_key() -> bytes:
    """The chain's HMAC key: derived from the field key ring's blind-index key (never rotated, never in
    the database), so a rotation of the encryption keys leaves the chain checkable."""
    global _chain_key
    from safetynet.core.fields import key_ring

    ring = key_ring()
    if _chain_key is None or _chain_key[0] is not ring:
        _chain_key = (ring, ring.derive_lasting("safetynet audit chain"))
    return _chain_key[1]


def subjects_text(person_ids: Iterable[int | None]) -> str:
    """`|3|17|` — the persons an entry is about, searchable with `subjects__contains="|17|"`."""
    ids = sorted({int(pk) for pk in person_ids if pk is not None})[:MAX_SUBJECTS]
    return f"|{'|'.join(map(str, ids))}|" if ids else ""


def persons_of(target: models.Model) -> list[int]:
    """The persons a record is about: those it names itself (`audit_person_ids()`: a person, a household's
    members, a report's subjects), else its person, else its case's person."""
    named = getattr(target, "audit_person_ids", None)
    if callable(named):
        return list(named())
    person_id = getattr(target, "person_id", None)
    if person_id is not None:
        return [person_id]
    case_id = getattr(target, "case_id", None)
    if case_id is not None:
        cases = target._meta.get_field("case").related_model._default_manager  # type: ignore[union-attr]
        return list(cases.filter(pk=case_id).values_list("person_id", flat=True))
    return []


def _text(value: str, limit: int | None = None) -> str:
    """NUL cannot be stored in a PostgreSQL text or JSON value; a hostile path or name may carry one."""
    clean = value.replace("\x00", "\N{REPLACEMENT CHARACTER}")
    return clean[:limit] if limit else clean


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, dict):
        return {_text(str(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _actor(user: Any) -> tuple[Any, str, str]:
    from safetynet.core.access import staff_of

    if not getattr(user, "is_authenticated", False):
        return None, "", ""
    staff = staff_of(user)
    return user, user.get_username(), staff.role.code if staff else ""


@transaction.atomic(savepoint=False)  # inside a business action: fails with it, commits with it
def record(
    action: str,
    *,
    user: Any = None,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    persons: Iterable[int | None] | None = None,
    reason: str = "",
    flagged: bool = False,
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEntry:
    """Append one entry: who (`user`, or a `username` for a failed login), what, about whom, why.

    A change made through a break-glass opening (where the county allows writes through one) is flagged
    with the opening's reason, and the first such change of a request tells the opening's reviewers."""
    opening = context.opening.get() if action == Action.CHANGE else None
    if opening is not None:
        flagged, reason = True, reason or opening.grant.reason
        detail = {**(detail or {}), "grant": opening.grant.pk}
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
        if persons is None:
            persons = persons_of(target)
    account, name, role = _actor(user)
    origin = context.current.get()
    _lock_chain()
    last_seq, last_hash = last_link()
    entry = AuditEntry(
        seq=last_seq + 1,
        at=timezone.now(),
        user=account,
        username=_text(name or username, 150),
        role=role,
        action=action,
        object_type=_text(object_type, 60),
        object_id=_text(object_id, 60),
        subjects=subjects_text(persons or []),
        method=_text(origin.method, 10),
        path=_text(origin.path, 300),
        ip=origin.ip,
        reason=_text(reason),
        flagged=flagged,
        detail=_plain(detail or {}),
        prev_hash=last_hash,
    )
    entry.hash = link_hash(chain_key(), entry.prev_hash, entry.chained_fields())
    entry.save()
    if not any(item[1] is move_head for item in connection.run_on_commit):  # once per transaction
        transaction.on_commit(move_head)
    if opening is not None and not opening.notified:
        from safetynet.audit.services.grants import tell_of_write  # grants write through `record`

        opening.notified = True
        tell_of_write(opening.grant, entry.at)
    return entry


# Appends are serialised: on PostgreSQL by a transaction-scoped advisory lock (no row is written to
# take it); on SQLite every write transaction already holds the database's lock (IMMEDIATE). Should
# two appends still race, the unique sequence number refuses the second: the chain never forks.
CHAIN_LOCK = 0x5AFE_A0D1


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def last_link() -> tuple[int, str]:
    row = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    return (row[0], row[1]) if row else (0, GENESIS)


def move_head() -> None:
    """Bring the chain head up to the newest entry, once a transaction that appended has committed.

    The head is moved after the commit, not at each append: rewriting one row thousands of times in a
    long transaction (an import, the demo) slows every append. So the head may trail the newest
    entries by the last transaction if a crash came between the two; it never runs ahead of them.
    """
    seq, digest = last_link()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Losing this write in a crash leaves the head trailing, which verify accepts: no need
                # to wait for the disk.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        moved = ChainHead.objects.filter(pk=1, seq__lt=seq).update(seq=seq, hash=digest)
        if not moved and not ChainHead.objects.filter(pk=1).exists():
            ChainHead.objects.create(pk=1, seq=seq, hash=digest)


def _reading() -> bool:
    """GET and HEAD show what they fetch (and so does anything outside a request, a command's)."""
    return context.current.get().method in {"GET", "HEAD", ""}


def _read(write: Callable[[], object]) -> None:
    """Write a read now on GET and HEAD; in a request of another method, once its answer is known:
    a POST answered with a page (a form refused, a link issued) showed what it fetched, and the read
    is logged then; one answered with a redirect is logged as the change it made."""
    waiting = context.pending.get()
    if _reading() or waiting is None:
        write()
    else:
        waiting.append(write)


def write_pending_reads(response_shows_page: bool) -> None:
    """The middleware, once a request has its answer: the reads made while serving it, if it shows them."""
    waiting = context.pending.get()
    if not waiting:
        return
    writes = list(waiting)
    waiting.clear()
    if response_shows_page:
        with transaction.atomic():
            for write in writes:
                write()


def record_read(
    user: Any,
    target: models.Model,
    *,
    grant: AccessGrant | None = None,
    username: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """A record shown to someone: an account, or (no `user`) whoever `username` names."""
    # Read through a break-glass opening: flagged, with its reason.
    flags: dict[str, Any] = {"reason": grant.reason, "flagged": True} if grant is not None else {}
    _read(partial(record, Action.READ, user=user, target=target, username=username, detail=detail, **flags))


def record_listing(user: Any, object_type: str, person_ids: Iterable[int | None]) -> None:
    """A list page that put persons' names on screen: entries naming them, `MAX_SUBJECTS` a time, so
    "who looked at this child's file?" finds the lists too. Nothing when the page named no one."""
    ids = sorted({pk for pk in person_ids if pk is not None})
    for start in range(0, len(ids), MAX_SUBJECTS):
        chunk = ids[start : start + MAX_SUBJECTS]
        _read(
            partial(
                record,
                Action.READ,
                user=user,
                object_type=object_type,
                persons=chunk,
                detail={"listed": len(ids)},
            )
        )


# Chain verification ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    entries: int
    broken: Break | None


def verify_chain(anchors: Iterable[Anchor] = ()) -> Verification:
    """Walk the whole log in sequence order and report the first link that does not hold, checking the
    head and the `anchors` (`safetynet.audit.anchors`) on the way."""
    head = ChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    count = 0

    def links() -> Iterable[Link]:
        nonlocal count
        for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
            count += 1
            yield Link(entry.seq, entry.prev_hash, entry.hash, entry.chained_fields())

    broken = first_break(chain_key(), links(), head, anchors)
    return Verification(count, broken)
