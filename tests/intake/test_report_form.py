"""The screening desk's form: typed fields in, a report and its suggestion out; bad input on its field."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.translation import gettext_noop

from safetynet.intake import facts, services
from safetynet.intake.facts import InvalidReport, Problem
from safetynet.intake.models import Report
from safetynet.people.models import Person

pytestmark = pytest.mark.django_db


def form_data(**subject: str) -> dict[str, object]:
    data: dict[str, object] = {
        "received_on": "115/1/5",
        "received_time": "08:30",
        "source": "113",
        "narrative": "學童多日未到校",
        "reporter": "",
        "subjects-TOTAL_FORMS": "3",
        "subjects-INITIAL_FORMS": "0",
        "subjects-MIN_NUM_FORMS": "1",
        "subjects-MAX_NUM_FORMS": "1000",
    }
    base = {"role": "child", "name": "林測試", "birth_date": "105/3/4", "town": "10010020", "types": "VF"}
    data.update({f"subjects-0-{k}": v for k, v in {**base, **subject}.items()})
    return data


def test_a_typed_report_is_recorded_with_its_suggestion(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("screener").post("/intake/new/", form_data())
    assert response.status_code == 302, response.context and response.context["subjects"].errors
    report = Report.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert report.channel == "web" and report.source == "113"
    assert [r["route"] for r in report.suggestion["routes"]] == ["SWC"]
    subject = report.subjects.get()
    assert subject.person.name == "林測試" and subject.town_id == "10010020"


def test_a_person_picked_among_the_candidates_is_used_not_duplicated(as_user) -> None:  # type: ignore[no-untyped-def]
    person = Person.objects.filter(town_id="10010020", birth_date__isnull=False).order_by("pk").first()
    assert person is not None
    birth = f"{person.birth_date.year - 1911}/{person.birth_date.month}/{person.birth_date.day}"
    found = as_user("screener").get(
        "/intake/candidates/",
        {"prefix": "subjects-0", "subjects-0-name": person.name, "subjects-0-birth_date": birth},
    )
    assert person in found.context["found"]
    before = Person.objects.count()
    data = form_data(name=person.name, birth_date=birth, person=str(person.pk))
    assert as_user("screener").post("/intake/new/", data).status_code == 302
    assert Person.objects.count() == before
    assert Report.objects.latest("pk").subjects.get().person == person


@pytest.mark.parametrize(
    ("field", "value", "error_on"),
    [
        ("subjects-0-national_id", "A123456788", "national_id"),
        ("subjects-0-birth_date", "105/2/30", "birth_date"),
        ("subjects-0-types", "", "types"),
        ("received_on", "130/1/1", "received_on"),
    ],
)
def test_bad_input_is_shown_on_its_field_and_saves_nothing(as_user, field, value, error_on) -> None:  # type: ignore[no-untyped-def]
    before = Report.objects.count()
    data = form_data()
    data[field] = value
    response = as_user("screener").post("/intake/new/", data)
    assert response.status_code == 200
    errors = {**response.context["form"].errors, **response.context["subjects"].forms[0].errors}
    assert error_on in errors
    assert Report.objects.count() == before


# --- the form for the phone line ----------------------------------------------------------------------


def two_subjects(**changes: str) -> dict[str, object]:
    """An IPV report from the 113 line: the victim with name, birth date, town and type; the respondent
    with a name only (the report's type is theirs)."""
    data: dict[str, object] = {
        "received_on": "115/1/5",
        "received_time": "08:30",
        "source": "113",
        "narrative": "案妻來電，稱昨晚遭案夫毆打",
        "reporter": "",
        "subjects-TOTAL_FORMS": "3",
        "subjects-INITIAL_FORMS": "0",
        "subjects-MIN_NUM_FORMS": "1",
        "subjects-MAX_NUM_FORMS": "20",
        "subjects-0-role": "victim",
        "subjects-0-name": "林曉薇",
        "subjects-0-birth_date": "69/5/3",
        "subjects-0-town": "10010050",
        "subjects-0-types": "IPV",
        "subjects-1-role": "respondent",
        "subjects-1-name": "張志豪",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_it_starts_on_the_source_with_one_subject_and_one_more_behind_a_button(as_user) -> None:  # type: ignore[no-untyped-def]
    page = as_user("screener").get("/intake/new/").content.decode()
    assert re.search(r'<select name="source"[^>]*autofocus', page)
    assert "data-enter-moves" in page
    assert 'name="subjects-TOTAL_FORMS" value="2"' in page
    # Subject 1 open, subject 2 folded behind 「新增通報對象」, the next ones in an inert template.
    assert 'data-testid="subject-0"' in page and "新增通報對象" in page
    slot = page.index("data-subject-slot")
    assert page.index('name="subjects-1-role"') > slot
    assert page.index('name="subjects-1-role"') < page.index("<template data-subject-template>")
    # The narrative comes after the subjects, the submit button right after it.
    assert page.index('name="narrative"') > page.index("<template data-subject-template>")
    assert page.index('name="narrative"') < page.index(">登錄通報</button>")


def test_a_respondent_without_types_is_recorded_with_the_reports_type(as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("screener").post("/intake/new/", two_subjects())
    assert response.status_code == 302, response.context and response.context["subjects"].errors
    report = Report.objects.latest("pk")
    assert list(report.subjects.order_by("pk").values_list("role", "types")) == [
        ("victim", ["IPV"]),
        ("respondent", ["IPV"]),
    ]
    assert {(r["subject"], r["route"]) for r in report.suggestion["routes"]} == {
        ("s1", "FPC"),
        ("s2", "NONE"),
    }


def test_a_blank_subject_between_typed_ones_is_skipped(as_user) -> None:  # type: ignore[no-untyped-def]
    data = two_subjects(**{"subjects-1-role": "", "subjects-1-name": ""})
    data.update({"subjects-2-role": "respondent", "subjects-2-name": "張志豪"})
    assert as_user("screener").post("/intake/new/", data).status_code == 302
    assert Report.objects.latest("pk").subjects.count() == 2


def test_a_failed_submit_keeps_everything_typed_and_names_every_problem_at_once(as_user) -> None:  # type: ignore[no-untyped-def]
    before = Report.objects.count()
    data = two_subjects(
        source="",
        **{
            "subjects-0-flags": ["children_in_household", "serious_injury"],  # type: ignore[dict-item]
            "subjects-0-tipvda_score": "9",
            "subjects-1-birth_date": "69/2/30",
            "subjects-2-role": "family",
            "subjects-2-name": "林小妹",
        },
    )
    data["subjects-0-types"] = ["IPV", "FV"]
    response = as_user("screener").post("/intake/new/", data)
    assert response.status_code == 200 and Report.objects.count() == before
    page = response.content.decode()
    summary = page[
        page.index('data-testid="error-summary"') : page.index("</div>", page.index("error-summary"))
    ]
    assert "通報來源" in summary and "通報對象 2" in summary and "出生日期" in summary
    assert 'href="#id_source"' in summary and 'href="#id_subjects-1-birth_date"' in summary
    # Every choice comes back: selects, checkboxes, text, the third subject too.
    for kept in (
        '<option value="victim" selected>',
        '<option value="respondent" selected>',
        '<option value="family" selected>',
        '<option value="10010050" selected>',
        'value="69/2/30"',
        'value="林小妹"',
        "案妻來電，稱昨晚遭案夫毆打",
        'name="subjects-0-tipvda_score" value="9"',
    ):
        assert kept in page, kept
    for code in ("IPV", "FV", "children_in_household", "serious_injury"):
        assert re.search(rf'value="{code}" id="id_subjects-0-[a-z]+_\d+" checked', page), code
    assert 'name="subjects-TOTAL_FORMS" value="4"' in page  # three typed, one blank more
    assert '<details class="more" open>' in page  # the flags typed are shown, not folded away


def test_a_victim_needs_a_type_and_a_respondent_alone_has_none_to_take(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("screener")
    victim = client.post("/intake/new/", two_subjects(**{"subjects-0-types": None}))
    assert "請至少選一種通報類型：被害人或兒少須有自己的通報類型。" in victim.content.decode()
    alone = client.post(
        "/intake/new/",
        two_subjects(
            **{
                "subjects-0-role": "respondent",
                "subjects-0-types": None,
                "subjects-1-role": "",
                "subjects-1-name": "",
            }
        ),
    )
    assert alone.status_code == 200
    assert "相對人或家庭成員只沿用本通報被害人或兒少的暴力類型" in alone.content.decode()
    assert "types" in alone.context["subjects"].forms[0].errors


def test_a_time_in_the_future_is_refused_in_the_pages_language(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("screener")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = two_subjects(received_on=f"{tomorrow.year - 1911}/{tomorrow.month}/{tomorrow.day}")
    assert "受理時間不可晚於現在。" in client.post("/intake/new/", data).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.post("/intake/new/", data).content.decode()
    assert "A report cannot be received in the future." in page and "受理時間" not in page


def test_a_problem_of_the_report_document_lands_on_its_field_in_the_pages_language(
    as_user, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise InvalidReport(
            [
                Problem("received_at", gettext_noop("is in the future")),
                Problem("subjects[1].types", facts.NOTHING_TO_TAKE),
            ]
        )

    monkeypatch.setattr(services, "receive_report", refuse)
    client = as_user("screener")
    response = client.post("/intake/new/", two_subjects())
    assert response.context["form"].errors["received_on"] == ["不可晚於現在"]
    assert response.context["subjects"].forms[1].errors["types"][0].startswith("請至少選一種通報類型：")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.post("/intake/new/", two_subjects())
    assert english.context["form"].errors["received_on"] == ["is in the future"]


@pytest.mark.parametrize("total", ["0", "-1", "x", "5000", ""])
def test_a_tampered_subject_count_is_refused_without_an_error_page(as_user, total) -> None:  # type: ignore[no-untyped-def]
    before = Report.objects.count()
    response = as_user("screener").post("/intake/new/", two_subjects(**{"subjects-TOTAL_FORMS": total}))
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Report.objects.count() == before


def test_the_town_picker_names_each_town_with_its_county_the_desks_county_first(as_user) -> None:  # type: ignore[no-untyped-def]
    page = as_user("screener").get("/intake/new/").content.decode()
    select = page[
        page.index('name="subjects-0-town"') : page.index("</select>", page.index('name="subjects-0-town"'))
    ]
    assert "data-town-picker" in select
    groups = re.findall(r'<optgroup label="([^"]+)"', select)
    assert groups[0] == "嘉義縣" and len(groups) == 22
    assert '<option value="10020010">嘉義市東區</option>' in select
    assert '<option value="63000050">臺北市中正區</option>' in select
    assert ">東區<" not in select


def test_the_page_answers_only_get_and_post(as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user("screener").put("/intake/new/").status_code == 405


def test_the_persons_offered_by_name_and_birth_date_are_logged(as_user) -> None:  # type: ignore[no-untyped-def]
    from safetynet.audit.models import AuditEntry

    person = Person.objects.filter(town_id="10010020", birth_date__isnull=False).order_by("pk").first()
    assert person is not None
    birth = f"{person.birth_date.year - 1911}/{person.birth_date.month}/{person.birth_date.day}"
    as_user("screener").get(
        "/intake/candidates/",
        {"prefix": "subjects-0", "subjects-0-name": person.name, "subjects-0-birth_date": birth},
    )
    entry = AuditEntry.objects.filter(object_type="people.person").order_by("-seq").first()
    assert entry is not None and f"|{person.pk}|" in entry.subjects


def test_a_report_names_up_to_twenty_subjects_and_the_page_then_offers_no_more(as_user) -> None:  # type: ignore[no-untyped-def]
    def many(n: int, **changes: str) -> dict[str, object]:
        data = two_subjects(**{"subjects-TOTAL_FORMS": str(n), "subjects-1-role": "", "subjects-1-name": ""})
        for i in range(1, n):
            data.update({f"subjects-{i}-role": "family", f"subjects-{i}-name": f"家人{i}"})
        data.update(changes)
        return data

    client = as_user("screener")
    refused = client.post("/intake/new/", many(20, source=""))
    page = refused.content.decode()
    assert refused.status_code == 200 and 'name="subjects-TOTAL_FORMS" value="20"' in page
    assert "data-subject-slot" not in page and "data-max-forms" in page
    assert client.post("/intake/new/", many(20)).status_code == 302
    assert Report.objects.latest("pk").subjects.count() == 20
    too_many = client.post("/intake/new/", many(21))
    assert too_many.status_code == 200 and too_many.context["subjects"].non_form_errors()


def test_a_respondent_with_nothing_to_take_is_named_in_the_same_round_as_other_problems(as_user) -> None:  # type: ignore[no-untyped-def]
    data = two_subjects(
        **{
            "subjects-0-role": "respondent",
            "subjects-0-types": None,
            "subjects-0-birth_date": "69/2/30",
            "subjects-1-role": "",
            "subjects-1-name": "",
        }
    )
    errors = as_user("screener").post("/intake/new/", data).context["subjects"].forms[0].errors
    assert set(errors) == {"birth_date", "types"}


def test_a_victim_without_types_is_the_one_problem_named_not_the_respondent_who_would_take_them(
    as_user,
) -> None:  # type: ignore[no-untyped-def]
    response = as_user("screener").post("/intake/new/", two_subjects(**{"subjects-0-types": None}))
    forms_ = response.context["subjects"].forms
    assert "types" in forms_[0].errors and "types" not in forms_[1].errors
