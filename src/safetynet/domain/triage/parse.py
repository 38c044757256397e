"""Parsing a rule-set document: every problem collected with its JSON path, then the `RuleSet` built.

The format is described in `safetynet.domain.triage.ruleset`.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from safetynet.domain.triage.facts import ROLES
from safetynet.domain.triage.ruleset import (
    CLOCK_STARTS,
    CODE_KINDS,
    NOUNS,
    TERMS,
    ClockDef,
    CodeKind,
    Codes,
    Condition,
    NoCase,
    OpenCaseAttach,
    Outcome,
    ParameterValue,
    Problem,
    Rule,
    RuleSet,
    RuleSetError,
    Term,
    field_name,
)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Parser:
    """Walks the document once, collecting every problem; builds the rule set only if there is none."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.codes = Codes({}, {}, {}, {}, {}, {})
        self.parameters: dict[str, ParameterValue] = {}
        self.clock_names: set[str] = set()
        self.condition_names: set[str] = set()

    def fail(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def obj(
        self, value: object, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> bool:
        """Is `value` an object with the required keys and no others? Reports what is wrong."""
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, got {_kind(value)}")
            return False
        for key in required:
            if key not in value:
                self.fail(_join(path, key), "required")
        self.unknown_keys(value, path, (*required, *optional), "key")
        return all(key in value for key in required)

    def unknown_keys(self, value: dict[Any, Any], path: str, known: tuple[str, ...], noun: str) -> None:
        for key in value:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.fail(_join(path, str(key)), f"unknown {noun} {key!r}{hint}")

    def text(self, value: object, path: str, *, optional: bool = False) -> str | None:
        if optional and value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"expected non-empty text, got {_kind(value)}")
            return None
        return value

    def boolean(self, value: object, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.fail(path, f"expected true or false, got {_kind(value)}")
            return None
        return value

    def whole(self, value: object, path: str, low: int, high: int | None, what: str = "") -> int | None:
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(path, f"{what}expected a whole number, got {_kind(value)}")
            return None
        if value < low or (high is not None and value > high):
            self.fail(path, f"{what}{value} is out of range {low}..{'' if high is None else high}")
            return None
        return value

    def code(self, value: object, path: str, kind: CodeKind) -> str | None:
        if not isinstance(value, str):
            self.fail(path, f"expected a {NOUNS[kind]} code, got {_kind(value)}")
            return None
        known = self.codes.of(kind)
        if kind == "flags" and value.endswith("*"):
            prefix = value[:-1]
            if not prefix or not any(flag.startswith(prefix) for flag in known):
                self.fail(path, f"flag pattern {value!r} matches no flag")
                return None
        elif value not in known:
            self.fail(path, f"unknown {NOUNS[kind]} {value!r}")
            return None
        return value

    def code_list(
        self, value: object, path: str, kind: CodeKind, *, nonempty: bool = True
    ) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.fail(path, f"expected a list of {NOUNS[kind]} codes, got {_kind(value)}")
            return ()
        if nonempty and not value:
            self.fail(path, "expected at least one code")
        out = []
        for i, item in enumerate(value):
            code = self.code(item, f"{path}[{i}]", kind)
            if code is not None:
                out.append(code)
        return tuple(out)

    def parameter(self, name: str, path: str) -> ParameterValue | None:
        if name not in self.parameters:
            self.fail(path, f"unknown parameter {name!r}")
            return None
        return self.parameters[name]

    # --- sections ---------------------------------------------------------------------------------

    def rule_set(self, data: object) -> RuleSet:
        top = ("version", "name", "timezone", "codes", "clocks", "screening_clock", "rules", "no_case")
        optional = ("description", "parameters", "conditions", "attach_to_open_case")
        if not self.obj(data, "", top, optional) or not isinstance(data, dict):
            raise RuleSetError(self.problems or [("$", "expected an object")])
        version = self.text(data["version"], "version")
        name = self.text(data["name"], "name")
        description = self.text(data.get("description"), "description", optional=True)
        timezone = self.timezone(data["timezone"])
        self.code_lists(data["codes"])
        self.parse_parameters(data.get("parameters", {}))
        clocks = self.parse_clocks(data["clocks"])
        screening_clock = self.text(data["screening_clock"], "screening_clock")
        if screening_clock is not None:
            clock = clocks.get(screening_clock)
            if screening_clock not in self.clock_names:
                self.fail("screening_clock", f"unknown clock {screening_clock!r}")
            elif clock is not None and clock.start != "receipt":
                self.fail(f"clocks.{screening_clock}.from", "the screening clock starts at receipt")
        conditions = self.named_conditions(data.get("conditions", {}))
        no_case = self.parse_no_case(data["no_case"])
        attach = self.parse_attach(data.get("attach_to_open_case"), no_case)
        rules = self.parse_rules(data["rules"], no_case, attach)
        if self.problems or version is None or name is None or timezone is None:
            raise RuleSetError(self.problems)
        if screening_clock is None or no_case is None:
            raise RuleSetError(self.problems)
        return RuleSet(
            version=version,
            name=name,
            timezone=timezone,
            codes=self.codes,
            parameters=self.parameters,
            clocks=clocks,
            screening_clock=screening_clock,
            conditions=conditions,
            rules=rules,
            no_case=no_case,
            attach_to_open_case=attach,
            description=description,
        )

    def timezone(self, value: object) -> str | None:
        name = self.text(value, "timezone")
        if name is None:
            return None
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail("timezone", f"unknown time zone {name!r} (e.g. Asia/Taipei)")
            return None
        return name

    def code_lists(self, value: object) -> None:
        if not self.obj(value, "codes", CODE_KINDS) or not isinstance(value, dict):
            return
        lists: dict[str, dict[str, str]] = {}
        for kind in CODE_KINDS:
            path = f"codes.{kind}"
            entries = value[kind]
            lists[kind] = {}
            if not isinstance(entries, dict):
                self.fail(path, f"expected an object code → label, got {_kind(entries)}")
                continue
            for code, label in entries.items():
                if not isinstance(code, str) or not code or any(c.isspace() for c in code) or "*" in code:
                    self.fail(path, f"{code!r} is not a usable code (no spaces, no '*')")
                elif kind == "roles" and code not in ROLES:
                    self.fail(f"{path}.{code}", f"roles are fixed by the report model: {', '.join(ROLES)}")
                elif self.text(label, f"{path}.{code}") is not None:
                    lists[kind][code] = label
        self.codes = Codes(**lists)

    def parse_parameters(self, value: object) -> None:
        if not isinstance(value, dict):
            self.fail("parameters", f"expected an object, got {_kind(value)}")
            return
        for name, item in value.items():
            path = f"parameters.{name}"
            if _is_int(item):
                self.parameters[name] = item
            elif isinstance(item, list) and (
                all(_is_int(v) for v in item) or all(isinstance(v, str) for v in item)
            ):
                self.parameters[name] = tuple(item)
            else:
                self.fail(path, "expected a whole number, a list of whole numbers or a list of codes")

    def parse_clocks(self, value: object) -> dict[str, ClockDef]:
        clocks: dict[str, ClockDef] = {}
        if not isinstance(value, dict) or not value:
            self.fail("clocks", "expected an object naming at least one clock")
            return clocks
        for name, spec in value.items():
            path = f"clocks.{name}"
            self.clock_names.add(name)
            if not self.obj(spec, path, ("label",), ("hours", "days", "from", "note")):
                continue
            label = self.text(spec["label"], f"{path}.label")
            if ("hours" in spec) == ("days" in spec):
                self.fail(path, "give either hours or days")
                continue
            hours = self.whole(spec["hours"], f"{path}.hours", 0, None) if "hours" in spec else None
            days = self.whole(spec["days"], f"{path}.days", 0, None) if "days" in spec else None
            start = spec.get("from", "receipt")
            if start not in CLOCK_STARTS:
                self.fail(f"{path}.from", f"expected one of {', '.join(CLOCK_STARTS)}, got {start!r}")
            note = self.text(spec.get("note"), f"{path}.note", optional=True)
            if label is not None and (hours is not None or days is not None):
                clocks[name] = ClockDef(label=label, hours=hours, days=days, start=str(start), note=note)
        return clocks

    def named_conditions(self, value: object) -> dict[str, Condition]:
        if not isinstance(value, dict):
            self.fail("conditions", f"expected an object, got {_kind(value)}")
            return {}
        self.condition_names = names = set(value)
        conditions = {name: self.condition(spec, f"conditions.{name}", names) for name, spec in value.items()}
        for name in value:
            cycle = _cycle(name, conditions, [])
            if cycle:
                self.fail(f"conditions.{name}", f"uses itself: {' → '.join(cycle)}")
                break
        return conditions

    def condition(self, value: object, path: str, names: set[str]) -> Condition:
        if not isinstance(value, dict):
            self.fail(path, f"expected a condition object, got {_kind(value)}")
            return Condition()
        self.unknown_keys(value, path, tuple(TERMS), "condition")
        parsed: dict[str, Any] = {}
        for key, arg in value.items():
            term = TERMS.get(key)
            if term is not None:
                parsed[field_name(key)] = self.term(term, arg, _join(path, key), names)
        return Condition(**parsed)

    def term(self, term: Term, arg: object, path: str, names: set[str]) -> object:
        if term.kind == "codes" and term.codes is not None:
            if isinstance(arg, str) and arg not in self.parameters and arg in self.codes.of(term.codes):
                self.fail(path, f"expected a list, e.g. [{json.dumps(arg, ensure_ascii=False)}]")
                return ()
            if isinstance(arg, str):
                self.code_parameter(arg, path, term.codes)
                return arg
            return self.code_list(arg, path, term.codes)
        if term.kind == "bool":
            return self.boolean(arg, path)
        if term.kind == "int":
            if isinstance(arg, str):
                value = self.parameter(arg, path)
                if value is not None:
                    self.whole(value, path, term.low, term.high, f"parameter {arg!r}: ")
                return arg
            return self.whole(arg, path, term.low, term.high)
        if term.kind == "ints":
            if isinstance(arg, str):
                value = self.parameter(arg, path)
                if isinstance(value, tuple):
                    for v in value:
                        self.whole(v, path, term.low, term.high, f"parameter {arg!r}: ")
                elif value is not None:
                    self.fail(path, f"parameter {arg!r}: expected a list of whole numbers")
                return arg
            if not isinstance(arg, list) or not arg:
                self.fail(path, f"expected a non-empty list of whole numbers, got {_kind(arg)}")
                return ()
            return tuple(self.whole(v, f"{path}[{i}]", term.low, term.high) for i, v in enumerate(arg))
        if term.kind == "any_of":
            if not isinstance(arg, list) or not arg:
                self.fail(path, f"expected a non-empty list of conditions, got {_kind(arg)}")
                return ()
            return tuple(self.condition(c, f"{path}[{i}]", names) for i, c in enumerate(arg))
        if term.kind == "not":
            return self.condition(arg, path, names)
        # use
        if not isinstance(arg, list) or not arg or not all(isinstance(n, str) for n in arg):
            self.fail(path, f"expected a list of condition names, got {_kind(arg)}")
            return ()
        for i, name in enumerate(arg):
            if name not in names:
                self.fail(f"{path}[{i}]", f"unknown condition {name!r}")
        return tuple(arg)

    def code_parameter(self, name: str, path: str, kind: CodeKind) -> None:
        value = self.parameter(name, path)
        if value is None:
            return
        if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
            self.fail(path, f"parameter {name!r} must be a list of {NOUNS[kind]} codes")
            return
        for i, item in enumerate(value):
            before = len(self.problems)
            self.code(item, f"parameters.{name}[{i}]", kind)
            if len(self.problems) > before:
                # Name the rule that uses it as well, so the fix is findable from either end.
                where, message = self.problems[-1]
                self.problems[-1] = (path, f"parameter {name!r}: {message} (at {where})")

    def outcome(self, value: object, path: str, no_case: NoCase | None) -> Outcome | None:
        optional = ("priority", "grade", "classification", "clocks", "lists")
        if not self.obj(value, path, ("route",), optional) or not isinstance(value, dict):
            return None
        route = self.code(value["route"], f"{path}.route", "routes")
        priority = value.get("priority")
        if priority is not None:
            priority = self.whole(priority, f"{path}.priority", 1, None)
        grade = self.text(value.get("grade"), f"{path}.grade", optional=True)
        classification = self.text(value.get("classification"), f"{path}.classification", optional=True)
        clocks = value.get("clocks", [])
        if not isinstance(clocks, list):
            self.fail(f"{path}.clocks", f"expected a list of clock names, got {_kind(clocks)}")
            clocks = []
        for i, clock in enumerate(clocks):
            if not isinstance(clock, str) or clock not in self.clock_names:
                self.fail(f"{path}.clocks[{i}]", f"unknown clock {clock!r}")
        lists = self.code_list(value.get("lists", []), f"{path}.lists", "lists", nonempty=False)
        if no_case is not None and route == no_case.route:
            for key in ("priority", "clocks", "lists"):
                if value.get(key):
                    self.fail(f"{path}.{key}", f"a {route!r} (no case) outcome takes no {key}")
        if route is None:
            return None
        return Outcome(route, priority, grade, classification, tuple(str(c) for c in clocks), lists)

    def parse_no_case(self, value: object) -> NoCase | None:
        if not self.obj(value, "no_case", ("id", "route", "reason")) or not isinstance(value, dict):
            return None
        rule_id = self.text(value["id"], "no_case.id")
        route = self.code(value["route"], "no_case.route", "routes")
        reason = self.text(value["reason"], "no_case.reason")
        if rule_id is None or route is None or reason is None:
            return None
        return NoCase(rule_id, route, reason)

    def parse_attach(self, value: object, no_case: NoCase | None) -> OpenCaseAttach | None:
        path = "attach_to_open_case"
        if value is None:
            return None
        if not self.obj(value, path, ("id", "reason", "routes")) or not isinstance(value, dict):
            return None
        rule_id = self.text(value["id"], f"{path}.id")
        reason = self.text(value["reason"], f"{path}.reason")
        routes = self.code_list(value["routes"], f"{path}.routes", "routes")
        if no_case is not None and no_case.route in routes:
            self.fail(f"{path}.routes", f"{no_case.route!r} opens no case to attach to")
        if rule_id is None or reason is None:
            return None
        return OpenCaseAttach(rule_id, reason, routes)

    def parse_rules(
        self, value: object, no_case: NoCase | None, attach: OpenCaseAttach | None
    ) -> tuple[Rule, ...]:
        if not isinstance(value, list) or not value:
            self.fail("rules", "expected a non-empty list of rules")
            return ()
        taken = {x.id for x in (no_case, attach) if x is not None}
        rules = []
        for i, spec in enumerate(value):
            path = f"rules[{i}]"
            required = ("id", "title", "when", "then", "reason")
            optional = ("exclusive_group", "stop", "enabled")
            if not self.obj(spec, path, required, optional) or not isinstance(spec, dict):
                continue
            rule_id = self.text(spec["id"], f"{path}.id")
            if rule_id is not None:
                if rule_id in taken:
                    self.fail(f"{path}.id", f"{rule_id!r} is used twice")
                taken.add(rule_id)
            title = self.text(spec["title"], f"{path}.title")
            when = self.condition(spec["when"], f"{path}.when", self.condition_names)
            then = self.outcome(spec["then"], f"{path}.then", no_case)
            reason = self.text(spec["reason"], f"{path}.reason")
            group = self.text(spec.get("exclusive_group"), f"{path}.exclusive_group", optional=True)
            stop = self.boolean(spec.get("stop", False), f"{path}.stop")
            enabled = self.boolean(spec.get("enabled", True), f"{path}.enabled")
            if rule_id and title and then and reason and stop is not None and enabled is not None:
                rules.append(Rule(rule_id, title, when, then, reason, group, stop, enabled))
        return tuple(rules)


def _cycle(name: str, conditions: Mapping[str, Condition], trail: list[str]) -> list[str]:
    """The chain of `use` that leads from `name` back into the trail, or [] if there is none."""
    if name in trail:
        return [*trail, name]
    condition = conditions.get(name)
    if condition is None:
        return []
    for used in _uses(condition):
        found = _cycle(used, conditions, [*trail, name])
        if found:
            return found
    return []


def _uses(condition: Condition) -> Iterator[str]:
    yield from condition.use or ()
    for inner in condition.any_of or ():
        yield from _uses(inner)
    if condition.not_ is not None:
        yield from _uses(condition.not_)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"text {value!r}"
    return {dict: "an object", list: "a list", int: "a number", float: "a number"}.get(
        type(value), repr(value)
    )
