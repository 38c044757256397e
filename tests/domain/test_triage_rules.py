"""The default rule set v1 (DOMAIN §4 rules 1-9, §5 clocks), one rule at a time."""

from __future__ import annotations

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from safetynet.domain.triage import (
    Decision,
    FactsError,
    RegistryFacts,
    Report,
    RouteDecision,
    RuleSet,
    Subject,
    decide,
    default_rule_set,
)

TAIPEI = ZoneInfo("Asia/Taipei")
RECEIVED = datetime.datetime(2021, 11, 24, 9, 0, tzinfo=TAIPEI)
AREA = "10010"  # 嘉義縣
HOME = "10010020"  # a town of 嘉義縣
AWAY = "10020010"  # 嘉義市東區: another county
RULES = default_rule_set()
EMERGENCY_FLAGS = ["serious_injury", "under6_unattended", "sexual_abuse_access", "imminent_danger"]


def a_subject(ref: str = "s1", role: str = "victim", types: tuple[str, ...] = (), **facts: Any) -> Subject:
    facts.setdefault("town", HOME)
    facts["flags"] = frozenset(facts.get("flags", ()))
    facts["open_routes"] = frozenset(facts.get("open_routes", ()))
    return Subject(ref=ref, role=role, types=types, **facts)


def screen(*subjects: Subject, rules: RuleSet = RULES, received: datetime.datetime = RECEIVED) -> Decision:
    return decide(Report(received_at=received, area=AREA, source="113", subjects=subjects), rules)


def routes(decision: Decision, ref: str = "s1") -> dict[str, RouteDecision]:
    found = decision.for_subject(ref)
    by_route = {r.route: r for r in found}
    assert len(by_route) == len(found), "one route appears once per subject"
    return by_route


def due(route: RouteDecision, clock: str) -> datetime.datetime:
    found = route.clock(clock)
    assert found is not None, f"{route.route} has no clock {clock}"
    return found.due


# --- rule 1: residence outside the county -----------------------------------------------------


def test_it_transfers_a_subject_living_in_another_county() -> None:
    decision = screen(a_subject(types=("IPV",), town=AWAY, tipvda_score=12))

    assert set(routes(decision)) == {"XFER"}
    assert decision.fired == ("R1-XFER",)


def test_it_still_handles_cp_grade_1_here_and_also_transfers() -> None:
    decision = screen(a_subject(role="child", types=("CP",), town=AWAY, flags={"imminent_danger"}))

    found = routes(decision)
    assert set(found) == {"FPC", "XFER"}
    assert found["FPC"].priority == 1
    assert found["FPC"].grade == "第1級"
    assert due(found["FPC"], "cp1_first_visit") == RECEIVED + datetime.timedelta(hours=24)


def test_it_leaves_cp_grade_2_to_the_county_of_residence() -> None:
    decision = screen(a_subject(role="child", types=("CP",), town=AWAY))

    assert set(routes(decision)) == {"XFER"}


def test_it_treats_an_unknown_town_as_this_county() -> None:
    decision = screen(a_subject(types=("VF",), town=None))

    assert set(routes(decision)) == {"SWC"}


# --- rule 2: child protection -------------------------------------------------------------------


@pytest.mark.parametrize("flag", EMERGENCY_FLAGS)
def test_it_grades_cp_with_an_emergency_flag_as_grade_1(flag: str) -> None:
    fpc = routes(screen(a_subject(role="child", types=("CP",), flags={flag})))["FPC"]

    assert (fpc.priority, fpc.grade) == (1, "第1級")
    assert "R2-CP-1" in fpc.rules


def test_it_grades_cp_without_an_emergency_flag_as_grade_2() -> None:
    fpc = routes(screen(a_subject(role="child", types=("CP",), flags={"children_in_household"})))["FPC"]

    assert (fpc.priority, fpc.grade) == (2, "第2級")
    assert fpc.clock("cp1_first_visit") is None
    assert due(fpc, "cp2_first_visit") == RECEIVED + datetime.timedelta(days=4)


