"""The rules that watch the access log, on plain values (no database)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain.accesswatch import (
    Access,
    Reader,
    Rule,
    RuleKind,
    WorkingHours,
    evaluate,
    is_working_time,
    period_start,
)

TPE = ZoneInfo("Asia/Taipei")
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
WORKER = 7


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment of December 2026 in Taipei (the 7th is a Monday)."""
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=TPE)


def reads(
    persons: list[int], *, when: datetime.datetime, start: int = 1, record: bool = True
) -> list[Access]:
    return [
        Access(
            seq=start + i,
            at=when + datetime.timedelta(seconds=10 * i),
            user=WORKER,
            action="read",
            persons=frozenset({p}),
            record=record,
        )
        for i, p in enumerate(persons)
    ]


def rule(kind: RuleKind, threshold: int, window: datetime.timedelta = DAY) -> Rule:
    return Rule(id=1, kind=kind, threshold=threshold, window=window)


def test_it_alerts_on_more_unrelated_persons_in_a_day_than_the_threshold() -> None:
    accesses = reads(list(range(100, 121)), when=at(7, 10))  # 21 persons
    [finding] = evaluate([rule(RuleKind.UNRELATED_READS, 20)], accesses, {}, zone=TPE)
    assert finding.user == WORKER
    assert finding.count == 21
    assert finding.persons == tuple(range(100, 121))
    assert finding.first == at(7, 10)
    assert finding.key == "2026-12-07T00:00"


def test_it_does_not_count_persons_the_reader_serves() -> None:
    accesses = reads(list(range(100, 121)), when=at(7, 10))
    readers = {WORKER: Reader(WORKER, related=frozenset({100}))}
    assert evaluate([rule(RuleKind.UNRELATED_READS, 20)], accesses, readers, zone=TPE) == []


def test_it_counts_a_person_read_twice_once() -> None:
    accesses = reads([100] * 30 + list(range(101, 110)), when=at(7, 10))
    assert evaluate([rule(RuleKind.UNRELATED_READS, 10)], accesses, {}, zone=TPE) == []


def test_it_leaves_lists_out_of_unrelated_reads() -> None:
    accesses = reads(list(range(100, 130)), when=at(7, 10), record=False)
    assert evaluate([rule(RuleKind.UNRELATED_READS, 20)], accesses, {}, zone=TPE) == []


def test_it_counts_each_day_apart() -> None:
    accesses = reads(list(range(100, 115)), when=at(7, 23)) + reads(
        list(range(200, 215)), when=at(8, 1), start=50
    )
    assert evaluate([rule(RuleKind.UNRELATED_READS, 20)], accesses, {}, zone=TPE) == []


def test_it_alerts_on_any_read_of_a_protected_person_outside_fpc() -> None:
    accesses = reads([5, 6], when=at(7, 10))
    [finding] = evaluate(
        [rule(RuleKind.PROTECTED_READS, 0)], accesses, {}, protected=frozenset({6}), zone=TPE
    )
    assert (finding.count, finding.persons, finding.seqs) == (1, (6,), (2,))


def test_it_lets_fpc_and_the_serving_workers_read_a_protected_person() -> None:
    accesses = reads([6], when=at(7, 10))
    protected = frozenset({6})
    for reader in (Reader(WORKER, sees_protected=True), Reader(WORKER, related=frozenset({6}))):
        found = evaluate(
            [rule(RuleKind.PROTECTED_READS, 0)], accesses, {WORKER: reader}, protected=protected, zone=TPE
        )
        assert found == []


def test_it_alerts_on_a_protected_person_read_through_break_glass_even_in_fpc() -> None:
    glass = Access(
        seq=1, at=at(7, 10), user=WORKER, action="read", persons=frozenset({6}), record=True, flagged=True
    )
    readers = {WORKER: Reader(WORKER, related=frozenset({6}), sees_protected=True)}
    found = evaluate(
        [rule(RuleKind.PROTECTED_READS, 0)], [glass], readers, protected=frozenset({6}), zone=TPE
    )
    assert [f.persons for f in found] == [(6,)]


def test_it_alerts_on_a_burst_outside_working_hours_by_the_clock_hour() -> None:
    night = [
        Access(seq=i, at=at(7, 22, i), user=WORKER, action="export" if i % 2 else "read")
        for i in range(1, 42)
    ]
    [finding] = evaluate([rule(RuleKind.OFF_HOURS, 40, HOUR)], night, {}, zone=TPE)
    assert finding.count == 41
    assert finding.period == at(7, 22)


def test_it_does_not_count_working_hours_towards_a_burst() -> None:
    day = [Access(seq=i, at=at(7, 10, i), user=WORKER, action="read") for i in range(1, 42)]
    assert evaluate([rule(RuleKind.OFF_HOURS, 40, HOUR)], day, {}, zone=TPE) == []


