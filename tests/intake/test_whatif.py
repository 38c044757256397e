from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from safetynet.domain import nationalid
from safetynet.domain.triage import RuleSet, default_rule_set
from safetynet.intake import services
from safetynet.intake.models import Report
from safetynet.intake.whatif import RouteOutcome, compare, what_if
from safetynet.people.services import RegistryRow, record_registry_entry

pytestmark = pytest.mark.django_db

# A period before the demo's years (110-114), so that only this file's reports are in it.
START, END = datetime.date(2019, 3, 1), datetime.date(2019, 3, 31)


def an_id(digits: str) -> str:
    prefix = "Q1" + digits
    return prefix + str(nationalid.check_digit(prefix))


def ipv(day: int, tipvda: int) -> dict[str, Any]:
    return {
        "received_at": f"2019-03-{day:02d}T10:00:00+08:00",
        "area": "10010",
        "source": "POLICE",
        "subjects": [
            {"ref": "v", "role": "victim", "types": ["IPV"], "town": "10010020", "tipvda_score": tipvda}
        ],
    }


def receive(data: dict[str, Any]) -> Report:
    screener = get_user_model().objects.get(username="screener")
    return services.receive_report(data, by=screener).report


def with_changes(version: str, **parameters: int) -> RuleSet:
    document = default_rule_set().to_dict()
    document["version"] = version
    document["parameters"].update(parameters)
    return RuleSet.from_dict(document)


def test_whatif_counts_decisions_that_would_change() -> None:
    high = [receive(ipv(day, tipvda=9)) for day in (3, 4)]
    receive(ipv(5, tipvda=3))
    result = what_if(with_changes("v2", tipvda_high=10), START, END)
    assert (result.examined, result.changed_count) == (3, 2)
    assert [c.report_id for c in result.changed] == [r.pk for r in high]
    change = result.changed[0]
    assert change.before == (RouteOutcome("v", "FPC", 1),)
    assert change.after == (RouteOutcome("v", "FPC", 2),)


def test_whatif_with_an_unchanged_version_changes_nothing() -> None:
    receive(ipv(3, tipvda=9))
    receive(ipv(4, tipvda=2))
    result = what_if(default_rule_set(), START, END)
    assert (result.examined, result.changed_count, result.changed) == (2, 0, ())


def test_whatif_only_looks_at_reports_received_in_the_period() -> None:
    receive(ipv(3, tipvda=9))
    outside = receive({**ipv(3, tipvda=9), "received_at": "2019-04-01T00:30:00+08:00"})
    result = what_if(with_changes("v2", tipvda_high=10), START, END)
    assert result.changed_count == 1
    assert outside.pk not in {c.report_id for c in result.changed}


def test_whatif_against_the_rule_set_in_force_compares_two_fresh_decisions() -> None:
    receive(ipv(3, tipvda=9))
    same = what_if(with_changes("v2", tipvda_high=8), START, END, against=default_rule_set())
    assert same.changed_count == 0 and same.against == "v1"
    changed = what_if(with_changes("v2", tipvda_high=10), START, END, against=default_rule_set())
    assert changed.changed_count == 1


def test_whatif_reads_registry_facts_through_the_persons_national_id() -> None:
    respondent_id = an_id("7000001")
    record_registry_entry(
        RegistryRow("psychiatric", respondent_id, level=3, event_date=datetime.date(2018, 5, 1))
    )
    report = receive(
        {
            "received_at": "2019-03-10T09:00:00+08:00",
            "area": "10010",
            "source": "POLICE",
            "subjects": [
                {"ref": "v", "role": "victim", "types": ["IPV"], "town": "10010020", "tipvda_score": 2},
                {"ref": "r", "role": "respondent", "types": ["IPV"], "national_id": respondent_id},
            ],
        }
    )
    assert any(r["route"] == "MHSW" for r in report.suggestion["routes"])
    assert what_if(default_rule_set(), START, END).changed_count == 0  # the registry is read again
    document = default_rule_set().to_dict()
    document["version"] = "v2"
    for rule in document["rules"]:
        if rule["id"] == "R4-MHSW-PSY":
            rule["enabled"] = False
    change = what_if(RuleSet.from_dict(document), START, END).changed[0]
    assert change.removed == {RouteOutcome("r", "MHSW", None)}


def test_whatif_limits_the_listed_changes_but_counts_them_all() -> None:
    for day in (3, 4, 5):
        receive(ipv(day, tipvda=9))
    result = what_if(with_changes("v2", tipvda_high=10), START, END, limit=2)
    assert (result.changed_count, len(result.changed)) == (3, 2)


def test_compare_names_the_changed_parameters_clocks_and_rules() -> None:
    document = default_rule_set().to_dict()
    document["version"] = "v2"
    document["parameters"]["tipvda_high"] = 10
    document["clocks"]["cp2_first_visit"]["days"] = 3
    document["rules"][0]["reason"] = "新理由"
    document["rules"][1]["enabled"] = False
    diff = compare(default_rule_set(), RuleSet.from_dict(document))
    assert [(c.key, c.before, c.after) for c in diff.parameters] == [("tipvda_high", "8", "10")]
    assert [c.key for c in diff.clocks] == ["cp2_first_visit"]
    assert [(c.key, c.after) for c in diff.rules] == [("R2-CP-1", "新理由"), ("R2-CP-VF", "停用")]
    assert diff.sections == ()
    assert not compare(default_rule_set(), default_rule_set())


# --- the page --------------------------------------------------------------------------------------


def draft_v2(tipvda_high: int = 10) -> str:
    document = default_rule_set().to_dict()
    document["version"] = "v2"
    document["parameters"]["tipvda_high"] = tipvda_high
    return services.draft_rule_set(document).version


def test_whatif_page_lists_changed_reports_with_route_labels(as_user) -> None:  # type: ignore[no-untyped-def]
    report = receive(ipv(3, tipvda=9))
    draft_v2()
    response = as_user("admin").get("/intake/rules/v2/whatif/", {"start": "108/03/01", "end": "108/03/31"})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.examined, result.changed_count) == (1, 1)
    html = response.content.decode()
    assert f"<td>{report.pk}</td>" in html
    assert "108/03/03 10:00" in html
    assert "被害人1：家防中心 P1" in html and "被害人1：家防中心 P2" in html  # no name for a manager
    assert "v：" not in html


def test_whatif_page_defaults_to_the_last_90_days(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("manager").get("/intake/rules/v1/whatif/")
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.end - result.start).days == 90
    assert result.changed_count == 0


@pytest.mark.parametrize(
    ("start", "end"),
    [("108/03/31", "108/03/01"), ("107/03/01", "108/03/01")],
    ids=["end-before-start", "over-a-year"],
)
def test_whatif_page_refuses_a_reversed_or_too_long_period(as_user, start: str, end: str) -> None:  # type: ignore[no-untyped-def]
    response = as_user("admin").get("/intake/rules/v1/whatif/", {"start": start, "end": end})
    assert response.status_code == 200
    assert response.context["result"] is None
    assert "end" in response.context["form"].errors


def test_whatif_page_refuses_a_date_that_is_not_one(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("admin").get("/intake/rules/v1/whatif/", {"start": "108/02/30", "end": "108/03/01"})
    assert response.status_code == 200
    assert "start" in response.context["form"].errors


def test_whatif_page_is_404_for_an_unknown_version(as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user("admin").get("/intake/rules/nope/whatif/").status_code == 404
