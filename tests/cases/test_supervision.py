"""Supervision sessions (督導紀錄): the supervisor records them, the unit's workers read the list."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safetynet.cases.models import Case, SupervisionCase, SupervisionSession
from safetynet.domain import rocdate
from safetynet.org.models import Staff
from tests.html_forms import form_with

pytestmark = pytest.mark.django_db


def unit_staff(username: str) -> list[Staff]:
    unit = Staff.objects.get(user__username=username).unit
    return list(Staff.objects.filter(unit=unit).active_on(timezone.localdate()))


def open_case_of(username: str) -> Case:
    unit = Staff.objects.get(user__username=username).unit
    case = Case.objects.open().filter(unit=unit).order_by("pk").first()
    assert case is not None
    return case


def form_data(**overrides: object) -> dict[str, object]:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    people = [s.pk for s in unit_staff("supervisor")[:3]]
    data: dict[str, object] = {
        "kind": "internal",
        "held_on": rocdate.format(yesterday, "slash"),
        "minutes": "90",
        "supervisor_name": "王督導",
        "attendees": people,
        "notes": "討論高風險個案的訪視頻率",
        "cases-TOTAL_FORMS": "3",
        "cases-INITIAL_FORMS": "0",
        "cases-MIN_NUM_FORMS": "0",
        "cases-MAX_NUM_FORMS": "30",
        "cases-0-case": str(open_case_of("supervisor").pk),
        "cases-0-note": "每週家訪，下次督導再檢視",
        "cases-1-case": "",
        "cases-1-note": "",
        "cases-2-case": "",
        "cases-2-note": "",
    }
    data.update(overrides)
    return data


def test_it_records_a_session_with_attendees_and_a_case_note(as_user) -> None:  # type: ignore[no-untyped-def]
    supervisor = as_user("supervisor")
    page = supervisor.get("/cases/supervision/new/")
    assert page.status_code == 200
    assert 'type="checkbox"' in page.content.decode()
    response = supervisor.post("/cases/supervision/new/", form_data())
    assert response.status_code == 302 and response["Location"] == "/cases/supervision/"
    session = SupervisionSession.objects.latest("pk")
    assert session.kind == "internal" and session.minutes == 90 and session.supervisor_name == "王督導"
    assert session.held_on == timezone.localdate() - datetime.timedelta(days=1)
    assert session.attendees.count() == 3
    note = SupervisionCase.objects.get(session=session)
    assert note.case == open_case_of("supervisor") and note.note == "每週家訪，下次督導再檢視"

    listing = supervisor.get("/cases/supervision/")
    html = listing.content.decode()
    assert f'data-testid="session-{session.pk}"' in html
    assert rocdate.format(session.held_on, "slash") in html
    year = rocdate.to_roc_year(session.held_on)
    counts = {y.roc_year: (y.internal, y.external) for y in listing.context["counts"]}
    assert counts[year][0] >= 1


def test_the_year_counts_split_internal_and_external(as_user) -> None:  # type: ignore[no-untyped-def]
    supervisor = as_user("supervisor")
    unit = Staff.objects.get(user__username="supervisor").unit
    before = {
        kind: SupervisionSession.objects.filter(unit=unit, kind=kind, held_on__year=2025).count()
        for kind in ("internal", "external")
    }
    for kind, day in (("internal", "114/03/01"), ("internal", "114/04/01"), ("external", "114/05/01")):
        data = form_data(kind=kind, held_on=day, **{"cases-0-case": "", "cases-0-note": ""})
        assert supervisor.post("/cases/supervision/new/", data).status_code == 302
    counts = {y.roc_year: y for y in supervisor.get("/cases/supervision/").context["counts"]}
    assert (counts[114].internal, counts[114].external) == (before["internal"] + 2, before["external"] + 1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"held_on": "tomorrow"}, "held_on"),
        ({"held_on": "115/02/30"}, "held_on"),
        ({"attendees": []}, "attendees"),
        ({"supervisor_name": "  "}, "supervisor_name"),
        ({"kind": "weekly"}, "kind"),
        ({"minutes": "0"}, "minutes"),
        ({"minutes": "abc"}, "minutes"),
    ],
)
def test_bad_input_shows_on_the_field_and_saves_nothing(as_user, overrides, field) -> None:  # type: ignore[no-untyped-def]
    if overrides.get("held_on") == "tomorrow":
        overrides = {"held_on": rocdate.format(timezone.localdate() + datetime.timedelta(days=1), "slash")}
    before = SupervisionSession.objects.count()
    response = as_user("supervisor").post("/cases/supervision/new/", form_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert SupervisionSession.objects.count() == before
    assert 'data-testid="error-summary"' in response.content.decode()


def test_the_session_form_is_saved_by_its_button_only(as_user) -> None:  # type: ignore[no-untyped-def]
    html = as_user("supervisor").get("/cases/supervision/new/").content.decode()
    assert "data-enter-moves" in form_with(html, action="", having="supervisor_name").attrs


def test_an_attendee_or_a_case_of_another_unit_is_refused(as_user) -> None:  # type: ignore[no-untyped-def]
    before = SupervisionSession.objects.count()
    stranger = unit_staff("otherunit")[0]
    supervisor = as_user("supervisor")
    response = supervisor.post("/cases/supervision/new/", form_data(attendees=[stranger.pk]))
    assert response.status_code == 200 and response.context["form"].errors["attendees"]
    elsewhere = Case.objects.exclude(unit=unit_staff("supervisor")[0].unit).order_by("pk").first()
    assert elsewhere is not None
    response = supervisor.post("/cases/supervision/new/", form_data(**{"cases-0-case": str(elsewhere.pk)}))
    assert response.status_code == 200 and response.context["notes"].forms[0].errors["case"]
    response = supervisor.post("/cases/supervision/new/", form_data(**{"cases-0-case": "abc"}))
    assert response.status_code == 200 and response.context["notes"].forms[0].errors["case"]
    assert SupervisionSession.objects.count() == before


def test_a_note_needs_its_case_and_a_case_is_listed_once(as_user) -> None:  # type: ignore[no-untyped-def]
    before = SupervisionSession.objects.count()
    supervisor = as_user("supervisor")
    response = supervisor.post("/cases/supervision/new/", form_data(**{"cases-0-case": ""}))
    assert response.status_code == 200 and response.context["notes"].forms[0].errors["case"]
    same = str(open_case_of("supervisor").pk)
    response = supervisor.post(
        "/cases/supervision/new/", form_data(**{"cases-1-case": same, "cases-1-note": "再議"})
    )
    assert response.status_code == 200 and response.context["notes"].forms[1].errors["case"]
    response = supervisor.post("/cases/supervision/new/", {"cases-TOTAL_FORMS": "x"})
    assert response.status_code == 200
    assert SupervisionSession.objects.count() == before


def test_workers_read_only_their_units_sessions_and_cannot_record(as_user) -> None:  # type: ignore[no-untyped-def]
    as_user("supervisor").post("/cases/supervision/new/", form_data())
    session = SupervisionSession.objects.latest("pk")
    mine = as_user("worker").get("/cases/supervision/")
    assert mine.status_code == 200
    assert f'data-testid="session-{session.pk}"' in mine.content.decode()
    assert not mine.context["may_record"]
    theirs = as_user("otherunit").get("/cases/supervision/")
    assert f'data-testid="session-{session.pk}"' not in theirs.content.decode()
    assert as_user("worker").get("/cases/supervision/new/").status_code == 403
    assert as_user("worker").post("/cases/supervision/new/", form_data()).status_code == 403
    assert as_user("manager").get("/cases/supervision/").status_code == 403


def test_a_worker_sees_the_names_only_of_discussed_cases_they_may_open(as_user) -> None:  # type: ignore[no-untyped-def]
    case = Case.objects.open().filter(lead__user__username="worker").order_by("pk").first()
    assert case is not None
    as_user("supervisor").post("/cases/supervision/new/", form_data(**{"cases-0-case": str(case.pk)}))
    session = SupervisionSession.objects.latest("pk")
    for persona, sees in (("worker", True), ("teammate", False)):
        rows = {
            s.pk: (shown, notes)
            for s, shown, notes in as_user(persona).get("/cases/supervision/").context["rows"]
        }
        shown, notes = rows[session.pk]
        assert (case in shown) == sees, persona
        assert len(notes) == 1
