"""What-if (試算): how a rule-set version would have screened the reports of a past period.

Each report's facts are rebuilt from what was stored at receipt (its subjects' types, roles, towns, flags
and TIPVDA scores) plus the registries as they read now, and `decide` runs over them. A report counts as
changed when its set of (subject, route, priority) differs from the baseline: by default the decision
stored at receipt, or the decision of another rule set (the one in force) over the same facts.

`compare` is the other half of "what would change": the edits between two versions, in words.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.core.errors import DomainError
from safetynet.domain.triage import (
    ClockDef,
    Decision,
    FactsError,
    RegistryFacts,
    Report,
    RuleSet,
    Subject,
    decide,
)
from safetynet.intake import models
from safetynet.intake.facts import DV_TYPES, registry_facts

DEFAULT_DAYS = 90
SHOWN_CHANGES = 200


@dataclass(frozen=True)
class RouteOutcome:
    """What the comparison looks at: one route for one subject, with its priority."""

    subject: str
    route: str
    priority: int | None

    @property
    def sort_key(self) -> tuple[str, str, int]:
        return (self.subject, self.route, self.priority or 0)


@dataclass(frozen=True)
class ChangedReport:
    report_id: int
    received_at: datetime.datetime
    before: tuple[RouteOutcome, ...]
    after: tuple[RouteOutcome, ...]
    roles: tuple[tuple[str, str], ...] = ()  # (ref, role) of each subject, in report order

    @property
    def removed(self) -> frozenset[RouteOutcome]:
        return frozenset(self.before) - frozenset(self.after)

    @property
    def added(self) -> frozenset[RouteOutcome]:
        return frozenset(self.after) - frozenset(self.before)


@dataclass(frozen=True)
class WhatIf:
    rule_set: str
    against: str | None  # the baseline rule set's version; None: the decisions stored at receipt
    start: datetime.date
    end: datetime.date
    examined: int
    changed_count: int
    changed: tuple[ChangedReport, ...]  # the first `limit`, earliest first
    skipped: int = 0  # reports whose stored facts no longer make a valid report


def check_period(start: datetime.date, end: datetime.date) -> None:
    """A period is at most a year, so that one request cannot replay the whole history."""
    if end < start:
        raise DomainError(_("The end of the period cannot be before its start."), field="end")
    try:
        limit = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        limit = start.replace(year=start.year + 1, day=28) + datetime.timedelta(days=1)
    if end >= limit:
        raise DomainError(_("The period can be at most one year."), field="end")


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    end = today or timezone.localdate()
    return end - datetime.timedelta(days=DEFAULT_DAYS), end


def what_if(
    rules: RuleSet,
    start: datetime.date,
    end: datetime.date,
    *,
    against: RuleSet | None = None,
    limit: int = SHOWN_CHANGES,
) -> WhatIf:
    """Re-screen the reports received from `start` to `end` (inclusive, local dates) with `rules`."""
    check_period(start, end)
    examined = changed_count = skipped = 0
    changed: list[ChangedReport] = []
    registry = _RegistryCache()
    for report in _reports(start, end):
        try:
            facts = report_facts(report, registry)
        except FactsError:
            skipped += 1
            continue
        examined += 1
        after = _outcomes(decide(facts, rules))
        before = (
            _outcomes(decide(facts, against)) if against is not None else stored_outcomes(report.suggestion)
        )
        if frozenset(before) == frozenset(after):
            continue
        changed_count += 1
        if len(changed) < limit:
            roles = tuple((s.ref, s.role) for s in report.subjects.all())
            changed.append(ChangedReport(report.pk, report.received_at, before, after, roles))
    return WhatIf(
        rule_set=rules.version,
        against=against.version if against is not None else None,
        start=start,
        end=end,
        examined=examined,
        changed_count=changed_count,
        changed=tuple(changed),
        skipped=skipped,
    )


def _reports(start: datetime.date, end: datetime.date) -> Iterator[models.Report]:
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    after_last = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    subjects = models.ReportSubject.objects.select_related("person").order_by("id")
    return (
        models.Report.objects.filter(received_at__gte=first, received_at__lt=after_last)
        .order_by("received_at", "id")
        .prefetch_related(Prefetch("subjects", queryset=subjects))
        .iterator(chunk_size=500)
    )


class _RegistryCache:
    """Registry facts by (national ID, day): a person named in many reports of a day is read once."""

    def __init__(self) -> None:
        self.facts: dict[tuple[str, datetime.date], RegistryFacts] = {}

    def get(self, national_id: str, on: datetime.date) -> RegistryFacts:
        if not national_id:
            return RegistryFacts()
        key = (national_id, on)
        if key not in self.facts:
            self.facts[key] = registry_facts(national_id, on)
        return self.facts[key]


def report_facts(report: models.Report, registry: _RegistryCache | None = None) -> Report:
    """The engine's facts for a stored report, built as `parse_report` built them at receipt."""
    registry = registry or _RegistryCache()
    on = timezone.localtime(report.received_at).date()
    subjects = tuple(
        Subject(
            ref=s.ref,
            role=s.role,
            types=tuple(s.types),
            town=s.town_id,
            flags=frozenset(s.flags),
            tipvda_score=s.tipvda_score,
            registry=registry.get(s.person.national_id, on),
            protective_issue=bool(DV_TYPES & set(s.types)),
        )
        for s in report.subjects.all()
    )
    return Report(
        received_at=report.received_at, area=report.area_id, source=report.source, subjects=subjects
    )


