"""The report page: subjects by name, the suggestion in words, a decision that Enter cannot make, an
override that keeps what was chosen when it fails, and the cases and dispatches the decision produced."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.cases.models import Case
from safetynet.intake.models import DispatchOutcome, Report, Screening
from safetynet.intake.services import receive_report, screen_report
from safetynet.org.models import Staff

pytestmark = pytest.mark.django_db


def report(*subjects: dict[str, Any]) -> Report:
    document = {
        "received_at": (timezone.localtime() - datetime.timedelta(hours=1)).isoformat(),
        "area": "10010",
        "source": "113",
        "narrative": "案妻來電",
        "subjects": [{"ref": f"s{i}", **s} for i, s in enumerate(subjects, start=1)],
    }
    return receive_report(document, by=get_user_model().objects.get(username="screener")).report


def ipv() -> Report:
    return report(
        {"role": "victim", "types": ["IPV"], "town": "10010050", "name": "林曉薇"},
        {"role": "respondent"},
    )


def override(rep: Report, **changes: Any) -> dict[str, Any]:
    """The override form as the page sends it: the suggestion's routes and priorities, and `changes`."""
    subjects = list(rep.subjects.order_by("pk"))
    data: dict[str, Any] = {"action": "override", "reason": ""}
    for subject in subjects:
        mine = [r for r in rep.suggestion["routes"] if r["subject"] == subject.ref]
        data[f"route-{subject.pk}"] = [r["route"] for r in mine]
        for r in mine:
            data[f"priority-{subject.pk}-{r['route']}"] = str(r["priority"] or "")
    data.update(changes)
    return data


def test_subjects_are_named_and_routes_are_words(as_user) -> None:  # type: ignore[no-untyped-def]
    rep = ipv()
    page = as_user("screener").get(f"/intake/reports/{rep.pk}/").content.decode()
    suggested = page[page.index('data-testid="suggested"') : page.index("</table>", page.index("suggested"))]
    assert "林曉薇" in suggested and "相對人2" in suggested and "家防中心" in suggested
    assert not re.search(r">\s*(s1|s2|FPC|NONE)\s*<", suggested)
    panel = page[page.index('data-testid="override"') :]
    assert "林曉薇" in panel and "相對人2" in panel
    assert ">s1<" not in panel and "s1 ·" not in panel


def test_the_decision_cannot_be_made_by_enter_and_asks_first(as_user) -> None:  # type: ignore[no-untyped-def]
    page = as_user("screener").get(f"/intake/reports/{ipv().pk}/").content.decode()
    forms = re.findall(r"<form method=\"post\" action=\"/intake/reports/\d+/screen/\".*?</form>", page, re.S)
    confirm, change = forms
    # Confirm: a form of its own with no field to press Enter in; it asks.
    assert "<textarea" not in confirm and not re.search(r"<input(?![^>]*type=\"hidden\")", confirm)
    assert 'value="confirm"' in confirm and "data-confirm=" in confirm
    # Override: its first submit button is disabled (Enter submits nothing); the real one asks.
    buttons = re.findall(r"<button[^>]*>", change)
    assert "disabled" in buttons[0] and 'type="submit"' in buttons[0]
    assert 'value="override"' in buttons[-1] and "data-confirm=" in buttons[-1]
    assert "data-enter-moves" in change


def test_an_override_without_a_reason_keeps_every_choice_and_the_panel_open(as_user) -> None:  # type: ignore[no-untyped-def]
    rep = ipv()
    victim, respondent = rep.subjects.order_by("pk")
    data = override(
        rep,
        **{
            f"route-{victim.pk}": ["FPC", "EDU"],
            f"priority-{victim.pk}-FPC": "1",
            f"route-{respondent.pk}": ["MHSW"],
            f"priority-{respondent.pk}-MHSW": "2",
        },
    )
    response = as_user("screener").post(f"/intake/reports/{rep.pk}/screen/", data)
    assert response.status_code == 422
    assert not Screening.objects.filter(report=rep).exists()
    page = response.content.decode()
    assert '<details class="card" data-testid="override" open>' in page
    summary = page[page.index('data-testid="error-summary"') :]
    assert "修改建議的篩派結果，請填寫理由。" in summary and 'href="#id_reason"' in summary
    for name, value in (
        (f"route-{victim.pk}", "FPC"),
        (f"route-{victim.pk}", "EDU"),
        (f"route-{respondent.pk}", "MHSW"),
    ):
        assert re.search(rf'name="{name}" value="{value}" id="[^"]+" checked', page), (name, value)
    assert not re.search(rf'name="route-{respondent.pk}" value="NONE" id="[^"]+" checked', page)
    for name, value in ((f"priority-{victim.pk}-FPC", "1"), (f"priority-{respondent.pk}-MHSW", "2")):
        select = page[page.index(f'name="{name}"') : page.index("</select>", page.index(f'name="{name}"'))]
        assert f'<option value="{value}" selected>' in select, name


