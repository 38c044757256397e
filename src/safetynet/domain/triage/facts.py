"""What the screening engine knows about a report: plain, frozen facts, checked for shape on creation.

The facts carry codes (report types, flags, sources, routes) as plain strings. Whether a code exists is a
question for the rule set's code lists, which the intake layer asks before building these objects; the
engine itself treats an unknown code as one that no rule mentions. Roles are the exception: they are
fixed by the report model (the rule set may only label them), so they are checked here.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

__all__ = ["OWN_TYPES_ROLES", "ROLES", "FactsError", "RegistryFacts", "Report", "Subject", "types_taken"]

ROLES = ("victim", "respondent", "child", "family")
# The persons a report is about name their own report types; the others may take theirs (`types_taken`).
OWN_TYPES_ROLES = ("victim", "child")

# [0-9] rather than \d: \d also matches other Unicode digits.
_COUNTY_RE = re.compile(r"[0-9]{5}")
_TOWN_RE = re.compile(r"[0-9]{8}")

_TIPVDA_MAX = 15
_PSYCHIATRIC_LEVELS = range(1, 6)


class FactsError(ValueError):
    """A fact has the wrong shape; the message names the field."""


def _codes(value: object, name: str) -> tuple[str, ...]:
    # A bare string is iterable too, and would silently become a tuple of characters.
    if isinstance(value, str | bytes) or not isinstance(value, tuple | list | set | frozenset):
        raise FactsError(f"{name}: expected a collection of codes, got {value!r}")
    for code in value:
        if not isinstance(code, str) or not code:
            raise FactsError(f"{name}: codes are non-empty strings, got {code!r}")
    return tuple(value)


@dataclass(frozen=True)
class RegistryFacts:
    """What the registries say about a person: 精神照護 level (1-5), 自殺通報 dates, 藥癮, 處遇計畫."""

    psychiatric_level: int | None = None
    suicide_report_dates: tuple[datetime.date, ...] = ()
    drug: bool = False
    court_ordered_treatment: bool = False

    def __post_init__(self) -> None:
        level = self.psychiatric_level
        if level is not None and (
            not isinstance(level, int) or isinstance(level, bool) or level not in _PSYCHIATRIC_LEVELS
        ):
            raise FactsError(f"RegistryFacts.psychiatric_level: 1 to 5 or None, got {level!r}")
        dates = self.suicide_report_dates
        if isinstance(dates, str) or not isinstance(dates, tuple | list):
            raise FactsError(f"RegistryFacts.suicide_report_dates: expected a tuple of dates, got {dates!r}")
        for day in dates:
            # A datetime is a date too, but comparing one with a date raises TypeError later.
            if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
                raise FactsError(f"RegistryFacts.suicide_report_dates: expected dates, got {day!r}")
        object.__setattr__(self, "suicide_report_dates", tuple(dates))
        for name in ("drug", "court_ordered_treatment"):
            if not isinstance(getattr(self, name), bool):
                raise FactsError(f"RegistryFacts.{name}: expected True or False")


@dataclass(frozen=True)
class Subject:
    """A person named by a report. `town` is the 8-digit town of residence, None when unknown;
    `open_routes` are the routes that already serve the person (or the household) in an open case;
    `protective_issue` is the intake layer's finding that the person has a protective issue."""

    ref: str
    role: str
    types: tuple[str, ...]
    town: str | None
    flags: frozenset[str] = frozenset()
    tipvda_score: int | None = None
    registry: RegistryFacts = field(default_factory=RegistryFacts)
    open_routes: frozenset[str] = frozenset()
    protective_issue: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.ref, str) or not self.ref.strip():
            raise FactsError(f"Subject.ref: a non-empty string, got {self.ref!r}")
        where = f"Subject {self.ref!r}"
        if self.role not in ROLES:
            raise FactsError(f"{where}.role: one of {', '.join(ROLES)}; got {self.role!r}")
        object.__setattr__(self, "types", _codes(self.types, f"{where}.types"))
        object.__setattr__(self, "flags", frozenset(_codes(self.flags, f"{where}.flags")))
        object.__setattr__(self, "open_routes", frozenset(_codes(self.open_routes, f"{where}.open_routes")))
        if self.town is not None and not (isinstance(self.town, str) and _TOWN_RE.fullmatch(self.town)):
            raise FactsError(f"{where}.town: 8 digits (e.g. 10010020) or None, got {self.town!r}")
        score = self.tipvda_score
        if score is not None and (
            not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= _TIPVDA_MAX
        ):
            raise FactsError(f"{where}.tipvda_score: 0 to {_TIPVDA_MAX} or None, got {score!r}")
        if not isinstance(self.registry, RegistryFacts):
            raise FactsError(f"{where}.registry: expected RegistryFacts, got {self.registry!r}")
        if not isinstance(self.protective_issue, bool):
            raise FactsError(f"{where}.protective_issue: expected True or False")


@dataclass(frozen=True)
class Report:
    """One report (通報) as received: when (aware), the 5-digit county receiving it, its source, subjects."""

    received_at: datetime.datetime
    area: str
    source: str
    subjects: tuple[Subject, ...]

    def __post_init__(self) -> None:
        moment = self.received_at
        if not isinstance(moment, datetime.datetime) or moment.utcoffset() is None:
            raise FactsError(f"Report.received_at: an aware datetime (with an offset), got {moment!r}")
        if not (isinstance(self.area, str) and _COUNTY_RE.fullmatch(self.area)):
            raise FactsError(f"Report.area: a 5-digit county code (e.g. 10010), got {self.area!r}")
        if not isinstance(self.source, str) or not self.source:
            raise FactsError(f"Report.source: a non-empty code, got {self.source!r}")
        subjects = self.subjects
        if isinstance(subjects, str) or not isinstance(subjects, tuple | list) or not subjects:
            raise FactsError("Report.subjects: at least one subject")
        refs: set[str] = set()
        for subject in subjects:
            if not isinstance(subject, Subject):
                raise FactsError(f"Report.subjects: expected Subject, got {subject!r}")
            if subject.ref in refs:
                raise FactsError(f"Report.subjects: {subject.ref!r} names two subjects")
            refs.add(subject.ref)
        object.__setattr__(self, "subjects", tuple(subjects))

    @property
    def types(self) -> frozenset[str]:
        """Every report type on the report, whichever subject carries it."""
        return frozenset(t for subject in self.subjects for t in subject.types)


def types_taken(
    subjects: Sequence[tuple[str, Sequence[str]]], passing: Collection[str]
) -> list[tuple[str, ...]]:
    """Each subject's report types, from (role, types named) in report order.

    A victim or child keeps the types named for them (none stays none: they must name theirs). A
    respondent or family member named without types takes the types of violence the report's victims
    and children carry — those in `passing`, the rule set's protective types — in the order first named.
    The rest (脆弱家庭, 自殺, 精神, 藥癮 …) describe the person they were named for and are never passed on:
    a respondent would otherwise be sent a suicide-prevention visit for the victim's ideation.
    A subject with nothing to take is left with none.
    """
    taken: list[str] = []
    for role, types in subjects:
        if role in OWN_TYPES_ROLES:
            taken.extend(t for t in types if t in passing and t not in taken)
    return [tuple(types) if types or role in OWN_TYPES_ROLES else tuple(taken) for role, types in subjects]
