"""Screening rule sets (篩派規則): a versioned JSON document that the engine interprets.

Nothing about screening is in code: code lists, thresholds, clocks, routes and the rules themselves are in
the document, which an administrator drafts and publishes as a new version. `RuleSet.from_dict` checks the
whole document and raises `RuleSetError` listing every problem with its JSON path
("rules[3].when.types_any[0]: unknown report type 'XX'"); `to_dict` gives the document back.

Document
--------
``version``, ``name``, optional ``description``; ``timezone`` (IANA name: clocks count calendar time there).

``codes``: ``types``, ``routes``, ``sources``, ``flags``, ``roles``, ``lists`` (high-risk lists), each an
object code → zh-Hant label. Roles can only be labelled, not invented: the report model fixes them.

``parameters``: name → whole number, or list of whole numbers, or list of codes. Wherever a rule takes a
number or a list, it may name a parameter instead (``"tipvda_at_least": "tipvda_high"``).

``clocks``: name → ``{"label", "hours" | "days", "from", "note"?}``. ``from`` is ``receipt`` or
``screening_due`` (the screening clock's due time; ``dispatch`` means the same, because the engine runs at
screening and dispatch is due by then). Hours are elapsed time; days are calendar days, same wall-clock
time. ``screening_clock`` names the clock that gives the decision's screening due time; it starts at
receipt and every route except a no-case outcome carries it first.

``conditions``: name → condition, reusable in rules through ``use``.

``rules``: a list, evaluated in order for each subject. A rule is ``{"id", "title", "when", "then",
"reason", "exclusive_group"?, "stop"?, "enabled"?}``. ``then`` is ``{"route", "priority"?, "grade"?,
"classification"?, "clocks"?, "lists"?}``. When several rules give a subject the same route they merge:
the lowest priority number, the first grade and classification, every clock, list and reason.
``exclusive_group``: once a rule of the group fired for a subject, later rules of the group are skipped
(first match wins, which expresses "instead of"). ``stop``: no later rule is evaluated for that subject.
``enabled: false`` keeps a rule in the document without using it.

``no_case``: ``{"id", "route", "reason"}``: the outcome for a subject no rule routes. A rule may route to
the same code (with a more precise reason); such an outcome is dropped if the subject has another route,
and takes no priority, clocks or lists.

``attach_to_open_case`` (optional): ``{"id", "reason", "routes"}``: a route in this list that already
serves the subject in an open case becomes a re-report (續報) attached to that case instead of a new one.

Conditions (all keys of one object must hold; an empty object always holds)
---------------------------------------------------------------------------
The subject:   ``types_any``, ``role_in``, ``flags_any``, ``flags_all``, ``flags_none`` (a flag may end in
``*`` to match a family, ``"vulnerability:*"``), ``outside_area`` (town known and in another county),
``tipvda_at_least``, ``psychiatric_level_in``, ``suicide_within_days`` (a suicide report in the N days up
to the day of receipt), ``drug_registry``, ``court_ordered_treatment`` (registry fact),
``protective_issue`` (the intake layer's finding), ``open_routes_any``.
The report:    ``report_types_any`` (any subject of the report), ``source_in``.
So far:        ``routed_any`` (an earlier rule gave this subject one of these routes).
Combinators:   ``any_of`` (list of conditions), ``not`` (a condition), ``use`` (list of named conditions).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal
from zoneinfo import ZoneInfo

__all__ = [
    "ClockDef",
    "Codes",
    "Condition",
    "NoCase",
    "OpenCaseAttach",
    "Outcome",
    "Rule",
    "RuleSet",
    "RuleSetError",
    "default_rule_set",
]

CodeKind = Literal["types", "routes", "sources", "flags", "roles", "lists"]
CODE_KINDS: tuple[CodeKind, ...] = ("types", "routes", "sources", "flags", "roles", "lists")
NOUNS: dict[CodeKind, str] = {
    "types": "report type",
    "routes": "route",
    "sources": "source",
    "flags": "flag",
    "roles": "role",
    "lists": "list",
}
CLOCK_STARTS = ("receipt", "screening_due", "dispatch")

# A list argument is either the list itself or the name of a parameter holding it.
CodesArg = tuple[str, ...] | str
IntArg = int | str
IntsArg = tuple[int, ...] | str
ParameterValue = int | tuple[int, ...] | tuple[str, ...]

Problem = tuple[str, str]


class RuleSetError(ValueError):
    """The document is not a valid rule set; `problems` holds (JSON path, message) pairs."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