def test_it_takes_weekends_and_days_off_as_outside_working_hours() -> None:
    hours = WorkingHours(days_off=frozenset({datetime.date(2026, 12, 8)}))
    assert is_working_time(at(7, 10), hours, TPE)
    assert not is_working_time(at(8, 10), hours, TPE)  # a day off
    assert not is_working_time(at(12, 10), hours, TPE)  # Saturday
    assert not is_working_time(at(7, 18), hours, TPE)
    assert not is_working_time(at(7, 7, 59), hours, TPE)


def test_it_alerts_on_the_same_person_looked_up_on_more_days_than_the_threshold() -> None:
    days = [
        Access(seq=d, at=at(d, 10), user=WORKER, action="read", persons=frozenset({9}), record=True)
        for d in (7, 9, 11)
    ]
    window = datetime.timedelta(days=28)
    [finding] = evaluate([rule(RuleKind.REPEATED_LOOKUPS, 2, window)], days, {}, zone=TPE)
    assert (finding.count, finding.persons) == (3, (9,))
    assert finding.key.endswith("/p9")
    served = {WORKER: Reader(WORKER, related=frozenset({9}))}
    assert evaluate([rule(RuleKind.REPEATED_LOOKUPS, 2, window)], days, served, zone=TPE) == []


def test_it_does_not_count_one_day_of_many_lookups_as_repeated() -> None:
    same_day = [
        Access(seq=i, at=at(7, 10, i), user=WORKER, action="read", persons=frozenset({9}), record=True)
        for i in range(10)
    ]
    assert (
        evaluate([rule(RuleKind.REPEATED_LOOKUPS, 2, datetime.timedelta(days=28))], same_day, {}, zone=TPE)
        == []
    )


def test_it_alerts_on_national_id_searches_that_found_nobody() -> None:
    searches = [
        Access(seq=i, at=at(7, 10, i), user=WORKER, action="search", id_search_empty=i != 3)
        for i in range(1, 8)
    ]
    [finding] = evaluate([rule(RuleKind.FAILED_ID_SEARCHES, 5)], searches, {}, zone=TPE)
    assert finding.count == 6
    assert 3 not in finding.seqs


def test_it_starts_periods_of_whole_days_on_a_monday() -> None:
    assert period_start(at(10, 15), datetime.timedelta(days=7), TPE) == at(7, 0)
    assert period_start(at(10, 15, 30), datetime.timedelta(minutes=30), TPE) == at(10, 15, 30)
    assert period_start(at(10, 15, 29), HOUR, TPE) == at(10, 15)


ACCESSES = st.lists(
    st.builds(
        lambda seq, minutes, user, person: Access(
            seq=seq,
            at=at(7, 0) + datetime.timedelta(minutes=minutes),
            user=user,
            action="read",
            persons=frozenset({person}),
            record=True,
        ),
        st.integers(1, 10_000),
        st.integers(0, 60 * 24 * 20),
        st.integers(1, 3),
        st.integers(1, 40),
    ),
    unique_by=lambda a: a.seq,
    max_size=120,
)
RULES = [
    Rule(1, RuleKind.UNRELATED_READS, 5, DAY),
    Rule(2, RuleKind.OFF_HOURS, 5, HOUR),
    Rule(3, RuleKind.REPEATED_LOOKUPS, 2, datetime.timedelta(days=7)),
]


@given(ACCESSES, st.randoms())
def test_it_finds_the_same_whatever_order_the_entries_come_in(accesses: list[Access], rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(accesses)
    rnd.shuffle(shuffled)
    assert evaluate(RULES, shuffled, {}, zone=TPE) == evaluate(RULES, accesses, {}, zone=TPE)


@given(ACCESSES)
def test_it_finds_only_counts_above_the_threshold_with_their_entries(accesses: list[Access]) -> None:
    thresholds = {r.id: r.threshold for r in RULES}
    by_seq = {a.seq: a for a in accesses}
    for finding in evaluate(RULES, accesses, {}, zone=TPE):
        assert finding.count > thresholds[finding.rule]
        assert finding.first <= finding.last
        assert all(by_seq[s].user == finding.user for s in finding.seqs)


@given(ACCESSES, st.integers(0, 120))
def test_it_gives_a_later_batch_the_keys_of_the_whole(accesses: list[Access], cut: int) -> None:
    """The job reads the log in batches: a period found with all entries has the key it had with part."""
    ordered = sorted(accesses, key=lambda a: a.seq)
    whole = {(f.rule, f.user, f.key) for f in evaluate(RULES, ordered, {}, zone=TPE)}
    part = {(f.rule, f.user, f.key) for f in evaluate(RULES, ordered[:cut], {}, zone=TPE)}
    assert part <= whole