def _outcomes(decision: Decision) -> tuple[RouteOutcome, ...]:
    found = {RouteOutcome(r.subject, r.route, r.priority) for r in decision.routes}
    return tuple(sorted(found, key=lambda o: o.sort_key))


def stored_outcomes(suggestion: Any) -> tuple[RouteOutcome, ...]:
    """The outcomes of a decision as stored (`Decision.to_json`); tolerant of a malformed document."""
    routes = suggestion.get("routes", []) if isinstance(suggestion, dict) else []
    found = {
        RouteOutcome(str(r.get("subject", "")), str(r.get("route", "")), r.get("priority"))
        for r in routes
        if isinstance(r, dict)
    }
    return tuple(sorted(found, key=lambda o: o.sort_key))


# --- the edits between two versions -----------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    key: str  # the parameter, clock or rule id
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class RuleSetDiff:
    parameters: tuple[Change, ...]
    clocks: tuple[Change, ...]
    rules: tuple[Change, ...]
    sections: tuple[str, ...]  # other parts of the document that differ (edited as JSON)

    def __bool__(self) -> bool:
        return bool(self.parameters or self.clocks or self.rules or self.sections)


OTHER_SECTIONS = (
    "description",
    "timezone",
    "codes",
    "conditions",
    "screening_clock",
    "no_case",
    "attach_to_open_case",
)


def parameter_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def clock_span(clock: ClockDef | None) -> str:
    if clock is None:
        return "—"
    starts = {
        "receipt": _("from receipt"),
        "screening_due": _("from the screening due time"),
        "dispatch": _("from dispatch"),
    }
    if clock.hours is not None:
        span = _("%(n)s hours") % {"n": clock.hours}
    else:
        span = _("%(n)s days") % {"n": clock.days}
    return _("%(span)s (%(start)s)") % {"span": span, "start": starts.get(clock.start, clock.start)}


def compare(before: RuleSet, after: RuleSet) -> RuleSetDiff:
    """What `after` changes against `before`: parameters, clocks, rules' switches and reasons, the rest."""
    parameters = tuple(
        Change(
            name,
            name,
            parameter_text(before.parameters.get(name)),
            parameter_text(after.parameters.get(name)),
        )
        for name in _keys(before.parameters, after.parameters)
        if before.parameters.get(name) != after.parameters.get(name)
    )
    clocks = tuple(
        Change(
            name,
            (after.clocks.get(name) or before.clocks[name]).label,
            clock_span(before.clocks.get(name)),
            clock_span(after.clocks.get(name)),
        )
        for name in _keys(before.clocks, after.clocks)
        if before.clocks.get(name) != after.clocks.get(name)
    )
    old_doc, new_doc = before.to_dict(), after.to_dict()
    sections = tuple(key for key in OTHER_SECTIONS if old_doc.get(key) != new_doc.get(key))
    return RuleSetDiff(parameters, clocks, _rule_changes(before, after), sections)


def _keys(first: dict[str, Any], second: dict[str, Any]) -> list[str]:
    return [*first, *(k for k in second if k not in first)]


def _rule_changes(before: RuleSet, after: RuleSet) -> tuple[Change, ...]:
    old = {rule.id: rule for rule in before.rules}
    new_ids = {rule.id for rule in after.rules}
    on_off = {True: _("On"), False: _("Off")}
    changes: list[Change] = []
    for rule in after.rules:
        was = old.get(rule.id)
        if was is None:
            changes.append(Change(rule.id, rule.title, "—", _("New rule")))
            continue
        if was.enabled != rule.enabled:
            changes.append(Change(rule.id, rule.title, on_off[was.enabled], on_off[rule.enabled]))
        if was.reason != rule.reason:
            changes.append(
                Change(rule.id, _("%(title)s: reason") % {"title": rule.title}, was.reason, rule.reason)
            )
        rest = (was.title, was.when, was.then, was.exclusive_group, was.stop)
        if rest != (rule.title, rule.when, rule.then, rule.exclusive_group, rule.stop):
            changes.append(
                Change(
                    rule.id,
                    rule.title,
                    _("(the earlier conditions or outcome)"),
                    _("Conditions or outcome changed"),
                )
            )
    changes.extend(Change(r.id, r.title, r.title, _("Deleted")) for r in before.rules if r.id not in new_ids)
    old_order = [r.id for r in before.rules if r.id in new_ids]
    if old_order != [r.id for r in after.rules if r.id in old]:
        changes.append(Change("", _("Order of the rules"), _("Earlier order"), _("Reordered")))
    return tuple(changes)
