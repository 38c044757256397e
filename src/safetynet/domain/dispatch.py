"""Choosing the worker inside a unit (DOMAIN §4.10): pure, so the rule is tested apart from the database.

The unit was chosen by the route and, for routes served by town, by the subject's town of residence.
Inside it: workers not on leave, with the lowest load ratio (open cases ÷ the caseload standard of their
role). A worker at or above the standard is full; when everyone is full (or away) nobody is chosen and
the case waits in the supervisor's queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Candidate", "Standing", "choose_worker", "load_ratio", "standing"]


@dataclass(frozen=True)
class Candidate:
    id: int
    open_cases: int
    standard: int | None  # the role's caseload standard; None: the role has none
    on_leave: bool = False

    @property
    def full(self) -> bool:
        return self.standard is not None and self.open_cases >= self.standard


def load_ratio(open_cases: int, standard: int | None, default_standard: int) -> float:
    """Open cases against the standard; a role without one is measured against `default_standard`."""
    return open_cases / (standard or default_standard)


def choose_worker(candidates: Iterable[Candidate], *, default_standard: int = 25) -> Candidate | None:
    """The available worker with the lowest load ratio (ties: fewer open cases, then the lower id)."""
    available = [c for c in candidates if not c.on_leave and not c.full]
    if not available:
        return None
    return min(
        available, key=lambda c: (load_ratio(c.open_cases, c.standard, default_standard), c.open_cases, c.id)
    )


@dataclass(frozen=True)
class Standing:
    """Where a suggested worker stands among the unit's workers now: why they were suggested, or why
    the suggestion no longer holds (the queue says it in words)."""

    ratio: float
    on_leave: bool
    full: bool
    lowest: bool  # no available worker has a lower load ratio


def standing(
    suggested_id: int, candidates: Iterable[Candidate], *, default_standard: int = 25
) -> Standing | None:
    """The suggested worker's load against the others' now; None if they are not among the candidates
    (moved to another unit, left)."""
    pool = list(candidates)
    mine = next((c for c in pool if c.id == suggested_id), None)
    if mine is None:
        return None
    ratio = load_ratio(mine.open_cases, mine.standard, default_standard)
    available = [c for c in pool if not c.on_leave and not c.full]
    lowest = all(ratio <= load_ratio(c.open_cases, c.standard, default_standard) for c in available)
    return Standing(
        ratio=ratio,
        on_leave=mine.on_leave,
        full=mine.full,
        lowest=lowest,
    )
