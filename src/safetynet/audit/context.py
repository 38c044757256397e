"""Where a request comes from, for the entries written while it is served (set by the middleware)."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    method: str = ""
    path: str = ""
    ip: str | None = None


NOWHERE = Origin()
current: ContextVar[Origin] = ContextVar("safetynet_audit_origin", default=NOWHERE)
