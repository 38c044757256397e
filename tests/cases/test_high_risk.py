"""The high-risk IPV list (TIPVDA ≥ 8) and the monthly network meeting that keeps or delists its cases."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from safetynet.cases.models import Case, MeetingDecision, RiskMeeting
from safetynet.cases.services import Decision, record_assessment, record_risk_meeting
from safetynet.domain import rocdate
from safetynet.intake.services import receive_report, screen_report
from safetynet.org.models import AccessKind, Staff, UnitKind
from safetynet.org.services import create_account
from tests.accounts import log_in
from tests.html_forms import form_with

pytestmark = pytest.mark.django_db


def user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=name)


def fpc_client(kind: str) -> Client:
    """A logged-in FPC caseworker or supervisor of 嘉義縣 (the demo has no FPC persona)."""
    staff = (
        Staff.objects.filter(
            unit__kind=UnitKind.FPC, unit__county_id="10010", role__kind=kind, left_on__isnull=True
        )
        .order_by("pk")
        .first()
    )
    assert staff is not None
    account = staff.user or create_account(staff, username=f"fpc-{kind}", password=None)
    return log_in(Client(), account)


def ipv_case(tipvda: int | None = None, types: tuple[str, ...] = ("IPV",), days_ago: int = 10) -> Case:
    received = timezone.localtime() - datetime.timedelta(days=days_ago)
    subject: dict[str, object] = {"ref": "v", "role": "victim", "types": list(types), "town": "10010020"}
    if tipvda is not None:
        subject["tipvda_score"] = tipvda
    document = {"received_at": received.isoformat(), "area": "10010", "source": "113", "subjects": [subject]}
    report = receive_report(document, by=user("screener")).report
    screen_report(report, by=user("screener"), at=received + datetime.timedelta(hours=2))
    return report.case_links.get(case__route="FPC").case


def tipvda(case: Case, yes: int, hours_ago: float = 1) -> None:
    record_assessment(
        case,
        instrument="tipvda",
        answers={"answers": [True] * yes + [False] * (15 - yes)},
        assessed_at=timezone.now() - datetime.timedelta(hours=hours_ago),
        by=user("manager"),
    )


def test_it_lists_a_case_when_a_tipvda_of_8_or_more_is_recorded() -> None:
    case = ipv_case()
    assert not case.high_risk
    tipvda(case, 7, hours_ago=3)
    assert not Case.objects.get(pk=case.pk).high_risk
    tipvda(case, 8, hours_ago=2)
    case.refresh_from_db()
    assert case.high_risk and "high_risk_meeting" in case.lists
    assert case.high_risk_since == case.assessments.get(total=8).assessed_at  # listed from the test's date


def test_it_lists_at_dispatch_when_the_report_gives_a_high_tipvda() -> None:
    case = ipv_case(tipvda=9)
    assert case.high_risk and case.priority == 1


def test_a_re_report_with_a_high_tipvda_lists_the_open_case() -> None:
    case = ipv_case(tipvda=5)
    assert not case.high_risk
    received = timezone.localtime() - datetime.timedelta(days=1)
    subject = {"ref": "v", "role": "victim", "types": ["IPV"], "town": "10010020", "tipvda_score": 9}
    document = {"received_at": received.isoformat(), "area": "10010", "source": "113", "subjects": [subject]}
    report = receive_report(document, by=user("screener"), persons={"v": case.person}).report
    screen_report(report, by=user("screener"), at=received + datetime.timedelta(hours=1))
    case.refresh_from_db()
    assert case.high_risk and case.reports.filter(report=report, re_report=True).exists()


def test_fpc_staff_see_every_listed_case_of_the_county_by_name() -> None:
    case = ipv_case(tipvda=9)
    for client in (fpc_client(AccessKind.CASEWORKER), fpc_client(AccessKind.SUPERVISOR)):
        response = client.get("/cases/high-risk/")
        assert response.status_code == 200
        assert case.pk in [row["case"].pk for row in response.context["rows"]]
        assert case.person.name in response.content.decode()


def test_a_manager_sees_the_list_counted_by_unit_and_no_name(as_user) -> None:  # type: ignore[no-untyped-def]
    listed, eligible = ipv_case(tipvda=9), ipv_case(tipvda=10)
    tipvda(eligible, 6)
    before = fpc_client("caseworker").get("/cases/high-risk/").context["rows"]
    response = as_user("manager").get("/cases/high-risk/")
    assert response.status_code == 200 and response.context["rows"] == []
    total = response.context["total"]
    assert total.listed == response.context["listed"] == len(before)
    assert total.eligible == sum(r["eligible"] for r in before) >= 1
    unit = next(t for t in response.context["tallies"] if t.unit == listed.unit.name)
    assert unit.listed == sum(r["case"].unit_id == listed.unit_id for r in before)
    page = response.content.decode()
    assert 'data-testid="tallies"' in page
    for case in (listed, eligible):
        assert case.person.name not in page
        assert f"/cases/{case.pk}/" not in page


def test_other_workers_see_only_listed_cases_they_serve(as_user) -> None:  # type: ignore[no-untyped-def]
    case = ipv_case(tipvda=9)
    for name in ("worker", "otherunit", "supervisor"):
        response = as_user(name).get("/cases/high-risk/")
        assert response.status_code == 200
        assert case.pk not in [row["case"].pk for row in response.context["rows"]]
    for name in ("partner", "reviewer", "admin", "screener"):
        assert as_user(name).get("/cases/high-risk/").status_code == 403


def test_a_sexual_assault_victim_on_the_list_is_named_inside_fpc_only(as_user) -> None:  # type: ignore[no-untyped-def]
    case = ipv_case(tipvda=9, types=("IPV", "SA"))
    assert case.person.name in fpc_client("supervisor").get("/cases/high-risk/").content.decode()
    for name in ("manager", "supervisor", "worker", "otherunit"):
        assert case.person.name not in as_user(name).get("/cases/high-risk/").content.decode()


def test_it_flags_a_case_eligible_for_delisting_after_a_low_retest() -> None:
    case = ipv_case(tipvda=9)
    tipvda(case, 6)
    rows = {r["case"].pk: r for r in fpc_client("caseworker").get("/cases/high-risk/").context["rows"]}
    assert rows[case.pk]["eligible"] and rows[case.pk]["latest"].total == 6


def meeting_form(cases: dict[int, str], **extra: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "held_on": rocdate.format(today, "slash"),
        "title": "高危機網絡會議",
        "attendees": "家防中心、警察局",
    }
    for pk, decision in cases.items():
        data[f"decision-{pk}"] = decision
        data[f"note-{pk}"] = f"note {pk}"
    return {**data, **extra}


def test_a_meeting_keeps_one_case_and_delists_another_after_a_retest_of_6() -> None:
    keep, delist = ipv_case(tipvda=9), ipv_case(tipvda=10)
    tipvda(delist, 6)
    client = fpc_client("supervisor")
    form = client.get("/cases/high-risk/meetings/new/")
    assert form.context["form"]["title"].value().startswith("高危機網絡會議 ")
    response = client.post(
        "/cases/high-risk/meetings/new/", meeting_form({keep.pk: "keep", delist.pk: "delist"})
    )
    assert response.status_code == 302
    meeting = RiskMeeting.objects.latest("pk")
    assert response["Location"] == f"/cases/high-risk/meetings/{meeting.pk}/"
    assert dict(meeting.decisions.values_list("case_id", "decision")) == {
        keep.pk: MeetingDecision.KEEP,
        delist.pk: MeetingDecision.DELIST,
    }
    assert Case.objects.get(pk=keep.pk).high_risk
    assert not Case.objects.get(pk=delist.pk).high_risk
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and "note " in detail.content.decode()
    listed = client.get("/cases/high-risk/").context["rows"]
    assert delist.pk not in [r["case"].pk for r in listed]


def test_a_delisting_without_a_retest_shows_on_its_row_and_saves_nothing() -> None:
    keep, delist = ipv_case(tipvda=9), ipv_case(tipvda=10)
    tipvda(delist, 9)  # a re-test, but still high
    before = RiskMeeting.objects.count()
    response = fpc_client("supervisor").post(
        "/cases/high-risk/meetings/new/", meeting_form({keep.pk: "keep", delist.pk: "delist"})
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [f"decision-{delist.pk}"]
    assert "TIPVDA" in errors[f"decision-{delist.pk}"][0]
    assert RiskMeeting.objects.count() == before
    assert Case.objects.get(pk=delist.pk).high_risk
    # Every choice stays as made, and the problem is listed at the top, linked to its row.
    html = response.content.decode()
    assert 'data-testid="error-summary"' in html
    kept = form_with(html, action="", having=f"note-{keep.pk}").data()
    assert kept[f"decision-{keep.pk}"] == "keep" and kept[f"decision-{delist.pk}"] == "delist"


def test_enter_in_a_note_never_sends_the_meetings_decisions() -> None:
    ipv_case(tipvda=9)
    html = fpc_client("supervisor").get("/cases/high-risk/meetings/new/").content.decode()
    meeting = form_with(html, action="", having="title")
    assert "data-enter-moves" in meeting.attrs  # Enter moves to the next field; the button saves


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"held_on": "2025/01/01"}, "held_on"),
        ({"held_on": "999/99/99"}, "held_on"),
        ({"title": "   "}, "title"),
        ({"decision-{pk}": "burn"}, "decision-{pk}"),
    ],
)
def test_bad_meeting_input_is_a_field_error(extra: dict[str, str], field: str) -> None:
    case = ipv_case(tipvda=9)
    data = meeting_form({case.pk: "keep"})
    data.update({k.format(pk=case.pk): v for k, v in extra.items()})
    before = RiskMeeting.objects.count()
    response = fpc_client("supervisor").post("/cases/high-risk/meetings/new/", data)
    assert response.status_code == 200
    assert field.format(pk=case.pk) in response.context["form"].errors
    assert RiskMeeting.objects.count() == before


def test_a_meeting_in_the_future_or_without_any_decision_is_refused() -> None:
    case = ipv_case(tipvda=9)
    client = fpc_client("supervisor")
    tomorrow = rocdate.format(timezone.localdate() + datetime.timedelta(days=1), "slash")
    response = client.post(
        "/cases/high-risk/meetings/new/", meeting_form({case.pk: "keep"}, held_on=tomorrow)
    )
    assert "held_on" in response.context["form"].errors
    response = client.post("/cases/high-risk/meetings/new/", meeting_form({case.pk: ""}))
    assert response.context["form"].non_field_errors()


def test_only_fpc_supervisors_record_meetings(as_user) -> None:  # type: ignore[no-untyped-def]
    assert fpc_client("supervisor").get("/cases/high-risk/meetings/new/").status_code == 200
    assert as_user("manager").get("/cases/high-risk/meetings/new/").status_code == 403  # aggregates only
    assert as_user("supervisor").get("/cases/high-risk/meetings/new/").status_code == 403  # not FPC
    assert as_user("worker").get("/cases/high-risk/meetings/new/").status_code == 403
    assert fpc_client("caseworker").get("/cases/high-risk/meetings/new/").status_code == 403


def test_a_meeting_shows_each_viewer_only_the_decisions_in_their_scope(as_user) -> None:  # type: ignore[no-untyped-def]
    case = ipv_case(tipvda=9)
    meeting = record_risk_meeting(
        area="10010",
        held_on=timezone.localdate(),
        title="高危機網絡會議",
        decisions=[Decision(case, "keep", "安全計畫更新")],
        by=user("manager"),
    )
    url = f"/cases/high-risk/meetings/{meeting.pk}/"
    fpc = fpc_client("caseworker").get(url)
    assert [r["case"].pk for r in fpc.context["rows"]] == [case.pk]
    assert "安全計畫更新" in fpc.content.decode()
    for name in ("worker", "manager"):
        response = as_user(name).get(url)
        assert response.context["rows"] == [] and response.context["others"] == 1
        assert response.context["counted"] == [
            (MeetingDecision.KEEP.label, 1),
            (MeetingDecision.DELIST.label, 0),
        ]
        page = response.content.decode()
        assert "安全計畫更新" not in page and case.person.name not in page
    assert as_user("worker").get("/cases/high-risk/meetings/999999/").status_code == 404
    assert as_user("partner").get(url).status_code == 403


def test_the_list_page_reads_a_bounded_number_of_queries(as_user, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        tipvda(ipv_case(tipvda=9), 6)
    for client in (fpc_client("supervisor"), as_user("manager")):
        with django_assert_max_num_queries(13):  # 10 to read; the log entry: 2, on PostgreSQL 3
            client.get("/cases/high-risk/")
