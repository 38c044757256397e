"""Alerts on abuse of access: which runs of the access log a rule finds unusual.

Pure: the caller passes the log's entries as `Access` values, what it knows of each reader (`Reader`:
the persons they have a case, report or referral with, whether their unit may see sexual-assault
victims), the persons who are sexual-assault victims, the rules (thresholds and windows as data), the
time zone, the working hours and the days off. Nothing here reads a database or a clock.

Every rule counts something per reader in a period of its window's length, and finds the periods
where the count is above the rule's threshold:

- `unrelated_reads`: distinct persons whose record the reader opened with no case, report or
  referral of theirs (a window of one day is each calendar day);
- `protected_reads`: every showing of a sexual-assault victim — a record, a list, a search, an export —
  to someone outside the 家防中心 who does not serve them, and every one through a break-glass opening;
- `off_hours`: reads, searches and exports outside working hours (weekends and days off included),
  in each window (a window of 60 minutes is each clock hour);
- `repeated_lookups`: the days on which the reader opened the same person's record with no case,
  per person (so each person is an alert of their own);
- `failed_id_searches`: searches by national ID that found nobody.

Periods are fixed — days from a Monday, each clock hour for a 60-minute window — so the same entries
always fall in the same period and a job that reads the log a little at a time finds the same alert
again instead of another one.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

__all__ = [
    "Access",
    "Finding",
    "Reader",
    "Rule",
    "RuleKind",
    "WorkingHours",
    "evaluate",
    "is_working_time",
    "period_start",
]


class RuleKind(StrEnum):
    UNRELATED_READS = "unrelated_reads"
    PROTECTED_READS = "protected_reads"
    OFF_HOURS = "off_hours"
    REPEATED_LOOKUPS = "repeated_lookups"
    FAILED_ID_SEARCHES = "failed_id_searches"


# What the log's actions mean to the watch.
READ, SEARCH, EXPORT = "read", "search", "export"
SHOWING = frozenset({READ, SEARCH, EXPORT})

# Periods are counted from a Monday, so a 7-day window is a calendar week.
EPOCH = datetime.date(2001, 1, 1)


@dataclass(frozen=True)
class Access:
    """One entry of the access log as the watch sees it.

    `record`: a single record was opened (a person's, case's, household's, report's or referral's
    page), as opposed to a list naming persons. `id_search_empty`: a search by national ID that found
    nobody. `flagged`: a read through a break-glass opening."""

    seq: int
    at: datetime.datetime  # aware
    user: int
    action: str
    persons: frozenset[int] = frozenset()
    record: bool = False
    flagged: bool = False
    id_search_empty: bool = False


@dataclass(frozen=True)
class Reader:
    """A reader's standing: the persons their own work gives them, and whether their unit (家防中心)
    serves sexual-assault victims."""

    user: int
    related: frozenset[int] = frozenset()
    sees_protected: bool = False


@dataclass(frozen=True)
class Rule:
    id: int
    kind: RuleKind
    threshold: int
    window: datetime.timedelta


@dataclass(frozen=True)
class WorkingHours:
    starts: datetime.time = datetime.time(8, 0)
    ends: datetime.time = datetime.time(18, 0)
    days_off: frozenset[datetime.date] = frozenset()


@dataclass(frozen=True)
class Finding:
    """A period in which a reader's count went above a rule's threshold.

    `key` names the period (and the person, for `repeated_lookups`): the same entries always give the
    same key. `seqs`: the entries behind it; `persons`: whom they were about."""

    rule: int
    user: int
    key: str
    period: datetime.datetime
    count: int
    first: datetime.datetime
    last: datetime.datetime
    seqs: tuple[int, ...]
    persons: tuple[int, ...]


def period_start(at: datetime.datetime, window: datetime.timedelta, zone: ZoneInfo) -> datetime.datetime:
    """The start of the fixed period of `window` that holds `at`, in `zone`: days from a Monday for
    whole days, else slices of the day from midnight (60 minutes: each clock hour)."""
    local = at.astimezone(zone)
    seconds = max(int(window.total_seconds()), 60)
    if seconds % 86400 == 0:
        days = seconds // 86400
        start = EPOCH + datetime.timedelta(days=((local.date() - EPOCH).days // days) * days)
        return datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    midnight = datetime.datetime.combine(local.date(), datetime.time.min, tzinfo=zone)
    into_day = int((local.replace(tzinfo=None) - midnight.replace(tzinfo=None)).total_seconds())
    return midnight + datetime.timedelta(seconds=(into_day // seconds) * seconds)


def is_working_time(at: datetime.datetime, hours: WorkingHours, zone: ZoneInfo) -> bool:
    """Monday to Friday, not a day off, from `starts` to before `ends`."""
    local = at.astimezone(zone)
    if local.weekday() >= 5 or local.date() in hours.days_off:
        return False
    return hours.starts <= local.time() < hours.ends


def _key(period: datetime.datetime, extra: str = "") -> str:
    text = period.strftime("%Y-%m-%dT%H:%M")
    return f"{text}/{extra}" if extra else text


@dataclass
class _Tally:
    items: set[object]
    accesses: list[Access]
    persons: set[int]


def _tallies(
    rule: Rule,
    accesses: Iterable[Access],
    readers: dict[int, Reader],
    protected: frozenset[int],
    hours: WorkingHours,
    zone: ZoneInfo,
) -> dict[tuple[int, str, datetime.datetime], _Tally]:
    """What the rule counts, per reader and period: {(user, key, period): tally}."""
    tallies: dict[tuple[int, str, datetime.datetime], _Tally] = defaultdict(lambda: _Tally(set(), [], set()))

    def add(access: Access, item: object, persons: Iterable[int], extra: str = "") -> None:
        period = period_start(access.at, rule.window, zone)
        tally = tallies[(access.user, _key(period, extra), period)]
        tally.items.add(item)
        if not tally.accesses or tally.accesses[-1].seq != access.seq:
            tally.accesses.append(access)
        tally.persons.update(persons)

    for access in accesses:
        reader = readers.get(access.user, Reader(access.user))
        unrelated = sorted(access.persons - reader.related)
        if rule.kind == RuleKind.UNRELATED_READS:
            if access.action == READ and access.record:
                for person in unrelated:
                    add(access, person, [person])
        elif rule.kind == RuleKind.PROTECTED_READS:
            if access.action in SHOWING:
                shown = access.persons & protected
                # A break-glass read is outside the reader's work whatever their unit.
                if access.flagged:
                    watched = sorted(shown)
                elif reader.sees_protected:
                    watched = []
                else:
                    watched = sorted(shown - reader.related)
                if watched:
                    add(access, access.seq, watched)
        elif rule.kind == RuleKind.OFF_HOURS:
            if access.action in SHOWING and not is_working_time(access.at, hours, zone):
                add(access, access.seq, access.persons)
        elif rule.kind == RuleKind.REPEATED_LOOKUPS:
            if access.action == READ and access.record:
                day = access.at.astimezone(zone).date()
                for person in unrelated:
                    add(access, day, [person], extra=f"p{person}")
        elif rule.kind == RuleKind.FAILED_ID_SEARCHES and access.action == SEARCH and access.id_search_empty:
            add(access, access.seq, [])
    return tallies


def evaluate(
    rules: Sequence[Rule],
    accesses: Sequence[Access],
    readers: dict[int, Reader],
    *,
    protected: frozenset[int] = frozenset(),
    hours: WorkingHours | None = None,
    zone: ZoneInfo,
) -> list[Finding]:
    """Every period in which a reader's count under a rule is above the rule's threshold, in the order
    of the rules, then of the periods' first entries."""
    ordered = sorted(accesses, key=lambda a: a.seq)
    findings: list[Finding] = []
    for rule in rules:
        tallies = _tallies(rule, ordered, readers, protected, hours or WorkingHours(), zone)
        found = [
            Finding(
                rule=rule.id,
                user=user,
                key=key,
                period=period,
                count=len(tally.items),
                first=min(a.at for a in tally.accesses),
                last=max(a.at for a in tally.accesses),
                seqs=tuple(a.seq for a in tally.accesses),
                persons=tuple(sorted(tally.persons)),
            )
            for (user, key, period), tally in tallies.items()
            if len(tally.items) > rule.threshold
        ]
        findings += sorted(found, key=lambda f: f.seqs[0])
    return findings