def test_an_override_keeps_the_reason_typed_when_another_part_fails(as_user) -> None:  # type: ignore[no-untyped-def]
    rep = ipv()
    victim, respondent = rep.subjects.order_by("pk")
    data = override(rep, reason="電話中聽到打鬥聲", **{f"route-{respondent.pk}": []})
    response = as_user("screener").post(f"/intake/reports/{rep.pk}/screen/", data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "電話中聽到打鬥聲</textarea>" in page
    assert "請為相對人2至少勾選一個服務路徑" in page
    assert not Screening.objects.filter(report=rep).exists()


def test_an_override_with_a_reason_is_dispatched(as_user) -> None:  # type: ignore[no-untyped-def]
    rep = ipv()
    victim, _respondent = rep.subjects.order_by("pk")
    data = override(rep, reason="電話中聽到打鬥聲", **{f"priority-{victim.pk}-FPC": "1"})
    response = as_user("screener").post(f"/intake/reports/{rep.pk}/screen/", data)
    assert response.status_code == 302
    screening = Screening.objects.get(report=rep)
    assert screening.overridden and screening.reason == "電話中聽到打鬥聲"
    assert Case.objects.get(dispatches__screening=screening, route="FPC").priority == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"route-{v}": ["NOPE"]},
        {"priority-{v}-FPC": "9"},
        {"route-999999": ["FPC"]},
        {"reason": "x" * 5000},
    ],
)
def test_odd_override_input_is_refused_on_its_field_and_dispatches_nothing(as_user, changes) -> None:  # type: ignore[no-untyped-def]
    rep = ipv()
    victim = rep.subjects.order_by("pk").first()
    data = override(rep, **{k.replace("{v}", str(victim.pk)): v for k, v in changes.items()})
    response = as_user("screener").post(f"/intake/reports/{rep.pk}/screen/", data)
    assert response.status_code in (302, 422)
    if "route-999999" in changes:  # a field the form does not have is ignored, like any stray field
        return
    assert response.status_code == 422
    assert not Screening.objects.filter(report=rep).exists()


def test_a_post_without_a_decision_decides_nothing(as_user) -> None:  # type: ignore[no-untyped-def]
    rep = ipv()
    response = as_user("screener").post(f"/intake/reports/{rep.pk}/screen/", {})
    assert response.status_code == 400
    assert not Screening.objects.filter(report=rep).exists()


def test_the_second_decision_names_who_made_the_first_by_name(as_user) -> None:  # type: ignore[no-untyped-def]
    rep = ipv()
    client = as_user("screener")
    assert client.post(f"/intake/reports/{rep.pk}/screen/", {"action": "confirm"}).status_code == 302
    again = client.post(f"/intake/reports/{rep.pk}/screen/", {"action": "confirm"})
    assert again.status_code == 409
    name = Staff.objects.get(user__username="screener").name
    assert f"此通報已由{name}於" in again.content.decode()
    assert ">screener<" not in again.content.decode()


def test_the_decision_lists_its_cases_by_number_unit_worker_and_status(as_user) -> None:  # type: ignore[no-untyped-def]
    rep = ipv()
    screening = screen_report(rep, by=get_user_model().objects.get(username="screener"))
    page = as_user("screener").get(f"/intake/reports/{rep.pk}/").content.decode()
    name = Staff.objects.get(user__username="screener").name
    decided = page[page.index('data-testid="screened-by"') :]
    assert name in decided[:300] and "screener" not in decided[:300]
    case = Case.objects.get(dispatches__screening=screening)
    row = page[page.index('data-testid="dispatch"') :]
    row = row[: row.index("</tr>")]
    assert f"個案 {case.pk}" in row and case.unit.name in row and case.get_status_display() in row
    assert case.lead.name in row if case.lead else "等候督導分派" in row
    assert "家防中心" in row and ">FPC<" not in row
    # The screening desk does not open case pages: no link it could only meet a 403 behind.
    assert f'href="/cases/{case.pk}/"' not in page
    assert as_user("screener").get(f"/cases/{case.pk}/").status_code == 403


def test_a_transfer_shows_the_receiving_county(as_user) -> None:  # type: ignore[no-untyped-def]
    rep = report({"role": "victim", "types": ["IPV"], "town": "10020010", "name": "陳怡君"})
    screen_report(rep, by=get_user_model().objects.get(username="screener"))
    assert rep.screening.dispatches.get().outcome == DispatchOutcome.TRANSFER
    client = as_user("screener")
    page = client.get(f"/intake/reports/{rep.pk}/").content.decode()
    assert '<span data-testid="to-county">嘉義市</span>' in page and "移轉他縣市" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/intake/reports/{rep.pk}/").content.decode()
    assert '<span data-testid="to-county">Chiayi City</span>' in english


def test_the_report_page_in_english_names_routes_roles_and_types_in_english(as_user) -> None:  # type: ignore[no-untyped-def]
    rep = ipv()
    client = as_user("screener")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/intake/reports/{rep.pk}/").content.decode()
    main = page[page.index("<main") :]
    assert "Respondent 2" in main and "Intimate partner violence" in main
    for chrome in ("相對人", "被害人", "親密關係暴力", "篩派表單", "確認並派案", "優先"):
        assert chrome not in main, chrome


def test_the_report_page_answers_only_get(as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user("screener").post(f"/intake/reports/{ipv().pk}/").status_code == 405
