"""Properties of screening that hold for any report, and for rule sets an administrator may write."""

from __future__ import annotations

import datetime
import json
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain.triage import (
    RegistryFacts,
    Report,
    RuleSet,
    RuleSetError,
    Subject,
    decide,
    default_rule_set,
)

RULES = default_rule_set()
DOCUMENT = RULES.to_dict()
AREA = "10010"
TOWNS = [None, "10010020", "10010180", "10020010", "63000010"]  # two here, unknown, two elsewhere
OPEN_ROUTES = sorted(set(RULES.codes.routes) - {"NONE", "XFER"})
ZONES = [datetime.UTC, ZoneInfo("Asia/Taipei"), datetime.timezone(datetime.timedelta(hours=-5))]


def codes(kind: str) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(sorted(RULES.to_dict()["codes"][kind])), max_size=4)


FIRST = datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC)
LAST = datetime.datetime(2030, 12, 31, tzinfo=datetime.UTC)
received_ats = st.builds(
    lambda seconds, zone: (FIRST + datetime.timedelta(seconds=seconds)).astimezone(zone),
    st.integers(min_value=0, max_value=int((LAST - FIRST).total_seconds())),
    st.sampled_from(ZONES),
)


@st.composite
def reports(draw: st.DrawFn) -> Report:
    received = draw(received_ats)
    count = draw(st.integers(min_value=1, max_value=4))
    subjects = []
    for i in range(count):
        days_ago = st.integers(min_value=-30, max_value=800)
        dates = draw(st.lists(days_ago, max_size=3))
        registry = RegistryFacts(
            psychiatric_level=draw(st.none() | st.integers(min_value=1, max_value=5)),
            suicide_report_dates=tuple(received.date() - datetime.timedelta(days=d) for d in dates),
            drug=draw(st.booleans()),
            court_ordered_treatment=draw(st.booleans()),
        )
        subjects.append(
            Subject(
                ref=f"s{i + 1}",
                role=draw(st.sampled_from(sorted(RULES.codes.roles))),
                types=tuple(sorted(draw(codes("types")))),
                town=draw(st.sampled_from(TOWNS)),
                flags=draw(codes("flags")),
                tipvda_score=draw(st.none() | st.integers(min_value=0, max_value=15)),
                registry=registry,
                open_routes=draw(st.frozensets(st.sampled_from(OPEN_ROUTES), max_size=2)),
                protective_issue=draw(st.booleans()),
            )
        )
    source = draw(st.sampled_from(sorted(RULES.codes.sources)))
    return Report(received_at=received, area=AREA, source=source, subjects=tuple(subjects))


