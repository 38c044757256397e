"""Anchoring the access log's head outside the database (`safetynet audit anchor`, hourly by the job worker).

Someone with the database's own rights can cut off the newest entries and rewrite the chain head to
match: the chain still holds. An anchor is the head (its entry number, hash and the time), appended to a
file or sent to syslog, where the database's rights do not reach; `safetynet audit verify` then finds a
chain shorter than an anchor, or an anchored entry whose hash changed. What was appended after the last
anchor is still guarded by the head alone.
"""

from __future__ import annotations

import datetime
import os
import socket
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from safetynet.audit.services import last_link
from safetynet.conf import anchor_destination
from safetynet.domain.auditchain import Anchor, read_anchors

# authpriv.notice: a facility syslog keeps apart from the general log, readable by root only.
SYSLOG_PRIORITY = 10 * 8 + 5


class AnchorFailed(Exception):
    """The anchor could not be written where the county wants it."""


def configured() -> str:
    """The destination set in `SAFETYNET_AUDIT_ANCHOR`, or "" when the county anchors nowhere."""
    return str(getattr(settings, "SAFETYNET_AUDIT_ANCHOR", "") or "")


def anchor_head(destination: str | None = None) -> Anchor:
    """Note the newest committed entry's number and hash, with the time, at the configured destination."""
    target = configured() if destination is None else destination
    if not target:
        raise AnchorFailed("SAFETYNET_AUDIT_ANCHOR is not set: nowhere to anchor the chain")
    seq, digest = last_link()
    anchor = Anchor(seq, digest, timezone.now().astimezone(datetime.UTC).isoformat(timespec="seconds"))
    kind, where = anchor_destination(target)
    try:
        if kind == "file":
            _append(Path(str(where)), anchor.line())
        else:
            _send(where, anchor.line())
    except OSError as exc:
        raise AnchorFailed(f"cannot write the anchor to {target}: {exc.strerror or exc}") from exc
    return anchor


def _append(path: Path, line: str) -> None:
    # Created readable by its owner only; appended to, never rewritten, and on disk before we return.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (line + "\n").encode("ascii"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _send(where: str | tuple[str, int], line: str) -> None:
    message = f"<{SYSLOG_PRIORITY}>safetynet: {line}".encode("ascii")
    if isinstance(where, str):
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(where)
            sock.send(message)
        return
    host, port = where
    family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0]
    with socket.socket(family, kind, proto) as sock:
        sock.sendto(message, address)


def anchors_from(paths: list[Path]) -> list[Anchor]:
    """The anchors in the configured anchor file (when it is a file) and in `paths` (e.g. a copy of the
    syslog that received them). A missing configured file gives none; a missing named file is an error."""
    found: list[Anchor] = []
    kind, where = anchor_destination(configured()) if configured() else ("", "")
    sources = [(Path(str(where)), False)] if kind == "file" else []
    sources += [(path, True) for path in paths]
    for path, required in sources:
        if not required and not path.exists():
            continue
        with path.open(encoding="utf-8", errors="replace") as lines:
            found.extend(read_anchors(lines, source=str(path)))
    return found
