"""Reading the access log for the watch: the entries written since the last run, what the rules need to
know of their readers, and the findings of `safetynet.domain.accesswatch` over them.

Incremental: `scan(after=seq)` reads the entries after `after` (up to `limit`), and of the readers in
them only their entries of the rules' current periods (a day, an hour, 28 days for repeated look-ups),
so that a count that crosses its threshold over several runs is found whole. A finding is kept only
when one of the new entries is behind it; the caller (`services.raise_alerts`) writes the alerts.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from safetynet.audit.models import Action, AlertKind, AlertRule, AuditEntry
from safetynet.domain import accesswatch as watch
from safetynet.domain.accesswatch import Access, Finding, Reader

# The pages of one record; a list naming persons carries `listed` in its detail.
RECORD_TYPES = frozenset(
    {"people.person", "people.household", "cases.case", "intake.report", "referrals.referral"}
)
WATCHED_ACTIONS = (Action.READ, Action.SEARCH, Action.EXPORT)
BATCH = 5000


@dataclass(frozen=True)
class Scan:
    """What one pass found: the findings with a new entry behind them, the last entry read, and the
    ids of the entries behind the findings (by sequence number)."""

    findings: list[Finding]
    last_seq: int
    read: int
    entry_ids: dict[int, int]


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def rules() -> list[AlertRule]:
    return list(AlertRule.objects.filter(active=True).order_by("id"))


def access_of(entry: AuditEntry) -> Access:
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    return Access(
        seq=entry.seq,
        at=entry.at,
        user=entry.user_id or 0,
        action=str(entry.action),
        persons=frozenset(entry.subject_ids),
        record=entry.object_type in RECORD_TYPES and bool(entry.object_id) and "listed" not in detail,
        flagged=entry.flagged,
        id_search_empty=(
            entry.action == Action.SEARCH and detail.get("by") == "national_id" and detail.get("results") == 0
        ),
    )


def _watched(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Reads, searches and exports by an account; not the audit pages' own (an alert, who read a file),
    which show the persons an alert is about to those who review it."""
    return [
        e
        for e in entries
        if e.user_id is not None and e.action in WATCHED_ACTIONS and not e.object_type.startswith("audit.")
    ]


def related_persons(user_id: int, candidates: set[int]) -> frozenset[int]:
    """Of `candidates`, the persons the reader's own work gives them: a person of a case they serve
    (a supervisor: their unit's), a member of that person's household, a subject of that case's reports;
    for the screening desk a subject of a report of its county; for a partner a person referred to it.
    A case opened by break-glass gives nobody."""
    from safetynet.cases.models import Case
    from safetynet.core.access import cases_in_scope
    from safetynet.intake.models import ReportSubject
    from safetynet.org.models import AccessKind, Staff, UnitKind
    from safetynet.people.models import HouseholdMember
    from safetynet.referrals.models import Referral

    staff = Staff.objects.select_related("role", "unit").filter(user_id=user_id).first()
    if staff is None or not candidates:
        return frozenset()
    found: set[int] = set()
    if staff.role.kind in (AccessKind.CASEWORKER, AccessKind.SUPERVISOR):
        cases = cases_in_scope(staff)
        served = Case.objects.filter(pk__in=cases.values("pk")).values("person_id")
        found |= set(
            Case.objects.filter(pk__in=cases.values("pk"), person_id__in=candidates).values_list(
                "person_id", flat=True
            )
        )
        households = HouseholdMember.objects.filter(person_id__in=served).values("household_id")
        found |= set(
            HouseholdMember.objects.filter(household_id__in=households, person_id__in=candidates).values_list(
                "person_id", flat=True
            )
        )
        found |= set(
            ReportSubject.objects.filter(
                report__case_links__case__in=cases.values("pk"), person_id__in=candidates
            ).values_list("person_id", flat=True)
        )
    if staff.unit.kind == UnitKind.SCREENING:
        found |= set(
            ReportSubject.objects.filter(
                report__area_id=staff.unit.county_id, person_id__in=candidates
            ).values_list("person_id", flat=True)
        )
    if staff.role.kind == AccessKind.PARTNER:
        found |= set(
            Referral.objects.sent()
            .filter(organization__unit_id=staff.unit_id, case__person_id__in=candidates)
            .values_list("case__person_id", flat=True)
        )
    return frozenset(found)