@dataclass(frozen=True)
class Codes:
    """Code lists, each code → zh-Hant label. Read-only by convention: build a new rule set to change them."""

    types: dict[str, str]
    routes: dict[str, str]
    sources: dict[str, str]
    flags: dict[str, str]
    roles: dict[str, str]
    lists: dict[str, str]

    def of(self, kind: CodeKind) -> dict[str, str]:
        return {
            "types": self.types,
            "routes": self.routes,
            "sources": self.sources,
            "flags": self.flags,
            "roles": self.roles,
            "lists": self.lists,
        }[kind]


@dataclass(frozen=True)
class ClockDef:
    label: str
    hours: int | None = None
    days: int | None = None
    start: str = "receipt"
    note: str | None = None


@dataclass(frozen=True)
class Condition:
    """A test on one subject of a report. None means "not tested"; see the module docstring for each key."""

    types_any: CodesArg | None = None
    report_types_any: CodesArg | None = None
    role_in: CodesArg | None = None
    flags_any: CodesArg | None = None
    flags_all: CodesArg | None = None
    flags_none: CodesArg | None = None
    source_in: CodesArg | None = None
    open_routes_any: CodesArg | None = None
    routed_any: CodesArg | None = None
    outside_area: bool | None = None
    protective_issue: bool | None = None
    drug_registry: bool | None = None
    court_ordered_treatment: bool | None = None
    tipvda_at_least: IntArg | None = None
    suicide_within_days: IntArg | None = None
    psychiatric_level_in: IntsArg | None = None
    any_of: tuple[Condition, ...] | None = None
    not_: Condition | None = None
    use: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Term:
    """How one condition key is written: its kind, and for numbers their allowed range."""

    kind: Literal["codes", "bool", "int", "ints", "any_of", "not", "use"]
    codes: CodeKind | None = None
    low: int = 0
    high: int | None = None


# JSON key → how it is parsed. The dataclass field has the same name, except "not" (a keyword).
TERMS: dict[str, Term] = {
    "types_any": Term("codes", "types"),
    "report_types_any": Term("codes", "types"),
    "role_in": Term("codes", "roles"),
    "flags_any": Term("codes", "flags"),
    "flags_all": Term("codes", "flags"),
    "flags_none": Term("codes", "flags"),
    "source_in": Term("codes", "sources"),
    "open_routes_any": Term("codes", "routes"),
    "routed_any": Term("codes", "routes"),
    "outside_area": Term("bool"),
    "protective_issue": Term("bool"),
    "drug_registry": Term("bool"),
    "court_ordered_treatment": Term("bool"),
    "tipvda_at_least": Term("int", high=15),
    "suicide_within_days": Term("int"),
    "psychiatric_level_in": Term("ints", low=1, high=5),
    "any_of": Term("any_of"),
    "not": Term("not"),
    "use": Term("use"),
}


def field_name(key: str) -> str:
    return "not_" if key == "not" else key


@dataclass(frozen=True)
class Outcome:
    """What a rule decides for the subject: the route and what it carries."""

    route: str
    priority: int | None = None
    grade: str | None = None
    classification: str | None = None
    clocks: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    when: Condition
    then: Outcome
    reason: str
    exclusive_group: str | None = None
    stop: bool = False
    enabled: bool = True


@dataclass(frozen=True)
class NoCase:
    """The outcome of a subject that no rule routes (不開案), with its reason."""

    id: str
    route: str
    reason: str


@dataclass(frozen=True)
class OpenCaseAttach:
    """Re-reports (續報): these routes, already open for the subject, take the report into the open case."""

    id: str
    reason: str
    routes: tuple[str, ...]


