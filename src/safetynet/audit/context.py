"""Where a request comes from, for the entries written while it is served (set by the middleware), and
the reads it made that wait for its answer (a POST's page: `safetynet.audit.services.record_read`), and
the break-glass opening a write goes through, when the county allows writes through one."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Origin:
    method: str = ""
    path: str = ""
    ip: str | None = None


NOWHERE = Origin()
current: ContextVar[Origin] = ContextVar("safetynet_audit_origin", default=NOWHERE)

# Reads made while serving a POST: written if the answer shows a page, dropped if it redirects (the
# change it made is logged instead). None outside a request.
pending: ContextVar[list[Callable[[], object]] | None] = ContextVar("safetynet_audit_pending", default=None)


@dataclass
class Opening:
    """A write through a break-glass opening (`safetynet.core.access.get_case_for_work`): every change
    entry of the request carries the grant's reason, and its reviewers are told once."""

    grant: Any  # safetynet.audit.models.AccessGrant
    notified: bool = False


# Set per request by the middleware (None), then by the access layer when a write goes through an opening.
opening: ContextVar[Opening | None] = ContextVar("safetynet_break_glass_opening", default=None)
