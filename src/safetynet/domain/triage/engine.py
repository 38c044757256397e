"""The screening decision (篩派): a report and a rule set in, routes, priorities and clocks out.

`decide` is deterministic: no I/O and no clock reads; the only time it knows is the report's receipt.
For each subject in turn it walks the rules in document order (see `ruleset` for the format), then:

- routes to the no-case code (NONE) are dropped when the subject has any other route; a subject with no
  route at all gets the rule set's `no_case` outcome and its reason, so every subject is accounted for;
- a route the subject already has open (and that `attach_to_open_case` lists) is marked as a re-report
  (續報) for that case. It keeps its priority and clocks: a re-report of danger still needs the visit.

Clocks are computed in the rule set's time zone. Clocks that count from dispatch or the end of screening
use the screening clock's due time: the engine runs at screening, so that is the latest dispatch can be.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from safetynet.domain.triage.facts import Report, Subject
from safetynet.domain.triage.ruleset import ClockDef, Condition, Rule, RuleSet

__all__ = ["Clock", "Decision", "RouteDecision", "decide", "manual_route"]

_UTC = datetime.UTC
_REASON_SEPARATOR = "；"


@dataclass(frozen=True)
class Clock:
    name: str
    due: datetime.datetime

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "due": self.due.isoformat()}


@dataclass(frozen=True)
class RouteDecision:
    """One route for one subject. `rules` are the ids of the rules that produced or shaped it."""

    route: str
    subject: str
    priority: int | None
    grade: str | None
    classification: str | None
    clocks: tuple[Clock, ...]
    attach_to_open_case: bool
    reason: str
    rules: tuple[str, ...]
    lists: tuple[str, ...] = ()

    def clock(self, name: str) -> Clock | None:
        return next((c for c in self.clocks if c.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "route": self.route,
            "subject": self.subject,
            "priority": self.priority,
            "clocks": [clock.to_json() for clock in self.clocks],
            "grade": self.grade,
            "classification": self.classification,
            "lists": list(self.lists),
            "attach_to_open_case": self.attach_to_open_case,
            "reason": self.reason,
            "rules": list(self.rules),
        }


@dataclass(frozen=True)
class Decision:
    """The suggested outcome of screening. `reasons[i]` is the reason of rule `fired[i]`."""

    rule_set: str
    routes: tuple[RouteDecision, ...]
    fired: tuple[str, ...]
    reasons: tuple[str, ...]
    screening_due: datetime.datetime

    def for_subject(self, ref: str) -> tuple[RouteDecision, ...]:
        return tuple(r for r in self.routes if r.subject == ref)

    def to_json(self) -> dict[str, Any]:
        """The `safetynet triage` contract."""
        return {
            "rule_set": self.rule_set,
            "routes": [route.to_json() for route in self.routes],
            "fired": list(self.fired),
            "reasons": list(self.reasons),
        }


@dataclass
class _Draft:
    """A route being built for one subject while rules fire."""

    route: str
    priority: int | None = None
    grade: str | None = None
    classification: str | None = None
    clocks: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)

    def add(self, rule: Rule) -> None:
        then = rule.then
        if then.priority is not None:
            self.priority = then.priority if self.priority is None else min(self.priority, then.priority)
        self.grade = self.grade or then.grade
        self.classification = self.classification or then.classification
        _extend(self.clocks, then.clocks)
        _extend(self.lists, then.lists)
        _extend(self.reasons, (rule.reason,))
        self.rules.append(rule.id)


@dataclass(frozen=True)
class _Context:
    rules: RuleSet
    report: Report
    report_types: frozenset[str]
    received_on: datetime.date
    subject: Subject
    routed: dict[str, _Draft]


def decide(report: Report, rules: RuleSet) -> Decision:
    zone = rules.zone
    received = report.received_at.astimezone(zone)
    report_types = report.types
    no_case, attach = rules.no_case, rules.attach_to_open_case
    routes: list[RouteDecision] = []
    fired: dict[str, str] = {}  # rule id → reason, in the order first fired
    for subject in report.subjects:
        context = _Context(rules, report, report_types, received.date(), subject, {})
        drafts = context.routed
        for rule in _apply_rules(context):
            if rule.then.route in drafts:
                fired.setdefault(rule.id, rule.reason)
        if not drafts:
            drafts[no_case.route] = _Draft(no_case.route, reasons=[no_case.reason], rules=[no_case.id])
            fired.setdefault(no_case.id, no_case.reason)
        for draft in drafts.values():
            attached = False
            if attach is not None and draft.route in attach.routes and draft.route in subject.open_routes:
                attached = True
                draft.reasons.insert(0, attach.reason)
                draft.rules.append(attach.id)
                fired.setdefault(attach.id, attach.reason)
            clocks: tuple[Clock, ...] = ()
            if draft.route != no_case.route:
                names = _unique([rules.screening_clock, *draft.clocks])
                clocks = tuple(Clock(name, _due(rules, name, received, zone)) for name in names)
            routes.append(
                RouteDecision(
                    route=draft.route,
                    subject=subject.ref,
                    priority=draft.priority,
                    grade=draft.grade,
                    classification=draft.classification,
                    clocks=clocks,
                    attach_to_open_case=attached,
                    reason=_REASON_SEPARATOR.join(draft.reasons),
                    rules=tuple(draft.rules),
                    lists=tuple(draft.lists),
                )
            )
    return Decision(
        rule_set=rules.version,
        routes=tuple(routes),
        fired=tuple(fired),
        reasons=tuple(fired.values()),
        screening_due=_due(rules, rules.screening_clock, received, zone),
    )


def manual_route(
    rules: RuleSet,
    *,
    route: str,
    subject: str,
    priority: int | None,
    received_at: datetime.datetime,
    reason: str,
) -> RouteDecision:
    """A route a screener chose against the suggestion. Its clocks are those of the first rule that routes
    there with the same priority, so an added 第1級 FPC route runs the 24-hour visit clock all the same."""
    zone = rules.zone
    received = received_at.astimezone(zone)
    clocks: list[str] = []
    if route != rules.no_case.route:
        clocks.append(rules.screening_clock)
        template = next(
            (
                r
                for r in rules.rules
                if r.then.route == route and r.then.priority == priority and r.then.clocks
            ),
            None,
        )
        if template is not None:
            _extend(clocks, template.then.clocks)
    return RouteDecision(
        route=route,
        subject=subject,
        priority=priority,
        grade=None,
        classification=None,
        clocks=tuple(Clock(name, _due(rules, name, received, zone)) for name in clocks),
        attach_to_open_case=False,
        reason=reason,
        rules=(),
    )


def _apply_rules(ctx: _Context) -> list[Rule]:
    """Fire the rules for the context's subject into `ctx.routed`; returns the rules fired, in order.

    A no-case outcome (a rule routing to the no-case code) only stands if nothing else routes the subject.
    """
    drafts, no_case_route = ctx.routed, ctx.rules.no_case.route
    fired: list[Rule] = []
    groups: set[str] = set()
    for rule in ctx.rules.rules:
        if not rule.enabled or (rule.exclusive_group is not None and rule.exclusive_group in groups):
            continue
        if not _holds(rule.when, ctx):
            continue
        drafts.setdefault(rule.then.route, _Draft(rule.then.route)).add(rule)
        fired.append(rule)
        if rule.exclusive_group is not None:
            groups.add(rule.exclusive_group)
        if rule.stop:
            break
    if any(route != no_case_route for route in drafts):
        drafts.pop(no_case_route, None)
    return fired


def _holds(c: Condition, ctx: _Context) -> bool:
    """Does the condition hold for the context's subject? Every key given must hold."""
    s, rules = ctx.subject, ctx.rules
    codes, flags = rules.codes_arg, s.flags
    tests: list[bool] = []
    if c.types_any is not None:
        tests.append(_any(s.types, codes(c.types_any)))
    if c.report_types_any is not None:
        tests.append(_any(ctx.report_types, codes(c.report_types_any)))
    if c.role_in is not None:
        tests.append(s.role in codes(c.role_in))
    if c.flags_any is not None:
        tests.append(any(_has_flag(flags, p) for p in codes(c.flags_any)))
    if c.flags_all is not None:
        tests.append(all(_has_flag(flags, p) for p in codes(c.flags_all)))
    if c.flags_none is not None:
        tests.append(not any(_has_flag(flags, p) for p in codes(c.flags_none)))
    if c.source_in is not None:
        tests.append(ctx.report.source in codes(c.source_in))
    if c.open_routes_any is not None:
        tests.append(_any(s.open_routes, codes(c.open_routes_any)))
    if c.routed_any is not None:
        tests.append(_any(ctx.routed.keys(), codes(c.routed_any)))
    if c.outside_area is not None:
        tests.append(_outside_area(s, ctx.report) is c.outside_area)
    if c.protective_issue is not None:
        tests.append(s.protective_issue is c.protective_issue)
    if c.drug_registry is not None:
        tests.append(s.registry.drug is c.drug_registry)
    if c.court_ordered_treatment is not None:
        tests.append(s.registry.court_ordered_treatment is c.court_ordered_treatment)
    if c.tipvda_at_least is not None:
        tests.append(s.tipvda_score is not None and s.tipvda_score >= rules.int_arg(c.tipvda_at_least))
    if c.suicide_within_days is not None:
        tests.append(_suicide_within(s, ctx.received_on, rules.int_arg(c.suicide_within_days)))
    if c.psychiatric_level_in is not None:
        tests.append(s.registry.psychiatric_level in rules.ints_arg(c.psychiatric_level_in))
    if not all(tests):
        return False
    # Combinators last, so that cheap tests settle most rules first.
    if c.any_of is not None and not any(_holds(inner, ctx) for inner in c.any_of):
        return False
    if c.not_ is not None and _holds(c.not_, ctx):
        return False
    return c.use is None or all(_holds(rules.conditions[name], ctx) for name in c.use)


