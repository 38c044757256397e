"""A respondent or family member named without report types takes the types of violence of the report's
victims and children; the persons a report is about name their own."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain.triage import OWN_TYPES_ROLES, ROLES, decide, default_rule_set, types_taken
from safetynet.domain.triage.facts import Report, Subject

RULES = default_rule_set()
TYPES = sorted(RULES.codes.types)
PASSING = frozenset(RULES.parameters["protective_types"])  # type: ignore[arg-type]

subjects = st.lists(
    st.tuples(st.sampled_from(ROLES), st.lists(st.sampled_from(TYPES), max_size=3, unique=True)),
    min_size=1,
    max_size=6,
)


@given(subjects)
def test_it_keeps_every_type_a_subject_was_given(named: list[tuple[str, list[str]]]) -> None:
    for (_role, own), settled in zip(named, types_taken(named, PASSING), strict=True):
        if own:
            assert settled == tuple(own)


@given(subjects)
def test_victims_and_children_never_take_a_type(named: list[tuple[str, list[str]]]) -> None:
    for (role, own), settled in zip(named, types_taken(named, PASSING), strict=True):
        if role in OWN_TYPES_ROLES:
            assert settled == tuple(own)


@given(subjects)
def test_the_others_take_the_victims_types_of_violence_in_the_order_first_named(
    named: list[tuple[str, list[str]]],
) -> None:
    violence = list(
        dict.fromkeys(t for role, own in named if role in OWN_TYPES_ROLES for t in own if t in PASSING)
    )
    for (role, own), settled in zip(named, types_taken(named, PASSING), strict=True):
        if role not in OWN_TYPES_ROLES and not own:
            assert settled == tuple(violence)
            assert set(settled) <= PASSING


def test_a_victims_suicide_ideation_is_not_passed_to_the_respondent() -> None:
    named = [("victim", ["IPV", "SU"]), ("respondent", []), ("family", [])]
    assert types_taken(named, PASSING) == [("IPV", "SU"), ("IPV",), ("IPV",)]


def test_with_no_victim_or_child_of_violence_there_is_nothing_to_take() -> None:
    assert types_taken([("family", ["MH"]), ("respondent", [])], PASSING) == [("MH",), ()]
    assert types_taken([("child", ["VF"]), ("family", [])], PASSING) == [("VF",), ()]


def test_the_respondent_who_took_the_type_meets_the_respondent_rules() -> None:
    """An IPV report's respondent is routed as if IPV had been ticked for them: no case of their own."""
    settled = types_taken([("victim", ["IPV"]), ("respondent", [])], PASSING)
    report = Report(
        received_at=datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC),
        area="10010",
        source="113",
        subjects=(
            Subject("s1", "victim", settled[0], "10010050"),
            Subject("s2", "respondent", settled[1], None),
        ),
    )
    routes = {(r.subject, r.route) for r in decide(report, RULES).routes}
    assert routes == {("s1", "FPC"), ("s2", "NONE")}