@pytest.mark.parametrize(
    ("flags", "classification"),
    [
        ({"caregiver_perpetrator"}, "第一類"),
        ({"non_caregiver_perpetrator"}, "第二類"),
        (set(), "第三類"),
        ({"caregiver_perpetrator", "serious_injury"}, "第一類"),
    ],
)
def test_it_classifies_cp(flags: set[str], classification: str) -> None:
    fpc = routes(screen(a_subject(role="child", types=("CP",), flags=flags)))["FPC"]

    assert fpc.classification == classification


def test_it_sends_cp_without_protection_criterion_but_with_vulnerability_to_the_swc() -> None:
    child = a_subject(role="child", types=("CP",), flags={"no_protection_criterion", "vulnerability:3"})

    found = routes(screen(child))

    assert set(found) == {"SWC"}
    assert found["SWC"].rules == ("R2-CP-VF",)
    assert due(found["SWC"], "vf_first_visit") == RECEIVED + datetime.timedelta(days=10)


def test_it_keeps_cp_without_protection_criterion_and_without_vulnerability_at_the_fpc() -> None:
    child = a_subject(role="child", types=("CP",), flags={"no_protection_criterion"})

    assert routes(screen(child))["FPC"].grade == "第2級"


def test_it_does_not_open_a_cp_case_for_the_respondent() -> None:
    decision = screen(
        a_subject("c1", role="child", types=("CP",)),
        a_subject("p1", role="respondent", types=("CP",)),
    )

    respondent = routes(decision, "p1")
    assert set(respondent) == {"NONE"}
    assert "相對人" in respondent["NONE"].reason
    assert respondent["NONE"].priority is None
    assert respondent["NONE"].clocks == ()


# --- rule 3: domestic violence, sexual assault, elder and disability protection -------------


@pytest.mark.parametrize("report_type", ["IPV", "FV", "SA", "EP", "DP"])
def test_it_routes_dv_reports_to_the_fpc(report_type: str) -> None:
    fpc = routes(screen(a_subject(types=(report_type,))))["FPC"]

    assert fpc.priority == 2
    assert fpc.lists == ()


@pytest.mark.parametrize(("score", "priority"), [(8, 1), (15, 1), (7, 2), (0, 2), (None, 2)])
def test_it_lists_high_risk_ipv_for_the_network_meeting(score: int | None, priority: int) -> None:
    fpc = routes(screen(a_subject(types=("IPV",), tipvda_score=score)))["FPC"]

    assert fpc.priority == priority
    assert fpc.lists == (("high_risk_meeting",) if priority == 1 else ())


def test_it_uses_tipvda_for_ipv_only() -> None:
    fpc = routes(screen(a_subject(types=("FV",), tipvda_score=12)))["FPC"]

    assert fpc.priority == 2


@pytest.mark.parametrize("report_type", ["IPV", "FV"])
def test_it_notifies_education_of_children_witnessing_violence(report_type: str) -> None:
    found = routes(screen(a_subject(types=(report_type,), flags={"children_in_household"})))

    assert set(found) == {"FPC", "EDU"}
    assert found["EDU"].rules == ("R3-EDU-WITNESS",)


def test_it_sends_no_witness_notice_for_sexual_assault() -> None:
    assert set(routes(screen(a_subject(types=("SA",), flags={"children_in_household"})))) == {"FPC"}


# --- rule 4: respondents of DV reports --------------------------------------------------------


def dv_report_with(respondent: Subject) -> Decision:
    return screen(a_subject("v1", types=("IPV",)), respondent)


@pytest.mark.parametrize("level", [1, 3, 5])
def test_it_opens_mhsw_for_a_respondent_in_the_psychiatric_registry(level: int) -> None:
    respondent = a_subject("r1", "respondent", ("IPV",), registry=RegistryFacts(psychiatric_level=level))

    found = routes(dv_report_with(respondent), "r1")

    assert set(found) == {"MHSW"}
    assert found["MHSW"].rules == ("R4-MHSW-PSY",)


