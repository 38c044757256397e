"""The access log page answers "who looked at this child's file?" for administrators."""

from __future__ import annotations

import pytest
from django.utils import timezone

from safetynet.intake.services import receive_report, screen_report
from tests.test_access_matrix import worker_case

pytestmark = pytest.mark.django_db
NATIONAL_ID = "A223456781"


def test_an_administrator_finds_who_opened_a_persons_file_by_national_id(as_user) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    from safetynet.cases.services import assign_case
    from safetynet.org.models import Staff

    users = get_user_model().objects
    document = {
        "received_at": timezone.localtime().isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [
            {"ref": "c", "role": "child", "types": ["VF"], "town": "10010020", "national_id": NATIONAL_ID}
        ],
    }
    report = receive_report(document, by=users.get(username="screener")).report
    screen_report(report, by=users.get(username="screener"))
    case = assign_case(
        report.case_links.get().case,
        Staff.objects.get(user__username="worker"),
        by=users.get(username="supervisor"),
    )
    as_user("worker").get(f"/cases/{case.pk}/")
    as_user("worker").get(f"/cases/{worker_case().pk}/")  # someone else's file: not in the answer

    page = as_user("admin").get("/audit/", {"national_id": NATIONAL_ID.lower(), "action": "read"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/cases/{case.pk}/" in html and "worker" in html
    assert NATIONAL_ID not in html  # the ID typed in is not echoed in the rows
    # The header, the case read and its person's: the case page shows their address and phones.
    assert html.count("<tr") == 3
    read = {(entry.object_type, entry.object_id) for entry in page.context["page"]}
    assert read == {("cases.case", str(case.pk)), ("people.person", str(case.person_id))}


def test_the_lists_that_named_a_person_are_found_by_their_national_id(as_user) -> None:  # type: ignore[no-untyped-def]
    case = worker_case()
    as_user("worker").get("/cases/clocks/")
    page = as_user("admin").get("/audit/", {"person": case.person_id, "action": "read"})
    html = page.content.decode()
    assert "GET /cases/clocks/" in html
    assert "列出" in html  # "a list naming N persons"


def test_a_malformed_national_id_is_a_field_error(as_user) -> None:  # type: ignore[no-untyped-def]
    html = as_user("admin").get("/audit/", {"national_id": "A12345"}).content.decode()
    assert 'data-field-error="national_id"' in html


def test_looking_at_the_log_is_logged_without_the_id_typed(as_user) -> None:  # type: ignore[no-untyped-def]
    from safetynet.audit.models import Action, AuditEntry

    as_user("admin").get("/audit/", {"national_id": NATIONAL_ID})
    entry = AuditEntry.objects.filter(action=Action.SEARCH, object_type="audit.auditentry").order_by("-seq")[
        0
    ]
    assert entry.detail == {"filters": ["national_id"]}
    assert NATIONAL_ID not in str(entry.chained_fields())


def test_a_flagged_filter_shows_break_glass_only(as_user) -> None:  # type: ignore[no-untyped-def]
    html = as_user("admin").get("/audit/", {"flagged": "on"}).content.decode()
    assert 'data-testid="audit-count"' in html
