"""A referral's closed loop (DOMAIN §8) as the HL7 Gravity SDOH referral Task: states, moves, sides.

    draft → requested → accepted | rejected → in-progress ⇄ on-hold → completed | failed
    canceled by either side before completion

Each move belongs to one side: the referrer (the worker who refers, or their unit) sends a draft and
may cancel; the partner (the organisation the referral is addressed to) accepts or rejects, starts,
holds, resumes, completes or fails. Either side may cancel an open referral (the partner never sees a
draft, so only the referrer cancels one). A referral on hold is resumed before it is completed; it may
fail while on hold. A rejection, cancellation, hold or failure needs a note saying why; completion or
failure carries the outcome. Rejected, completed, failed and canceled are final.

Also here: working days (the response deadline counts them) and the minimum a partner sees of a person.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "FINAL",
    "MOVES",
    "OPEN",
    "OUTCOME_REQUIRED",
    "RESPONSE_CLOCK",
    "SHAREABLE",
    "IllegalMove",
    "ReferralStatus",
    "Side",
    "add_working_days",
    "check_move",
    "mask_name",
    "moves_for",
    "needs_note",
    "partner_view",
    "working_days_between",
]


# The clock of the partner's answer (a `cases.Clock` by this name): met by the answer, not by hand.
RESPONSE_CLOCK = "referral_response"


class ReferralStatus(StrEnum):
    DRAFT = "draft"
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELED = "canceled"


class Side(StrEnum):
    REFERRER = "referrer"
    PARTNER = "partner"


S = ReferralStatus
R, P = Side.REFERRER, Side.PARTNER
BOTH = frozenset({R, P})

# (from, to) → the sides that may make the move. Nothing else is a move.
MOVES: dict[tuple[ReferralStatus, ReferralStatus], frozenset[Side]] = {
    (S.DRAFT, S.REQUESTED): frozenset({R}),
    (S.DRAFT, S.CANCELED): frozenset({R}),
    (S.REQUESTED, S.ACCEPTED): frozenset({P}),
    (S.REQUESTED, S.REJECTED): frozenset({P}),
    (S.REQUESTED, S.CANCELED): BOTH,
    (S.ACCEPTED, S.IN_PROGRESS): frozenset({P}),
    (S.ACCEPTED, S.CANCELED): BOTH,
    (S.IN_PROGRESS, S.ON_HOLD): frozenset({P}),
    (S.IN_PROGRESS, S.COMPLETED): frozenset({P}),
    (S.IN_PROGRESS, S.FAILED): frozenset({P}),
    (S.IN_PROGRESS, S.CANCELED): BOTH,
    (S.ON_HOLD, S.IN_PROGRESS): frozenset({P}),
    (S.ON_HOLD, S.FAILED): frozenset({P}),
    (S.ON_HOLD, S.CANCELED): BOTH,
}
FINAL = frozenset({S.REJECTED, S.COMPLETED, S.FAILED, S.CANCELED})
OPEN = frozenset(set(S) - FINAL - {S.DRAFT})  # sent and not finished: the loop is still open
# Moves whose note is the reason, and may not be left empty.
NOTE_REQUIRED = frozenset({S.REJECTED, S.CANCELED, S.ON_HOLD, S.FAILED, S.COMPLETED})
# Answers that carry the partner's outcome: what was done, or why it was declined or could not be.
OUTCOME_REQUIRED = frozenset({S.REJECTED, S.COMPLETED, S.FAILED})


class IllegalMove(ValueError):
    """The move is not in the table, or not this side's to make."""

    def __init__(self, current: ReferralStatus, wanted: ReferralStatus, side: Side, reason: str) -> None:
        super().__init__(
            f"{side.value} cannot move a referral from {current.value} to {wanted.value}: {reason}"
        )
        self.current = current
        self.wanted = wanted
        self.side = side
        self.reason = reason


def check_move(current: str, wanted: str, side: str) -> ReferralStatus:
    """The wanted state, if `side` may make the move; `IllegalMove` otherwise."""
    here, there, who = ReferralStatus(current), ReferralStatus(wanted), Side(side)
    allowed = MOVES.get((here, there))
    if allowed is None:
        raise IllegalMove(here, there, who, "not a move of the referral task")
    if who not in allowed:
        raise IllegalMove(here, there, who, "the other side makes this move")
    return there


def moves_for(current: str, side: str) -> list[ReferralStatus]:
    """The states `side` may move a referral in `current` to, in the order of the state list."""
    here, who = ReferralStatus(current), Side(side)
    return [there for there in S if who in MOVES.get((here, there), frozenset())]


def needs_note(wanted: str) -> bool:
    return ReferralStatus(wanted) in NOTE_REQUIRED


# --- working days --------------------------------------------------------------------------------


def _working(day: datetime.date, holidays: Collection[datetime.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(
    start: datetime.date, days: int, holidays: Collection[datetime.date] = ()
) -> datetime.date:
    """The `days`-th working day after `start` (Monday to Friday, not a holiday); `start` itself
    does not count, so a request made on a Saturday with 1 day has until Monday."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    left = days
    while left:
        day += datetime.timedelta(days=1)
        if _working(day, holidays):
            left -= 1
    return day


def working_days_between(
    start: datetime.date, end: datetime.date, holidays: Collection[datetime.date] = ()
) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if _working(day, holidays):
            count += 1
    return count


# --- what the partner sees -----------------------------------------------------------------------

# Items of a person a referrer may share with a partner; the national ID is never among them.
SHAREABLE = ("name", "sex", "age", "birth_date", "phone", "address", "town")
# A sexual-assault victim's identity stays inside the 家防中心 (性侵害犯罪防治法): a partner gets the
# masked name, the age and the town, never the birth date, phone or address.
PROTECTED_SHAREABLE = frozenset({"name", "sex", "age", "town"})


@dataclass(frozen=True)
class PersonFacts:
    name: str
    sex: str
    birth_date: datetime.date | None
    phone: str
    address: str
    town: str


def mask_name(name: str) -> str:
    """王小明 → 王○明, 王明 → 王○, a Latin name → its initial and ○."""
    name = name.strip()
    if not name:
        return ""
    if len(name) <= 2:
        return name[0] + "○"
    return name[0] + "○" * (len(name) - 2) + name[-1]


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def partner_view(
    person: PersonFacts, shares: Collection[str], *, protected: bool, on: datetime.date
) -> Mapping[str, str]:
    """What a partner reads of the person: the shared items only, a protected identity masked."""
    wanted = [s for s in SHAREABLE if s in shares and (not protected or s in PROTECTED_SHAREABLE)]
    view: dict[str, str] = {}
    for item in wanted:
        if item == "name":
            view["name"] = mask_name(person.name) if protected else person.name
        elif item == "age":
            view["age"] = str(_age(person.birth_date, on)) if person.birth_date else ""
        elif item == "birth_date":
            view["birth_date"] = person.birth_date.isoformat() if person.birth_date else ""
        else:
            view[item] = str(getattr(person, item))
    return {k: v for k, v in view.items() if v}