@pytest.mark.parametrize(("days_before", "opens"), [(0, True), (300, True), (365, True), (366, False)])
def test_it_opens_mhsw_for_a_respondent_with_a_recent_suicide_report(days_before: int, opens: bool) -> None:
    reported = RECEIVED.date() - datetime.timedelta(days=days_before)
    respondent = a_subject(
        "r1", "respondent", ("IPV",), registry=RegistryFacts(suicide_report_dates=(reported,))
    )

    found = routes(dv_report_with(respondent), "r1")

    assert ("MHSW" in found) is opens


def test_it_ignores_suicide_reports_dated_after_receipt() -> None:
    later = RECEIVED.date() + datetime.timedelta(days=1)
    respondent = a_subject(
        "r1", "respondent", ("IPV",), registry=RegistryFacts(suicide_report_dates=(later,))
    )

    assert "MHSW" not in routes(dv_report_with(respondent), "r1")


@pytest.mark.parametrize(
    "facts",
    [
        {"registry": RegistryFacts(court_ordered_treatment=True)},
        {"flags": {"court_ordered_treatment"}},
    ],
)
def test_it_sends_a_respondent_with_court_ordered_treatment_to_tcsw(facts: dict[str, Any]) -> None:
    found = routes(dv_report_with(a_subject("r1", "respondent", ("IPV",), **facts)), "r1")

    assert set(found) == {"TCSW"}


def test_it_gives_a_plain_respondent_no_case_with_a_reason() -> None:
    decision = dv_report_with(a_subject("r1", "respondent", ("IPV",)))

    none = routes(decision, "r1")["NONE"]
    assert none.rules == ("R4-RESP-NONE",)
    assert "相對人" in none.reason


def test_it_opens_no_extra_mhsw_for_a_victim_in_the_psychiatric_registry() -> None:
    victim = a_subject(types=("IPV",), registry=RegistryFacts(psychiatric_level=2))

    assert set(routes(screen(victim))) == {"FPC"}


def test_it_opens_no_respondent_mhsw_outside_a_dv_report() -> None:
    respondent = a_subject("r1", "respondent", ("VF",), registry=RegistryFacts(psychiatric_level=1))

    assert set(routes(screen(respondent), "r1")) == {"SWC"}


# --- rule 5: vulnerable families ------------------------------------------------------------------


def test_it_sends_vulnerable_families_to_the_swc_with_visit_and_assessment_clocks() -> None:
    swc = routes(screen(a_subject(types=("VF",))))["SWC"]

    assert swc.priority is None
    assert due(swc, "vf_first_visit") == datetime.datetime(2021, 12, 4, 9, 0, tzinfo=TAIPEI)
    assert due(swc, "vf_assessment") == datetime.datetime(2021, 12, 24, 9, 0, tzinfo=TAIPEI)


# --- rule 6: suicide reports -----------------------------------------------------------------------


def test_it_sends_a_suicide_report_to_a_care_visitor_within_3_days() -> None:
    found = routes(screen(a_subject(types=("SU",))))

    assert set(found) == {"CV"}
    assert due(found["CV"], "su_first_contact") == datetime.datetime(2021, 11, 27, 9, 0, tzinfo=TAIPEI)


@pytest.mark.parametrize(
    "subjects",
    [
        [a_subject(types=("SU",), protective_issue=True)],
        [a_subject(types=("SU",), open_routes={"FPC"})],
        [a_subject(types=("SU",)), a_subject("s2", types=("IPV",))],
        [a_subject(types=("SU", "FV"))],
    ],
    ids=["protective-issue", "open-fpc-case", "dv-on-the-same-report", "own-dv-report"],
)
def test_it_sends_a_suicide_report_with_a_protective_issue_to_mhsw(subjects: list[Subject]) -> None:
    found = routes(screen(*subjects))

    assert "MHSW" in found and "CV" not in found
    assert due(found["MHSW"], "su_first_contact") == RECEIVED + datetime.timedelta(days=3)


# --- rule 7: suspected mental illness ------------------------------------------------------------


