from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.intake.services import receive_report

pytestmark = pytest.mark.django_db


def report(hours_ago: float, area: str = "10010") -> dict[str, object]:
    received = timezone.localtime() - datetime.timedelta(hours=hours_ago)
    town = "10010020" if area == "10010" else "10020010"
    return {
        "received_at": received.isoformat(),
        "area": area,
        "source": "113",
        "subjects": [{"ref": "c", "role": "victim", "types": ["CP"], "town": town}],
    }


def test_it_lists_the_countys_reports_most_urgent_first_with_time_left(as_user) -> None:  # type: ignore[no-untyped-def]
    screener = get_user_model().objects.get(username="screener")
    fresh = receive_report(report(1), by=screener).report
    late = receive_report(report(30), by=screener).report
    receive_report(report(2, area="10020"), by=screener)  # another county's desk
    response = as_user("screener").get("/intake/queue/")
    rows = [r for r in response.context["rows"] if r["report"] in (late, fresh)]  # the demo's own wait too
    assert [r["report"] for r in rows] == [late, fresh]
    assert [r["urgency"] for r in rows] == ["bad", "ok"]
    html = response.content.decode()
    assert "逾期" in html and "家防中心" in html and "兒少保護" in html


# --- who, where, and a search ----------------------------------------------------------------------------


def named(hours_ago: float, *subjects: dict[str, object]) -> object:
    received = timezone.localtime() - datetime.timedelta(hours=hours_ago)
    document = {
        "received_at": received.isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [{"ref": f"s{i}", **s} for i, s in enumerate(subjects, start=1)],
    }
    return receive_report(document, by=get_user_model().objects.get(username="screener")).report


def rows_of(response, report) -> list[str]:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    start = html.index(f'href="/intake/reports/{report.pk}/"')
    return [html[start : html.index("</tr>", start)]]


def test_it_shows_who_each_report_names_where_they_live_and_the_types(as_user) -> None:  # type: ignore[no-untyped-def]
    report = named(
        2,
        {"role": "victim", "types": ["IPV"], "town": "10020010", "name": "林曉薇"},
        {"role": "respondent"},
    )
    row = rows_of(as_user("screener").get("/intake/queue/"), report)[0]
    assert "林曉薇" in row and "嘉義市東區" in row and "親密關係暴力" in row
    assert "相對人2" in row  # no name given: the role and the place in the report
    assert "IPV" not in row and "FPC" not in row and "s1" not in row


def test_a_sexual_assault_victims_name_is_masked_in_the_list(as_user) -> None:  # type: ignore[no-untyped-def]
    report = named(2, {"role": "victim", "types": ["SA"], "town": "10010020", "name": "歐陽秋華"})
    response = as_user("screener").get("/intake/queue/")
    row = rows_of(response, report)[0]
    assert "歐○○華" in row and "歐陽秋華" not in response.content.decode()
    # The report page is the desk's read of the report: the name, to screen it.
    assert "歐陽秋華" in as_user("screener").get(f"/intake/reports/{report.pk}/").content.decode()


def test_it_finds_reports_by_name_number_and_town(as_user) -> None:  # type: ignore[no-untyped-def]
    report = named(3, {"role": "child", "types": ["VF"], "town": "10010180", "name": "高雅婷"})
    client = as_user("screener")
    for query in (
        "高雅婷",
        "雅婷",
        str(report.pk),
        "阿里山",
        "嘉義縣阿里山鄉",
        "嘉義縣阿里山鄉".replace("臺", "台"),
    ):
        found = [row["report"] for row in client.get("/intake/queue/", {"q": query}).context["rows"]]
        assert report in found, query
    assert client.get("/intake/queue/", {"q": "不存在的名字"}).context["rows"] == []


def test_a_screened_report_is_found_when_asked_for(as_user) -> None:  # type: ignore[no-untyped-def]
    from safetynet.intake.services import RouteChoice, screen_report

    report = named(3, {"role": "child", "types": ["VF"], "town": "10010020", "name": "葉承翰"})
    screener = get_user_model().objects.get(username="screener")
    screen_report(report, by=screener, routes=[RouteChoice("s1", "FPC", 1)], reason="電話查證")
    client = as_user("screener")
    assert report not in [r["report"] for r in client.get("/intake/queue/", {"q": "葉承翰"}).context["rows"]]
    rows = client.get("/intake/queue/", {"q": "葉承翰", "screened": "on"}).context["rows"]
    assert [(r["report"], r["screened"]) for r in rows] == [(report, True)]
    assert [r["label"] for r in rows[0]["routes"]] == ["家防中心"]  # as decided, not as suggested (社福中心)


def test_the_list_is_logged_naming_the_persons_it_showed(as_user) -> None:  # type: ignore[no-untyped-def]
    from safetynet.audit.models import AuditEntry

    report = named(1, {"role": "child", "types": ["VF"], "town": "10010020", "name": "趙家瑋"})
    person = report.subjects.get().person
    as_user("screener").get("/intake/queue/", {"q": "趙家瑋"})
    entry = AuditEntry.objects.filter(object_type="intake.report").order_by("-seq").first()
    assert entry is not None and f"|{person.pk}|" in entry.subjects
    assert "趙家瑋" not in str(entry.detail)


def test_its_reads_do_not_grow_with_the_reports_listed(as_user, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def reads() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert as_user("screener").get("/intake/queue/").status_code == 200
        return sum("audit_auditentry" not in q["sql"] and "chainhead" not in q["sql"] for q in captured)

    named(1, {"role": "child", "types": ["VF"], "town": "10010020"})
    few = reads()
    for hours in (2, 3, 4):
        named(hours, {"role": "victim", "types": ["IPV"], "town": "10010050"}, {"role": "respondent"})
    assert reads() == few
    with django_assert_max_num_queries(few + 12):  # the access log's entries besides
        as_user("screener").get("/intake/queue/")


@pytest.mark.parametrize("query", [{"q": "x" * 500}, {"q": "a\x00b"}, {"page": "-1"}, {"screened": "maybe"}])
def test_odd_searches_answer_a_page(as_user, query) -> None:  # type: ignore[no-untyped-def]
    assert as_user("screener").get("/intake/queue/", query).status_code == 200


def test_the_queue_answers_only_get(as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user("screener").post("/intake/queue/").status_code == 405