def sees_protected(user_ids: Iterable[int]) -> set[int]:
    """Readers whose unit serves sexual-assault victims (家防中心)."""
    from safetynet.org.models import Staff, UnitKind

    return set(
        Staff.objects.filter(user_id__in=list(user_ids), unit__kind=UnitKind.FPC).values_list(
            "user_id", flat=True
        )
    )


def protected_among(persons: set[int]) -> frozenset[int]:
    from safetynet.core.access import protected_person_ids

    if not persons:
        return frozenset()
    return frozenset(protected_person_ids().filter(person_id__in=persons).values_list("person_id", flat=True))


def working_hours(active: list[AlertRule], since: datetime.date) -> watch.WorkingHours:
    from safetynet.referrals.models import Holiday

    days_off = frozenset(Holiday.objects.filter(date__gte=since).values_list("date", flat=True))
    off_hours = next((r for r in active if r.kind == AlertKind.OFF_HOURS), None)
    if off_hours is None:
        return watch.WorkingHours(days_off=days_off)
    return watch.WorkingHours(starts=off_hours.day_starts, ends=off_hours.day_ends, days_off=days_off)


def domain_rule(rule: AlertRule) -> watch.Rule:
    return watch.Rule(
        id=rule.pk, kind=watch.RuleKind(rule.kind), threshold=rule.threshold, window=rule.window_delta
    )


def scan(after: int, *, limit: int = BATCH) -> Scan:
    """The findings that the entries after `after` (at most `limit` of them) take part in."""
    # Only what decides whether to look further: most entries (changes, sign-ins) are not watched.
    fresh = list(
        AuditEntry.objects.filter(seq__gt=after)
        .order_by("seq")
        .values_list("seq", "user_id", "action", "at")[:limit]
    )
    if not fresh:
        return Scan([], after, 0, {})
    last_seq = fresh[-1][0]
    active = rules()
    new = [(at, user) for _seq, user, action, at in fresh if user is not None and action in WATCHED_ACTIONS]
    if not new or not active:
        return Scan([], last_seq, len(fresh), {})
    tz = zone()
    earliest = min(at for at, _user in new)
    since = min(watch.period_start(earliest, r.window_delta, tz) for r in active)
    users = {user for _at, user in new}
    history = _watched(
        AuditEntry.objects.filter(
            user_id__in=users, at__gte=since, seq__lte=last_seq, action__in=WATCHED_ACTIONS
        ).order_by("seq")
    )
    accesses = [access_of(e) for e in history]
    persons_by_user: dict[int, set[int]] = defaultdict(set)
    for access in accesses:
        persons_by_user[access.user] |= access.persons
    fpc = sees_protected(users)
    readers = {
        user: Reader(user, related=related_persons(user, persons_by_user[user]), sees_protected=user in fpc)
        for user in users
    }
    everyone = set().union(*persons_by_user.values()) if persons_by_user else set()
    findings = watch.evaluate(
        [domain_rule(r) for r in active],
        accesses,
        readers,
        protected=protected_among(everyone),
        hours=working_hours(active, since.date()),
        zone=tz,
    )
    findings = [f for f in findings if f.seqs[-1] > after]
    return Scan(findings, last_seq, len(fresh), {e.seq: e.pk for e in history})


def entries_of_person(person_id: int) -> Q:
    """The log's entries about a person (a record of theirs, a list or search that showed them)."""
    return Q(subjects__contains=f"|{person_id}|")
