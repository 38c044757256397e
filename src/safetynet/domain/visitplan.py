"""The risk-driven visit plan (DOMAIN §5): which record meets which clock, and when the next one is due.

Frequencies come in as data (the `FollowUpRule` rows): per route, per risk level, or for every level.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "FACE_TO_FACE",
    "Frequency",
    "clocks_met_by_assessment",
    "clocks_met_by_contact",
    "interval",
    "next_due",
]

FACE_TO_FACE = frozenset({"home_visit", "interview", "outreach"})
WITH_PERSON = FACE_TO_FACE | {"phone"}

# Which contact kinds meet which clock: a first visit needs a face-to-face meeting, a first contact
# after a suicide report may be a call; a network call meets nothing.
_CONTACT_MEETS: dict[str, frozenset[str]] = {
    "cp1_first_visit": FACE_TO_FACE,
    "cp2_first_visit": FACE_TO_FACE,
    "vf_first_visit": FACE_TO_FACE,
    "su_first_contact": WITH_PERSON,
    "visit": FACE_TO_FACE,
}
_ASSESSMENT_MEETS: dict[str, str] = {"vf_assessment": "vulnerability", "bsrs5": "bsrs5"}
DEFAULT_LEVEL = "medium"  # before any assessment, a case is planned as medium risk


@dataclass(frozen=True)
class Frequency:
    route: str
    risk_level: str  # "" for every level
    task: str
    interval_days: int


def clocks_met_by_contact(kind: str) -> frozenset[str]:
    return frozenset(name for name, kinds in _CONTACT_MEETS.items() if kind in kinds)


def clocks_met_by_assessment(instrument: str) -> frozenset[str]:
    return frozenset(name for name, inst in _ASSESSMENT_MEETS.items() if inst == instrument)


def interval(rules: Iterable[Frequency], route: str, risk_level: str, task: str) -> int | None:
    """Days between two visits (or tests): the row for the risk level, else the route's row for every level."""
    level = risk_level or DEFAULT_LEVEL
    found: Mapping[str, int] = {
        r.risk_level: r.interval_days for r in rules if r.route == route and r.task == task
    }
    if level in found:
        return found[level]
    return found.get("")


def next_due(last: datetime.datetime, days: int) -> datetime.datetime:
    return last + datetime.timedelta(days=days)
