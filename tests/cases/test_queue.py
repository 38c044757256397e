"""The dispatch queue says why it suggests a worker: their load against the team's, the town the unit serves."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safetynet.cases.models import Case
from safetynet.domain.casestatus import CaseStatus
from safetynet.org.models import Staff
from safetynet.org.services import record_leave
from tests.test_access_matrix import pending_case

pytestmark = pytest.mark.django_db


def waiting(page, case: Case) -> str:  # type: ignore[no-untyped-def]
    html = page.content.decode()
    row = html.split(f'href="/cases/{case.pk}/"')[1].split("</tr>")[0]
    return row


def test_it_says_why_the_worker_is_suggested_and_names_the_route(as_user) -> None:  # type: ignore[no-untyped-def]
    case = pending_case()
    assert case.suggested_lead is not None
    page = as_user("supervisor").get("/cases/queue/")
    assert page.status_code == 200
    row = waiting(page, case)
    (why,) = [w for c, w in page.context["waiting"] if c == case]
    assert why.standing is not None and why.standing.lowest and why.best is None
    assert f"建議：{case.suggested_lead.name}，案量比" in row and "為全組最低" in row
    assert "服務朴子市（案主居住地）" in row
    assert "社福中心" in row and "· SWC" not in row
    assert "★ 建議" in row  # the option in the list says it too, not a bare star


def test_it_says_when_the_suggested_worker_has_gone_on_leave_and_who_is_lowest_now(as_user) -> None:  # type: ignore[no-untyped-def]
    case = pending_case()
    suggested = Staff.objects.get(pk=case.suggested_lead_id)
    today = timezone.localdate()
    record_leave(suggested, kind="annual", starts_on=today, ends_on=today + datetime.timedelta(days=2))
    page = as_user("supervisor").get("/cases/queue/")
    (why,) = [w for c, w in page.context["waiting"] if c == case]
    assert why.standing is not None and why.standing.on_leave
    assert why.best is not None and why.best != suggested
    row = waiting(page, case)
    assert "目前請假中" in row and f"目前案量比最低：{why.best.name}" in row


def test_it_reads_the_english_queue_in_english(as_user) -> None:  # type: ignore[no-untyped-def]
    case = pending_case()
    client = as_user("supervisor")
    client.post("/i18n/setlang/", {"language": "en"})
    row = waiting(client.get("/cases/queue/"), case)
    assert f"Suggested: {case.suggested_lead.name}, load" in row  # type: ignore[union-attr]
    assert "Social Welfare Centre" in row and "建議" not in row


def test_it_reads_the_queue_in_the_same_number_of_queries_for_one_case_or_four(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("supervisor")
    Case.objects.filter(unit__staff__user__username="supervisor", status=CaseStatus.PENDING).update(
        status=CaseStatus.ASSESSING
    )
    pending_case()
    client.get("/cases/queue/")  # warm the per-process caches
    counts = []
    for more in (0, 3):
        for _ in range(more):
            pending_case()
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/cases/queue/")
        counts.append((len(page.context["waiting"]), len(queries.captured_queries)))
    assert [n for n, _q in counts] == [1, 4]
    assert counts[0][1] == counts[1][1]


def test_it_lists_priority_1_first_and_names_it_in_words(as_user) -> None:  # type: ignore[no-untyped-def]
    plain, urgent = pending_case(), pending_case()
    Case.objects.filter(pk=urgent.pk).update(priority=1)
    page = as_user("supervisor").get("/cases/queue/")
    order = [c.pk for c, _why in page.context["waiting"]]
    assert order.index(urgent.pk) < order.index(plain.pk)
    row = waiting(page, urgent)
    assert "優先 1" in row and ">P1<" not in row