@pytest.mark.parametrize("level", [1, 2])
def test_it_sends_psychiatric_levels_1_and_2_to_a_care_visitor(level: int) -> None:
    subject = a_subject(types=("MH",), registry=RegistryFacts(psychiatric_level=level))

    assert set(routes(screen(subject))) == {"CV"}


@pytest.mark.parametrize("level", [3, 5, None])
def test_it_opens_no_case_for_other_levels_and_says_why(level: int | None) -> None:
    decision = screen(a_subject(types=("MH",), registry=RegistryFacts(psychiatric_level=level)))

    none = routes(decision)["NONE"]
    assert none.rules == ("R7-MH-NONE",)
    assert "精神" in none.reason
    assert decision.fired == ("R7-MH-NONE",)


@pytest.mark.parametrize("level", [1, 4, None])
def test_it_sends_mental_illness_with_a_protective_issue_to_mhsw(level: int | None) -> None:
    subject = a_subject(types=("MH",), protective_issue=True, registry=RegistryFacts(psychiatric_level=level))

    assert set(routes(screen(subject))) == {"MHSW"}


def test_it_drops_the_no_case_outcome_when_another_rule_routes_the_subject() -> None:
    decision = screen(a_subject(types=("MH", "VF"), registry=RegistryFacts(psychiatric_level=4)))

    assert set(routes(decision)) == {"SWC"}
    assert "R7-MH-NONE" not in decision.fired


# --- rule 8: drugs, youth at risk, dropouts --------------------------------------------------------


@pytest.mark.parametrize(("report_type", "route"), [("DR", "DRUG"), ("YR", "YAC"), ("DO", "EDU")])
def test_it_routes_to_the_partner_unit(report_type: str, route: str) -> None:
    assert set(routes(screen(a_subject(types=(report_type,))))) == {route}


# --- rule 9: re-reports and reports that meet no rule ---------------------------------------------


def test_it_attaches_a_re_report_to_the_open_case_of_the_same_route() -> None:
    child = a_subject(role="child", types=("CP",), flags={"serious_injury"}, open_routes={"FPC"})

    fpc = routes(screen(child))["FPC"]

    assert fpc.attach_to_open_case is True
    assert fpc.reason.startswith("續報：併入既有個案")
    assert fpc.rules[-1] == "R9-ATTACH"
    assert fpc.priority == 1 and fpc.clock("cp1_first_visit") is not None, "danger still needs the visit"


def test_it_opens_a_new_case_when_the_open_case_is_of_another_route() -> None:
    found = routes(screen(a_subject(types=("VF", "DR"), open_routes={"DRUG"})))

    assert found["SWC"].attach_to_open_case is False
    assert found["DRUG"].attach_to_open_case is True


def test_it_gives_a_subject_that_meets_no_rule_no_case_with_the_reason() -> None:
    decision = screen(a_subject(role="family", types=()))

    assert decision.to_json()["routes"] == [
        {
            "route": "NONE",
            "subject": "s1",
            "priority": None,
            "clocks": [],
            "grade": None,
            "classification": None,
            "lists": [],
            "attach_to_open_case": False,
            "reason": "未符合任何篩派規則，不開案",
            "rules": ["R9-NONE"],
        }
    ]
    assert decision.fired == ("R9-NONE",)
    assert decision.reasons == ("未符合任何篩派規則，不開案",)


# --- clocks (DOMAIN §5) ------------------------------------------------------------------------------


def test_it_puts_the_24_hour_screening_clock_first_on_every_route() -> None:
    decision = screen(a_subject(types=("VF", "SU", "DR")))

    assert decision.screening_due == RECEIVED + datetime.timedelta(hours=24)
    for route in decision.routes:
        assert route.clocks[0].name == "screening"
        assert route.clocks[0].due == decision.screening_due