@dataclass(frozen=True)
class RuleSet:
    version: str
    name: str
    timezone: str
    codes: Codes
    parameters: dict[str, ParameterValue]
    clocks: dict[str, ClockDef]
    screening_clock: str
    conditions: dict[str, Condition]
    rules: tuple[Rule, ...]
    no_case: NoCase
    attach_to_open_case: OpenCaseAttach | None = None
    description: str | None = None

    @classmethod
    def from_dict(cls, data: object) -> RuleSet:
        """Check a rule-set document and build the rule set; RuleSetError lists every problem."""
        from safetynet.domain.triage.parse import Parser  # the parser builds these classes

        return Parser().rule_set(data)

    @classmethod
    def from_json(cls, text: str) -> RuleSet:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RuleSetError(
                [("$", f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")]
            ) from None
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """The document in canonical form: optional keys left out when they hold their default."""
        doc: dict[str, Any] = {"version": self.version, "name": self.name}
        if self.description is not None:
            doc["description"] = self.description
        doc["timezone"] = self.timezone
        doc["codes"] = {kind: dict(self.codes.of(kind)) for kind in CODE_KINDS}
        doc["parameters"] = {k: list(v) if isinstance(v, tuple) else v for k, v in self.parameters.items()}
        doc["clocks"] = {name: _clock_to_dict(clock) for name, clock in self.clocks.items()}
        doc["screening_clock"] = self.screening_clock
        doc["conditions"] = {name: condition_to_dict(c) for name, c in self.conditions.items()}
        doc["rules"] = [_rule_to_dict(rule) for rule in self.rules]
        doc["no_case"] = {"id": self.no_case.id, "route": self.no_case.route, "reason": self.no_case.reason}
        if self.attach_to_open_case is not None:
            attach = self.attach_to_open_case
            doc["attach_to_open_case"] = {
                "id": attach.id,
                "reason": attach.reason,
                "routes": list(attach.routes),
            }
        return doc

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    # Parameters the rest of the system reads (the high-risk list, the re-report window). A rule set
    # published before one of them was a parameter gets the shipped default's value.
    @property
    def tipvda_high(self) -> int:
        """The TIPVDA total from which an IPV victim is listed for the high-risk network meeting."""
        return self._whole_parameter("tipvda_high")

    @property
    def rereport_window_months(self) -> int:
        """Months after closure within which a new report on the person reopens the case (DOMAIN §5)."""
        return self._whole_parameter("rereport_window_months")

    def _whole_parameter(self, name: str) -> int:
        value = self.parameters.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        shipped: int = _shipped_parameters()[name]
        return shipped

    # Arguments that may name a parameter; the parser has checked that the parameter fits.
    def codes_arg(self, arg: CodesArg) -> tuple[str, ...]:
        value = self.parameters[arg] if isinstance(arg, str) else arg
        return tuple(v for v in value if isinstance(v, str)) if isinstance(value, tuple) else ()

    def int_arg(self, arg: IntArg) -> int:
        value = self.parameters[arg] if isinstance(arg, str) else arg
        return value if isinstance(value, int) else 0

    def ints_arg(self, arg: IntsArg) -> tuple[int, ...]:
        value = self.parameters[arg] if isinstance(arg, str) else arg
        return tuple(v for v in value if isinstance(v, int)) if isinstance(value, tuple) else ()


def condition_to_dict(condition: Condition) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in TERMS:
        value = getattr(condition, field_name(key))
        if value is None:
            continue
        if key == "any_of":
            out[key] = [condition_to_dict(c) for c in value]
        elif key == "not":
            out[key] = condition_to_dict(value)
        elif isinstance(value, tuple):
            out[key] = list(value)
        else:
            out[key] = value
    return out


def _clock_to_dict(clock: ClockDef) -> dict[str, Any]:
    out: dict[str, Any] = {"label": clock.label}
    if clock.hours is not None:
        out["hours"] = clock.hours
    if clock.days is not None:
        out["days"] = clock.days
    out["from"] = clock.start
    if clock.note is not None:
        out["note"] = clock.note
    return out


def _rule_to_dict(rule: Rule) -> dict[str, Any]:
    then: dict[str, Any] = {"route": rule.then.route}
    for key in ("priority", "grade", "classification"):
        if getattr(rule.then, key) is not None:
            then[key] = getattr(rule.then, key)
    if rule.then.clocks:
        then["clocks"] = list(rule.then.clocks)
    if rule.then.lists:
        then["lists"] = list(rule.then.lists)
    out: dict[str, Any] = {"id": rule.id, "title": rule.title, "when": condition_to_dict(rule.when)}
    out["then"] = then
    out["reason"] = rule.reason
    if rule.exclusive_group is not None:
        out["exclusive_group"] = rule.exclusive_group
    if rule.stop:
        out["stop"] = True
    if not rule.enabled:
        out["enabled"] = False
    return out


@cache
def _default_document() -> str:
    return (resources.files("safetynet.domain.triage") / "data" / "default_v1.json").read_text(
        encoding="utf-8"
    )


@cache
def _shipped_parameters() -> dict[str, Any]:
    parameters: dict[str, Any] = json.loads(_default_document())["parameters"]
    return parameters


def default_rule_set() -> RuleSet:
    """The shipped rule set v1 (DOMAIN §4-5); parsed on each call so that no caller shares mutable state."""
    return RuleSet.from_json(_default_document())
