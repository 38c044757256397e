"""`safetynet triage`: the contract other tools rely on (stdin JSON → decision JSON, nothing saved)."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from safetynet.domain import nationalid
from safetynet.people.models import Person, RegistryEntry
from safetynet.people.services import RegistryRow, record_registry_entry

pytestmark = pytest.mark.django_db


def triage(report: dict[str, Any] | str, monkeypatch) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    text = report if isinstance(report, str) else json.dumps(report)
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    out = io.StringIO()
    call_command("triage", stdout=out)
    return json.loads(out.getvalue())


def an_id(digits: str) -> str:
    prefix = "Q1" + digits
    return prefix + str(nationalid.check_digit(prefix))


REPORT = {
    "received_at": "2021-11-24T09:00:00+08:00",
    "area": "10010",
    "source": "113",
    "subjects": [
        {"ref": "c1", "role": "victim", "types": ["CP"], "town": "10010020", "flags": ["serious_injury"]},
    ],
}


def test_it_grades_a_child_with_serious_injury_as_first_level_with_a_24_hour_clock(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = (Person.objects.count(), RegistryEntry.objects.count())
    decision = triage(REPORT, monkeypatch)
    assert decision["rule_set"] == "v1"
    route = next(r for r in decision["routes"] if r["route"] == "FPC")
    assert (route["subject"], route["priority"]) == ("c1", 1)
    clocks = {c["name"]: c["due"] for c in route["clocks"]}
    assert clocks["cp1_first_visit"] == "2021-11-25T09:00:00+08:00"
    assert "R2-CP-1" in decision["fired"]
    assert decision["reasons"] and all(isinstance(r, str) for r in decision["reasons"])
    assert (Person.objects.count(), RegistryEntry.objects.count()) == before  # nothing saved


def test_it_adds_a_mental_health_case_for_a_respondent_in_the_psychiatric_registry(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    record_registry_entry(RegistryRow("psychiatric", an_id("7000001"), level=2))
    report = {
        **REPORT,
        "subjects": [
            {"ref": "v", "role": "victim", "types": ["IPV"], "town": "10010020", "tipvda_score": 9},
            {
                "ref": "r",
                "role": "respondent",
                "types": ["IPV"],
                "town": "10010020",
                "national_id": an_id("7000001"),
            },
        ],
    }
    decision = triage(report, monkeypatch)
    routes = {(r["subject"], r["route"]) for r in decision["routes"]}
    assert ("r", "MHSW") in routes
    assert next(r for r in decision["routes"] if r["subject"] == "v")["priority"] == 1


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"area": "99999"}, "area"),
        ({"source": "pigeon"}, "source"),
        ({"received_at": "2999-01-01T00:00:00+08:00"}, "received_at"),
        ({"received_at": "2021-11-24T09:00:00"}, "received_at"),
        (
            {"subjects": [{"ref": "x", "role": "victim", "types": ["XX"], "town": "10010020"}]},
            "subjects[0].types[0]",
        ),
        ({"subjects": [{"ref": "x", "role": "victim", "types": ["CP"], "town": "1001"}]}, "subjects[0].town"),
        (
            {"subjects": [{"ref": "x", "role": "victim", "types": ["CP"], "national_id": "A123456788"}]},
            "subjects[0].national_id",
        ),
        ({"subjects": []}, "subjects"),
    ],
)
def test_it_names_the_field_of_bad_input_and_exits_1(
    monkeypatch, capsys, change: dict[str, Any], path: str
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({**REPORT, **change})))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("triage", stdout=io.StringIO(), stderr=err)
    assert err.getvalue().startswith(f"{path}:") or f"\n{path}:" in err.getvalue()


def test_it_refuses_text_that_is_not_json(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "stdin", io.StringIO("{not json"))
    with pytest.raises(CommandError, match="not JSON"):
        call_command("triage", stdout=io.StringIO())


def test_a_respondent_without_types_is_screened_with_the_victims_type(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    report = {
        **REPORT,
        "subjects": [
            {"ref": "v", "role": "victim", "types": ["IPV"], "town": "10010020"},
            {"ref": "r", "role": "respondent"},
        ],
    }
    decision = triage(report, monkeypatch)
    assert {(r["subject"], r["route"]) for r in decision["routes"]} == {("v", "FPC"), ("r", "NONE")}