def test_it_counts_clocks_in_taipei_calendar_time_whatever_the_offset_received() -> None:
    # 20:00 UTC on 30 November is 04:00 on 1 December in Taipei.
    received = datetime.datetime(2021, 11, 30, 20, 0, tzinfo=datetime.UTC)

    cv = routes(screen(a_subject(types=("SU",)), received=received))["CV"]

    assert due(cv, "su_first_contact").isoformat() == "2021-12-04T04:00:00+08:00"
    assert due(cv, "screening").isoformat() == "2021-12-02T04:00:00+08:00"


def test_it_starts_a_clock_at_the_screening_due_time_when_the_document_says_so() -> None:
    document = RULES.to_dict()
    document["clocks"]["su_first_contact"]["from"] = "screening_due"

    cv = routes(screen(a_subject(types=("SU",)), rules=RuleSet.from_dict(document)))["CV"]

    assert due(cv, "su_first_contact") == RECEIVED + datetime.timedelta(days=4)


# --- several subjects and the output contract --------------------------------------------------------


def test_it_decides_for_every_subject_of_a_dv_report() -> None:
    decision = screen(
        a_subject("s1", types=("IPV",), tipvda_score=9, flags={"children_in_household"}),
        a_subject("s2", "respondent", ("IPV",), registry=RegistryFacts(psychiatric_level=2)),
    )

    assert [(r.subject, r.route, r.priority) for r in decision.routes] == [
        ("s1", "FPC", 1),
        ("s1", "EDU", None),
        ("s2", "MHSW", None),
    ]
    assert decision.fired == ("R3-IPV-HIGH", "R3-EDU-WITNESS", "R4-MHSW-PSY")
    assert decision.reasons == tuple(RULES.rule(rule_id).reason for rule_id in decision.fired)


def test_it_produces_the_triage_command_contract() -> None:
    output = screen(a_subject(types=("IPV",), tipvda_score=8)).to_json()

    assert set(output) == {"rule_set", "routes", "fired", "reasons"}
    assert output["rule_set"] == "v1"
    route = output["routes"][0]
    assert {k: route[k] for k in ("route", "subject", "priority", "clocks")} == {
        "route": "FPC",
        "subject": "s1",
        "priority": 1,
        "clocks": [{"name": "screening", "due": "2021-11-25T09:00:00+08:00"}],
    }
    assert route["lists"] == ["high_risk_meeting"]
    assert output["fired"] == ["R3-IPV-HIGH"]
    assert output["reasons"] == [RULES.rule("R3-IPV-HIGH").reason]


# --- facts: wrong shapes are refused where they are built -------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: a_subject(role="witness"), "role: one of victim, respondent, child, family"),
        (lambda: a_subject(town="1001002"), "town: 8 digits"),
        (lambda: a_subject(types="CP"), "types: expected a collection of codes"),  # type: ignore[arg-type]
        (lambda: a_subject(tipvda_score=16), "tipvda_score: 0 to 15"),
        (lambda: a_subject(ref=" "), "Subject.ref"),
        (lambda: RegistryFacts(psychiatric_level=6), "psychiatric_level: 1 to 5"),
        (lambda: RegistryFacts(suicide_report_dates=(RECEIVED,)), "suicide_report_dates: expected dates"),
        (lambda: Report(RECEIVED.replace(tzinfo=None), AREA, "113", (a_subject(),)), "received_at: an aware"),
        (lambda: Report(RECEIVED, "1001", "113", (a_subject(),)), "area: a 5-digit county code"),
        (lambda: Report(RECEIVED, AREA, "113", ()), "subjects: at least one subject"),
        (lambda: Report(RECEIVED, AREA, "113", (a_subject(), a_subject())), "'s1' names two subjects"),
    ],
)
def test_it_refuses_facts_of_the_wrong_shape(build: Any, message: str) -> None:
    with pytest.raises(FactsError, match=re.escape(message)):
        build()


def test_it_accepts_lists_where_tuples_are_expected() -> None:
    subject = Subject(ref="s1", role="victim", types=["VF"], town=None, flags=["x"])  # type: ignore[arg-type]

    assert subject.types == ("VF",) and subject.flags == frozenset({"x"})
