"""Alerts on abuse of access: the watch reads the log, opens alerts, their reviewers see and review them."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from safetynet.audit import services
from safetynet.audit.models import Action, Alert, AlertCursor, AlertKind, AlertRule, AlertStatus, AuditEntry
from safetynet.audit.tasks import watch_access_log
from safetynet.audit.watch import related_persons
from safetynet.core.access import get_person_for, protected_person_ids
from safetynet.core.models import Notification
from safetynet.org import services as org
from safetynet.org.models import AccessKind, Role, Staff, Unit
from safetynet.people.models import Person
from tests.conftest import WORKER_TOWNS
from tests.test_access_matrix import fresh_national_id, routed_case

pytestmark = pytest.mark.django_db
User = get_user_model()


def user(username: str) -> Any:
    return User.objects.get(username=username)


def strangers(username: str, n: int) -> list[int]:
    """Persons of the reader's towns with no case, report or referral of theirs (and no sexual-assault
    victim among them)."""
    candidates = list(
        Person.objects.filter(town_id__in=WORKER_TOWNS)
        .exclude(pk__in=protected_person_ids())
        .order_by("-pk")
        .values_list("pk", flat=True)
    )
    served = related_persons(user(username).pk, set(candidates))
    found = [pk for pk in candidates if pk not in served][:n]
    assert len(found) == n
    return found


def read(username: str, persons: list[int]) -> None:
    for pk in persons:
        get_person_for(user(username), pk)


def alerts_of(username: str, kind: str) -> list[Alert]:
    return list(Alert.objects.filter(user__username=username, rule__kind=kind))


def supervisor_of_another_unit() -> Any:
    """A supervisor of 民雄社福中心 (the demo's `otherunit` works there), with an account."""
    unit = Unit.objects.get(name="嘉義縣民雄社會福利服務中心")
    role = Role.objects.filter(kind=AccessKind.SUPERVISOR).order_by("pk").first()
    assert role is not None
    staff = org.hire_staff(name="林督導", unit=unit, role=role, hired_on=datetime.date(2020, 1, 1))
    return org.create_account(staff, username="minxiong-supervisor", password=None)


def test_thirty_persons_read_outside_the_caseload_give_an_alert_their_supervisor_sees(as_user) -> None:  # type: ignore[no-untyped-def]
    worker = as_user("worker")
    for pk in strangers("worker", 30):
        assert worker.get(f"/people/{pk}/").status_code == 200

    watch_access_log()  # the job, once

    [alert] = alerts_of("worker", AlertKind.UNRELATED_READS)
    assert alert.count == 30 and alert.status == AlertStatus.OPEN
    assert alert.entries.filter(action=Action.READ, object_type="people.person").count() == 30
    name = Staff.objects.get(user__username="worker").name
    for reviewer in ("admin", "supervisor"):
        client = as_user(reviewer)
        assert name in client.get("/audit/alerts/").content.decode()
        page = client.get(f"/audit/alerts/{alert.pk}/")
        assert page.status_code == 200 and name in page.content.decode()
    assert Notification.objects.filter(
        user=user("supervisor"), kind="access_alert", subject_id=alert.pk
    ).exists()

    from tests.accounts import log_in

    other = log_in(as_user(None), supervisor_of_another_unit())
    assert name not in other.get("/audit/alerts/").content.decode()
    assert other.get(f"/audit/alerts/{alert.pk}/").status_code == 404
    # Nor to the reader themselves, nor to a teammate.
    assert as_user("worker").get(f"/audit/alerts/{alert.pk}/").status_code == 403


def test_the_watch_reads_each_entry_once_and_finds_a_count_crossed_over_two_runs() -> None:
    persons = strangers("worker", 30)
    read("worker", persons[:15])
    services.watch_access_log()
    assert alerts_of("worker", AlertKind.UNRELATED_READS) == []
    assert AlertCursor.objects.get(pk=1).seq == AuditEntry.objects.order_by("-seq").first().seq  # type: ignore[union-attr]

    read("worker", persons[15:])
    services.watch_access_log()
    services.watch_access_log()  # nothing new: nothing doubled
    [alert] = alerts_of("worker", AlertKind.UNRELATED_READS)
    assert alert.count == 30
    assert alert.entries.count() == 30
    assert Notification.objects.filter(kind="access_alert", subject_id=alert.pk).count() == 1


def test_reads_of_persons_the_worker_serves_give_no_alert() -> None:
    AlertRule.objects.filter(kind=AlertKind.UNRELATED_READS).update(threshold=5)
    worker = Staff.objects.get(user__username="worker")
    served = list(
        Person.objects.filter(cases__lead=worker)
        .exclude(pk__in=protected_person_ids())
        .distinct()
        .values_list("pk", flat=True)[:10]
    )
    assert len(served) > 5
    read("worker", served)
    services.watch_access_log()
    assert alerts_of("worker", AlertKind.UNRELATED_READS) == []


def test_a_break_glass_read_of_a_sexual_assault_victim_gives_an_alert() -> None:
    case = routed_case("FPC", ["SA"], fresh_national_id("B22000021"))
    worker = user("worker")
    services.break_glass(worker, case_id=case.pk, reason="夜間值班，主責社工聯絡不上，需確認安置地點")
    from safetynet.core.access import get_case_for

    get_case_for(worker, case.pk)
    services.watch_access_log()
    [alert] = alerts_of("worker", AlertKind.PROTECTED_READS)
    assert alert.person_ids == [case.person_id]


def test_national_id_searches_that_found_nobody_give_an_alert(as_user) -> None:  # type: ignore[no-untyped-def]
    worker = as_user("worker")
    for n in range(6):
        national_id = fresh_national_id(f"Z1999990{n}")
        assert worker.get("/people/", {"q": national_id}).status_code == 200
    services.watch_access_log()
    [alert] = alerts_of("worker", AlertKind.FAILED_ID_SEARCHES)
    assert alert.count == 6


def test_a_rule_switched_off_finds_nothing() -> None:
    AlertRule.objects.filter(kind=AlertKind.UNRELATED_READS).update(active=False)
    read("worker", strangers("worker", 30))
    services.watch_access_log()
    assert alerts_of("worker", AlertKind.UNRELATED_READS) == []


def opened_alert() -> Alert:
    read("worker", strangers("worker", 25))
    services.watch_access_log()
    return alerts_of("worker", AlertKind.UNRELATED_READS)[0]


def test_a_review_is_recorded_logged_and_resolves_the_notification(as_user) -> None:  # type: ignore[no-untyped-def]
    alert = opened_alert()
    response = as_user("supervisor").post(
        f"/audit/alerts/{alert.pk}/review/", {"status": "unjustified", "note": "與業務無關，已約談"}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.UNJUSTIFIED and alert.note == "與業務無關，已約談"
    assert alert.reviewed_by == user("supervisor") and alert.reviewed_count == alert.count
    entry = AuditEntry.objects.filter(action=Action.REVIEW, object_type="audit.alert").get()
    assert entry.object_id == str(alert.pk) and entry.username == "supervisor"
    assert entry.detail["status"] == "unjustified" and entry.reason == "與業務無關，已約談"
    assert not Notification.objects.filter(
        kind="access_alert", subject_id=alert.pk, resolved_at__isnull=True
    ).exists()


def test_a_review_without_a_note_is_refused_naming_the_field(as_user) -> None:  # type: ignore[no-untyped-def]
    alert = opened_alert()
    response = as_user("admin").post(
        f"/audit/alerts/{alert.pk}/review/", {"status": "justified", "note": "  "}
    )
    assert response.status_code == 400
    assert 'data-field-error="note"' in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert not AuditEntry.objects.filter(action=Action.REVIEW, object_type="audit.alert").exists()


def test_an_alert_that_grows_after_its_review_opens_again() -> None:
    alert = opened_alert()
    services.review_alert(alert, status=AlertStatus.JUSTIFIED, note="外展活動名冊核對", by=user("supervisor"))
    read("worker", strangers("worker", 30)[25:])
    services.watch_access_log()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN and alert.count > alert.reviewed_count  # type: ignore[operator]


def test_the_cli_prints_the_alerts_as_json() -> None:
    alert = opened_alert()
    out = StringIO()
    call_command("audit", "alerts", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    mine = [row for row in rows if row["id"] == alert.pk]
    assert mine == [
        {
            "id": alert.pk,
            "user": "worker",
            "rule": "unrelated_reads",
            "count": 25,
            "first": alert.first.isoformat(),
            "last": alert.last.isoformat(),
            "status": "open",
        }
    ]
    assert all(list(row) == ["id", "user", "rule", "count", "first", "last", "status"] for row in rows)
    later = StringIO()
    call_command(
        "audit",
        "alerts",
        "--since",
        (alert.last + datetime.timedelta(seconds=1)).isoformat(),
        "--format",
        "json",
        stdout=later,
    )
    assert alert.pk not in [row["id"] for row in json.loads(later.getvalue())]


def test_the_cli_refuses_a_since_that_is_not_a_time() -> None:
    with pytest.raises(CommandError, match="--since"):
        call_command("audit", "alerts", "--since", "yesterday", "--format", "json")


def test_an_administrator_changes_a_rule_and_the_change_is_logged(as_user) -> None:  # type: ignore[no-untyped-def]
    rule = AlertRule.objects.get(kind=AlertKind.UNRELATED_READS)
    data = {
        "threshold": 50,
        "window": 1,
        "window_unit": "days",
        "day_starts": "08:00",
        "day_ends": "18:00",
        "active": "on",
    }
    response = as_user("admin").post(
        f"/audit/alerts/rules/{rule.pk}/", {f"r{rule.pk}-{k}": v for k, v in data.items()}
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.threshold == 50
    entry = AuditEntry.objects.filter(action=Action.CHANGE, object_type="audit.alertrule").get()
    assert entry.detail["fields"] == ["threshold"]
    read("worker", strangers("worker", 30))
    services.watch_access_log()
    assert alerts_of("worker", AlertKind.UNRELATED_READS) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("window", "0"), ("threshold", "-1"), ("day_ends", "07:00"), ("window_unit", "weeks")],
)
def test_a_rule_with_bad_values_is_refused_naming_the_field(as_user, field: str, value: str) -> None:  # type: ignore[no-untyped-def]
    rule = AlertRule.objects.get(kind=AlertKind.OFF_HOURS)
    data = {
        "threshold": 40,
        "window": 60,
        "window_unit": "minutes",
        "day_starts": "08:00",
        "day_ends": "18:00",
    }
    data[field] = value  # type: ignore[assignment]
    response = as_user("admin").post(
        f"/audit/alerts/rules/{rule.pk}/", {f"r{rule.pk}-{k}": v for k, v in data.items()}
    )
    assert response.status_code == 400
    assert f'data-field-error="{field}"' in response.content.decode()
    rule.refresh_from_db()
    assert (rule.threshold, rule.window, rule.active) == (40, 60, True)


def test_who_read_this_file_lists_the_readers_and_is_logged(as_user) -> None:  # type: ignore[no-untyped-def]
    alert = opened_alert()
    person = alert.person_ids[0]
    response = as_user("admin").get(f"/audit/persons/{person}/")
    assert response.status_code == 200
    assert Staff.objects.get(user__username="worker").name in response.content.decode()
    entry = AuditEntry.objects.filter(username="admin", action=Action.SEARCH).order_by("-seq").first()
    assert entry is not None and entry.subject_ids == [person]


def test_the_demo_has_an_alert_for_the_supervisor_to_review(as_user) -> None:  # type: ignore[no-untyped-def]
    visible = services.alerts_visible_to(user("supervisor"))
    assert visible.filter(rule__kind=AlertKind.UNRELATED_READS, status=AlertStatus.OPEN).count() == 1