def with_changes(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(json.dumps(DOCUMENT))
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        target = document
        for key in path:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[last] = value
    return document


@given(reports())
def test_it_decides_the_same_way_every_time(report: Report) -> None:
    first = decide(report, RULES)

    assert decide(report, RULES) == first
    assert decide(report, RuleSet.from_dict(DOCUMENT)).to_json() == first.to_json()


@given(reports())
def test_it_accounts_for_every_subject(report: Report) -> None:
    decision = decide(report, RULES)

    for subject in report.subjects:
        found = decision.for_subject(subject.ref)
        assert found, f"{subject.ref} got no route"
        assert len({r.route for r in found}) == len(found)
        for route in found:
            assert route.reason
            if route.route == "NONE":
                assert len(found) == 1, "no case only when nothing else routes the subject"
                assert route.priority is None and route.clocks == () and route.lists == ()


@given(reports())
def test_it_sets_no_clock_due_before_receipt(report: Report) -> None:
    decision = decide(report, RULES)

    assert decision.screening_due >= report.received_at
    for route in decision.routes:
        for clock in route.clocks:
            assert clock.due >= report.received_at
            assert clock.due.utcoffset() == datetime.timedelta(hours=8)
        if route.route != "NONE":
            assert route.clocks[0].name == "screening"
            assert route.clocks[0].due == decision.screening_due


@given(reports())
def test_it_uses_only_codes_and_rules_of_the_document(report: Report) -> None:
    decision = decide(report, RULES)
    rule_ids = {rule.id for rule in RULES.rules} | {"R9-NONE", "R9-ATTACH"}

    assert decision.rule_set == "v1"
    assert {r.route for r in decision.routes} <= set(RULES.codes.routes)
    assert {name for r in decision.routes for name in r.lists} <= set(RULES.codes.lists)
    assert {r.priority for r in decision.routes} <= {None, 1, 2}
    assert set(decision.fired) <= rule_ids
    assert len(decision.fired) == len(set(decision.fired)) == len(decision.reasons)
    assert {rule_id for r in decision.routes for rule_id in r.rules} == set(decision.fired)


@given(reports())
def test_it_sends_subjects_living_elsewhere_only_to_transfer_or_cp_grade_1(report: Report) -> None:
    decision = decide(report, RULES)

    for subject in report.subjects:
        if subject.town is not None and not subject.town.startswith(AREA):
            found = {r.route: r for r in decision.for_subject(subject.ref)}
            assert "XFER" in found
            assert set(found) <= {"XFER", "FPC"}
            if "FPC" in found:
                assert found["FPC"].grade == "第1級"


@given(reports())
def test_it_attaches_exactly_the_routes_already_open(report: Report) -> None:
    decision = decide(report, RULES)
    attachable = set(OPEN_ROUTES)

    for subject in report.subjects:
        for route in decision.for_subject(subject.ref):
            expected = route.route in subject.open_routes and route.route in attachable
            assert route.attach_to_open_case is expected


@given(reports())
def test_it_writes_json_that_survives_a_round_trip(report: Report) -> None:
    output = decide(report, RULES).to_json()

    assert json.loads(json.dumps(output, ensure_ascii=False)) == output
    for route in output["routes"]:
        for clock in route["clocks"]:
            assert datetime.datetime.fromisoformat(clock["due"]).utcoffset() is not None


# --- the document drives the behaviour -------------------------------------------------------


@given(
    st.integers(min_value=0, max_value=24 * 14),
    st.sampled_from(["cp1_first_visit", "screening"]),
    st.sampled_from(["hours", "days"]),
)
def test_it_parses_its_own_output_back(amount: int, clock: str, unit: str) -> None:
    document = with_changes(**{f"clocks__{clock}__{unit}": amount})
    document["clocks"][clock].pop("days" if unit == "hours" else "hours", None)

    rules = RuleSet.from_dict(document)

    assert rules.to_dict() == document
    assert RuleSet.from_dict(rules.to_dict()) == rules


@given(received_ats, st.integers(min_value=0, max_value=24 * 30))
def test_it_moves_the_screening_clock_with_the_document(received: datetime.datetime, hours: int) -> None:
    rules = RuleSet.from_dict(with_changes(clocks__screening__hours=hours))
    subject = Subject(ref="s1", role="victim", types=("SU",), town="10010020")

    decision = decide(Report(received, AREA, "1925", (subject,)), rules)

    assert decision.screening_due - received == datetime.timedelta(hours=hours)
    assert decision.routes[0].clocks[0].due == decision.screening_due


@given(received_ats, st.integers(min_value=0, max_value=60))
def test_it_moves_a_day_clock_with_the_document(received: datetime.datetime, days: int) -> None:
    rules = RuleSet.from_dict(with_changes(clocks__su_first_contact__days=days))
    subject = Subject(ref="s1", role="victim", types=("SU",), town="10010020")

    (route,) = decide(Report(received, AREA, "1925", (subject,)), rules).routes

    clock = route.clock("su_first_contact")
    assert clock is not None
    assert clock.due - received == datetime.timedelta(days=days)  # Taipei keeps no daylight saving


@given(st.integers(min_value=0, max_value=15), st.integers(min_value=0, max_value=15))
def test_it_follows_the_tipvda_threshold_of_the_document(threshold: int, score: int) -> None:
    rules = RuleSet.from_dict(with_changes(parameters__tipvda_high=threshold))
    victim = Subject(ref="s1", role="victim", types=("IPV",), town="10010020", tipvda_score=score)
    received = datetime.datetime(2021, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Taipei"))

    (fpc,) = decide(Report(received, AREA, "113", (victim,)), rules).routes

    assert fpc.route == "FPC"
    assert (fpc.priority == 1) is (score >= threshold)
    assert ("high_risk_meeting" in fpc.lists) is (score >= threshold)


@given(st.sampled_from(sorted(set(RULES.codes.routes) - {"NONE"})))
def test_it_follows_a_route_changed_in_the_document(route: str) -> None:
    index = next(i for i, rule in enumerate(DOCUMENT["rules"]) if rule["id"] == "R8-DR")
    rules = RuleSet.from_dict(with_changes(**{f"rules__{index}__then__route": route}))
    subject = Subject(ref="s1", role="victim", types=("DR",), town="10010020")
    received = datetime.datetime(2021, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Taipei"))

    decision = decide(Report(received, AREA, "113", (subject,)), rules)

    assert [r.route for r in decision.routes] == [route]


def _paths(value: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


PATHS = _paths(DOCUMENT)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 30)
    | st.text(max_size=12)
    | st.sampled_from(["CP", "FPC", "x*"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@given(st.sampled_from(PATHS), json_values)
def test_it_answers_any_edit_with_a_rule_set_or_a_rule_set_error(
    path: tuple[str | int, ...], value: Any
) -> None:
    document: Any = json.loads(json.dumps(DOCUMENT))
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value

    try:
        rules = RuleSet.from_dict(document)
    except RuleSetError as error:
        assert error.problems and all(isinstance(p, str) and m for p, m in error.problems)
    else:
        assert RuleSet.from_dict(rules.to_dict()) == rules
