"""The case lifecycle (DOMAIN §7) as one transition table; a move not in it is refused."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["OPEN", "CaseStatus", "IllegalTransition", "check_transition"]


class CaseStatus(StrEnum):
    PENDING = "pending"  # 待分派
    ASSESSING = "assessing"  # 評估中
    SERVING = "serving"  # 處遇中
    FOLLOW_UP = "follow_up"  # 後追
    REVIEW = "review"  # 督導審核中
    CLOSED = "closed"  # 已結案
    NOT_OPENED = "not_opened"  # 未成案


S = CaseStatus
OPEN = frozenset({S.PENDING, S.ASSESSING, S.SERVING, S.FOLLOW_UP, S.REVIEW})

TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.PENDING: frozenset({S.ASSESSING}),
    S.ASSESSING: frozenset({S.SERVING, S.NOT_OPENED, S.REVIEW}),
    S.SERVING: frozenset({S.FOLLOW_UP, S.REVIEW}),
    S.FOLLOW_UP: frozenset({S.SERVING, S.REVIEW}),
    # A returned closure goes back to where it came from, assessment included.
    S.REVIEW: frozenset({S.CLOSED, S.ASSESSING, S.SERVING, S.FOLLOW_UP}),
    # Reopened (history stays): to the same worker, or to the supervisor's queue if they have left.
    S.CLOSED: frozenset({S.ASSESSING, S.PENDING}),
    S.NOT_OPENED: frozenset({S.ASSESSING, S.PENDING}),
}


class IllegalTransition(ValueError):
    def __init__(self, current: CaseStatus, wanted: CaseStatus) -> None:
        super().__init__(f"a case cannot move from {current.value} to {wanted.value}")
        self.current = current
        self.wanted = wanted


def check_transition(current: str, wanted: str) -> CaseStatus:
    """The wanted status, if the table allows the move; `IllegalTransition` otherwise."""
    here, there = CaseStatus(current), CaseStatus(wanted)
    if there not in TRANSITIONS[here]:
        raise IllegalTransition(here, there)
    return there