def _any(have: Collection[str], wanted: tuple[str, ...]) -> bool:
    return any(code in have for code in wanted)


def _has_flag(flags: frozenset[str], pattern: str) -> bool:
    if pattern.endswith("*"):
        return any(flag.startswith(pattern[:-1]) for flag in flags)
    return pattern in flags


def _outside_area(subject: Subject, report: Report) -> bool:
    """Known to live in another county; an unknown town counts as this county's until shown otherwise."""
    return subject.town is not None and subject.town[:5] != report.area


def _suicide_within(subject: Subject, received_on: datetime.date, days: int) -> bool:
    first = received_on - datetime.timedelta(days=days)
    return any(first <= day <= received_on for day in subject.registry.suicide_report_dates)


def _due(rules: RuleSet, name: str, received: datetime.datetime, zone: ZoneInfo) -> datetime.datetime:
    clock = rules.clocks[name]
    start = received
    if clock.start != "receipt":
        start = _add(received, rules.clocks[rules.screening_clock], zone)
    return _add(start, clock, zone)


def _add(start: datetime.datetime, clock: ClockDef, zone: ZoneInfo) -> datetime.datetime:
    """Hours are elapsed time; days are calendar days at the same wall-clock time in the zone."""
    if clock.hours is not None:
        return (start.astimezone(_UTC) + datetime.timedelta(hours=clock.hours)).astimezone(zone)
    # Adding to an aware datetime moves its wall clock; the round trip resolves a time a DST change skips.
    local = start.astimezone(zone) + datetime.timedelta(days=clock.days or 0)
    return local.astimezone(_UTC).astimezone(zone)


def _extend(items: list[str], more: tuple[str, ...]) -> None:
    items.extend(item for item in more if item not in items)


def _unique(items: list[str]) -> list[str]:
    out: list[str] = []
    _extend(out, tuple(items))
    return out
