from __future__ import annotations

import datetime

from safetynet.domain.clocks import add_months
from safetynet.domain.visitplan import Frequency, clocks_met_by_assessment, clocks_met_by_contact, interval

RULES = [
    Frequency("MHSW", "high", "visit", 7),
    Frequency("MHSW", "medium", "visit", 14),
    Frequency("MHSW", "low", "visit", 30),
    Frequency("MHSW", "", "bsrs5", 30),
    Frequency("YAC", "", "visit", 30),
]


def test_the_risk_level_sets_the_interval_and_an_unassessed_case_counts_as_medium() -> None:
    assert interval(RULES, "MHSW", "high", "visit") == 7
    assert interval(RULES, "MHSW", "low", "visit") == 30
    assert interval(RULES, "MHSW", "", "visit") == 14


def test_a_row_for_every_level_applies_when_the_level_has_none() -> None:
    assert interval(RULES, "MHSW", "high", "bsrs5") == 30
    assert interval(RULES, "YAC", "high", "visit") == 30
    assert interval(RULES, "EDU", "high", "visit") is None


def test_only_a_face_to_face_contact_meets_a_visit_but_a_call_meets_the_suicide_first_contact() -> None:
    assert "visit" in clocks_met_by_contact("home_visit")
    assert "visit" not in clocks_met_by_contact("phone")
    assert "su_first_contact" in clocks_met_by_contact("phone")
    assert clocks_met_by_contact("network") == frozenset()
    assert clocks_met_by_assessment("vulnerability") == {"vf_assessment"}


def test_months_are_calendar_months_ending_on_the_months_last_day() -> None:
    at = datetime.datetime(2025, 8, 31, 10, 0, tzinfo=datetime.UTC)
    assert add_months(at, 6) == datetime.datetime(2026, 2, 28, 10, 0, tzinfo=datetime.UTC)
    assert add_months(at, -6) == datetime.datetime(2025, 2, 28, 10, 0, tzinfo=datetime.UTC)
    assert add_months(datetime.datetime(2023, 8, 31, tzinfo=datetime.UTC), 6).day == 29  # 2024 is leap
    assert add_months(at, 12).year == 2026
