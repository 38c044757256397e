"""Rule-set documents: the shipped default, and what an administrator's mistakes look like."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import json
from collections.abc import Callable
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from safetynet.domain.triage import (
    Condition,
    Report,
    RuleSet,
    RuleSetError,
    Subject,
    decide,
    default_rule_set,
)
from safetynet.domain.triage.ruleset import TERMS, condition_to_dict

Doc = dict[str, Any]


def default_document() -> Doc:
    text = (resources.files("safetynet.domain.triage") / "data" / "default_v1.json").read_text("utf-8")
    document: Doc = json.loads(text)
    return document


def rule_index(document: Doc, rule_id: str) -> int:
    return next(i for i, rule in enumerate(document["rules"]) if rule["id"] == rule_id)


def problems_of(document: object) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        RuleSet.from_dict(document)
    return [f"{path}: {message}" for path, message in caught.value.problems]


# --- the shipped default ---------------------------------------------------------------------------


def test_it_ships_the_default_rule_set_v1() -> None:
    rules = default_rule_set()

    assert rules.version == "v1"
    assert rules.name == "預設篩派規則 v1"
    assert rules.timezone == "Asia/Taipei"
    assert set(rules.codes.types) == {"CP", "IPV", "FV", "SA", "EP", "DP", "VF", "SU", "MH", "DR", "YR", "DO"}
    expected = {"FPC", "SWC", "MHSW", "TCSW", "CV", "DRUG", "YAC", "EDU", "XFER", "NONE"}
    assert set(rules.codes.routes) == expected
    assert set(rules.codes.roles) == {"victim", "respondent", "child", "family"}


def test_it_gives_every_default_rule_a_chinese_reason_and_title() -> None:
    for rule in default_rule_set().rules:
        for text in (rule.reason, rule.title):
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text), rule.id


def test_it_writes_the_default_document_in_canonical_form() -> None:
    document = default_document()

    assert RuleSet.from_dict(document).to_dict() == document


def test_it_hands_out_a_fresh_rule_set_on_each_call() -> None:
    first = default_rule_set()
    first.codes.types["XX"] = "mutated by a careless caller"

    assert "XX" not in default_rule_set().codes.types


def test_it_keeps_the_condition_vocabulary_and_the_dataclass_in_step() -> None:
    field_names = {f.name for f in dataclasses.fields(Condition)}

    assert field_names == {"not_" if key == "not" else key for key in TERMS}


def test_it_round_trips_a_nested_condition() -> None:
    document = {"any_of": [{"not": {"flags_any": ["vulnerability:*"]}}, {"use": ["has_protective_issue"]}]}
    rules = default_rule_set().to_dict()
    rules["rules"][0]["when"] = document

    assert condition_to_dict(RuleSet.from_dict(rules).rules[0].when) == document


# --- data, not code ------------------------------------------------------------------------------------


def a_report(*subjects: Subject, source: str = "113") -> Report:
    received = datetime.datetime(2021, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Taipei"))
    return Report(received_at=received, area="10010", source=source, subjects=subjects)


def test_it_applies_a_new_rule_and_a_new_code_without_code_changes() -> None:
    document = default_document()
    document["codes"]["types"]["EX"] = "經濟弱勢（試辦）"
    document["codes"]["routes"]["JOB"] = "就業中心"
    document["rules"].append(
        {
            "id": "R10-EX",
            "title": "試辦：經濟弱勢轉介就業中心",
            "when": {"types_any": ["EX"], "source_in": ["LABOR", "1957"]},
            "then": {"route": "JOB", "priority": 2, "clocks": ["vf_first_visit"]},
            "reason": "試辦規則：經濟弱勢由就業中心協助",
        }
    )
    rules = RuleSet.from_dict(document)
    subject = Subject(ref="s1", role="victim", types=("EX",), town="10010020")

    matched = decide(a_report(subject, source="1957"), rules)
    unmatched = decide(a_report(subject, source="POLICE"), rules)

    assert [(r.route, r.priority) for r in matched.routes] == [("JOB", 2)]
    assert [r.route for r in unmatched.routes] == ["NONE"]


def test_it_skips_a_disabled_rule() -> None:
    document = default_document()
    document["rules"][rule_index(document, "R8-DR")]["enabled"] = False
    subject = Subject(ref="s1", role="victim", types=("DR",), town="10010020")

    decision = decide(a_report(subject), RuleSet.from_dict(document))

    assert [r.route for r in decision.routes] == ["NONE"]


def test_it_stops_at_a_stop_rule() -> None:
    document = default_document()
    document["rules"][rule_index(document, "R5-VF")]["stop"] = True
    subject = Subject(ref="s1", role="victim", types=("VF", "DR"), town="10010020")

    decision = decide(a_report(subject), RuleSet.from_dict(document))

    assert [r.route for r in decision.routes] == ["SWC"]


def test_it_reads_the_cut_off_and_the_window_the_rest_of_the_system_uses_from_its_parameters() -> None:
    shipped = default_rule_set()
    assert (shipped.tipvda_high, shipped.rereport_window_months) == (8, 6)
    document = default_document()
    document["parameters"]["tipvda_high"] = 10
    document["parameters"]["rereport_window_months"] = 3
    changed = RuleSet.from_dict(document)
    assert (changed.tipvda_high, changed.rereport_window_months) == (10, 3)


def test_a_rule_set_published_before_the_window_was_a_parameter_gets_the_shipped_window() -> None:
    document = default_document()
    del document["parameters"]["rereport_window_months"]
    assert RuleSet.from_dict(document).rereport_window_months == 6


# --- validation: every problem names its JSON path --------------------------------------------------


def set_in(path: list[Any], value: Any) -> Callable[[Doc], None]:
    def change(document: Doc) -> None:
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def remove(path: list[Any]) -> Callable[[Doc], None]:
    def change(document: Doc) -> None:
        target = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


CP1 = 0  # R2-CP-1, the first rule of the default document
IPV_HIGH = 7  # R3-IPV-HIGH


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            set_in(["rules", 3, "when", "types_any"], ["XX"]),
            "rules[3].when.types_any[0]: unknown report type 'XX'",
        ),
        (
            set_in(["rules", CP1, "when", "types_any"], "CP"),
            'rules[0].when.types_any: expected a list, e.g. ["CP"]',
        ),
        (
            set_in(["rules", CP1, "when", "type_any"], ["CP"]),
            "rules[0].when.type_any: unknown condition 'type_any' (did you mean 'types_any'?)",
        ),
        (set_in(["rules", CP1, "then", "route"], "FPCC"), "rules[0].then.route: unknown route 'FPCC'"),
        (
            set_in(["rules", CP1, "then", "clocks"], ["cp1_visit"]),
            "rules[0].then.clocks[0]: unknown clock 'cp1_visit'",
        ),
        (set_in(["rules", CP1, "then", "priority"], 0), "rules[0].then.priority: 0 is out of range 1.."),
        (set_in(["rules", CP1, "then", "priority"], "1"), "rules[0].then.priority: expected a whole number"),
        (set_in(["rules", CP1, "when", "flags_any"], ["vuln:*"]), "rules[0].when.flags_any[0]: flag pattern"),
        (
            set_in(["rules", CP1, "when", "flags_any"], ["hurt"]),
            "rules[0].when.flags_any[0]: unknown flag 'hurt'",
        ),
        (
            set_in(["rules", CP1, "when", "role_in"], ["parent"]),
            "rules[0].when.role_in[0]: unknown role 'parent'",
        ),
        (
            set_in(["rules", CP1, "when", "source_in"], ["LINE"]),
            "rules[0].when.source_in[0]: unknown source 'LINE'",
        ),
        (
            set_in(["rules", CP1, "when", "outside_area"], "yes"),
            "rules[0].when.outside_area: expected true or false",
        ),
        (set_in(["rules", CP1, "when", "any_of"], []), "rules[0].when.any_of: expected a non-empty list"),
        (set_in(["rules", CP1, "when", "not"], ["x"]), "rules[0].when.not: expected a condition object"),
        (set_in(["rules", CP1, "when", "use"], ["safe"]), "rules[0].when.use[0]: unknown condition 'safe'"),
        (
            set_in(["rules", CP1, "when", "psychiatric_level_in"], [0]),
            "rules[0].when.psychiatric_level_in[0]: 0",
        ),
        (set_in(["rules", CP1, "then", "lists"], ["vip"]), "rules[0].then.lists[0]: unknown list 'vip'"),
        (set_in(["rules", CP1, "reason"], ""), "rules[0].reason: expected non-empty text"),
        (set_in(["rules", CP1, "stop"], 1), "rules[0].stop: expected true or false"),
        (remove(["rules", CP1, "then"]), "rules[0].then: required"),
        (set_in(["rules", 1, "id"], "R2-CP-1"), "rules[1].id: 'R2-CP-1' is used twice"),
        (set_in(["rules", 1, "id"], "R9-NONE"), "rules[1].id: 'R9-NONE' is used twice"),
        (
            set_in(["rules", IPV_HIGH, "when", "tipvda_at_least"], 16),
            "rules[7].when.tipvda_at_least: 16 is out",
        ),
        (
            set_in(["rules", IPV_HIGH, "when", "tipvda_at_least"], "tipvda_hi"),
            "rules[7].when.tipvda_at_least: unknown parameter 'tipvda_hi'",
        ),
        (
            set_in(["parameters", "tipvda_high"], [8]),
            "rules[7].when.tipvda_at_least: parameter 'tipvda_high': expected a whole number",
        ),
        (
            set_in(["parameters", "tipvda_high"], 20),
            "rules[7].when.tipvda_at_least: parameter 'tipvda_high': 20 is out of range 0..15",
        ),
        (
            set_in(["parameters", "dv_types"], ["IPV", "XX"]),
            "rules[8].when.types_any: parameter 'dv_types': unknown report type 'XX' (at parameters.dv_types[1])",
        ),
        (set_in(["parameters", "mixed"], [1, "a"]), "parameters.mixed: expected a whole number, a list"),
        (set_in(["parameters", "flag"], True), "parameters.flag: expected a whole number"),
        (
            set_in(["rules", 8, "then", "rout"], "FPC"),
            "rules[8].then.rout: unknown key 'rout' (did you mean 'route'?)",
        ),
        (
            set_in(["rules", 19, "then", "clocks"], ["screening"]),
            "rules[19].then.clocks: a 'NONE' (no case) outcome",
        ),
        (set_in(["rules"], []), "rules: expected a non-empty list of rules"),
        (remove(["version"]), "version: required"),
        (set_in(["version"], ""), "version: expected non-empty text"),
        (set_in(["timezone"], "Asia/Taipeh"), "timezone: unknown time zone 'Asia/Taipeh'"),
        (set_in(["extra"], 1), "extra: unknown key 'extra'"),
        (remove(["codes", "flags"]), "codes.flags: required"),
        (set_in(["codes", "types", "C P"], "x"), "codes.types: 'C P' is not a usable code"),
        (
            set_in(["codes", "roles", "witness"], "證人"),
            "codes.roles.witness: roles are fixed by the report model",
        ),
        (set_in(["codes", "routes", "NEW"], 3), "codes.routes.NEW: expected non-empty text"),
        (set_in(["clocks", "screening", "days"], 1), "clocks.screening: give either hours or days"),
        (set_in(["clocks", "screening", "hours"], -1), "clocks.screening.hours: -1 is out of range 0.."),
        (
            set_in(["clocks", "vf_first_visit", "from"], "referral"),
            "clocks.vf_first_visit.from: expected one of",
        ),
        (
            set_in(["clocks", "screening", "from"], "dispatch"),
            "clocks.screening.from: the screening clock starts",
        ),
        (set_in(["screening_clock"], "sieve"), "screening_clock: unknown clock 'sieve'"),
        (set_in(["no_case", "route"], "NIL"), "no_case.route: unknown route 'NIL'"),
        (
            set_in(["attach_to_open_case", "routes"], ["FPC", "NONE"]),
            "attach_to_open_case.routes: 'NONE' opens",
        ),
        (
            set_in(["conditions", "loop"], {"use": ["loop"]}),
            "conditions.loop: uses itself: loop → loop",
        ),
    ],
)
def test_it_names_the_path_at_fault(change: Callable[[Doc], None], expected: str) -> None:
    document = default_document()
    change(document)

    problems = problems_of(document)

    assert any(problem.startswith(expected) for problem in problems), problems


def test_it_reports_every_problem_at_once() -> None:
    document = default_document()
    document["rules"][0]["when"]["types_any"] = ["XX"]
    document["rules"][5]["then"]["route"] = "YY"
    document["clocks"]["screening"]["hours"] = "24"

    with pytest.raises(RuleSetError) as caught:
        RuleSet.from_dict(document)

    paths = [path for path, _ in caught.value.problems]
    assert paths == ["clocks.screening.hours", "rules[0].when.types_any[0]", "rules[5].then.route"]
    assert str(caught.value).startswith("clocks.screening.hours: expected a whole number")


def test_it_detects_a_cycle_through_several_conditions() -> None:
    document = default_document()
    document["conditions"]["a"] = {"any_of": [{"use": ["b"]}]}
    document["conditions"]["b"] = {"not": {"use": ["a"]}}

    assert "conditions.a: uses itself: a → b → a" in problems_of(document)


@pytest.mark.parametrize("document", [None, [], "v1", 3])
def test_it_refuses_a_document_that_is_not_an_object(document: object) -> None:
    assert problems_of(document)[0].endswith("expected an object, got " + _described(document))


def _described(value: object) -> str:
    return {type(None): "null", list: "a list", str: "text 'v1'", int: "a number"}[type(value)]


def test_it_refuses_text_that_is_not_json() -> None:
    with pytest.raises(RuleSetError, match=r"^\$: not JSON"):
        RuleSet.from_json("{")


def test_it_raises_a_value_error() -> None:
    assert issubclass(RuleSetError, ValueError)


def test_it_leaves_the_document_it_was_given_untouched() -> None:
    document = default_document()
    before = copy.deepcopy(document)

    RuleSet.from_dict(document).to_dict()["rules"].clear()

    assert document == before
