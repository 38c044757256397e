from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safetynet.domain import rocdate
from safetynet.org.models import DispatchMode, LeavePeriod, Staff, Unit

pytestmark = pytest.mark.django_db


def roc(day: datetime.date) -> str:
    return rocdate.format(day, "slash")


def test_it_lets_a_supervisor_record_leave_that_shows_on_the_team(as_user) -> None:  # type: ignore[no-untyped-def]
    worker = Staff.objects.get(user__username="worker")
    today = timezone.localdate()
    url = f"/org/units/{worker.unit_id}/leave/"
    response = as_user("supervisor").post(
        url, {"staff": worker.pk, "kind": "sick", "starts_on": roc(today), "ends_on": roc(today)}
    )
    assert response.status_code == 302
    team = as_user("worker").get("/").context["team"]
    assert next(row for row in team if row.staff == worker).on_leave


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [(5, 4, "ends_on"), (0, 0, "starts_on")],
)
def test_it_refuses_backwards_or_overlapping_leave(as_user, starts: int, ends: int, field: str) -> None:  # type: ignore[no-untyped-def]
    worker = Staff.objects.get(user__username="worker")
    today = timezone.localdate()
    LeavePeriod.objects.create(staff=worker, kind="annual", starts_on=today, ends_on=today)
    before = LeavePeriod.objects.count()
    response = as_user("supervisor").post(
        f"/org/units/{worker.unit_id}/leave/",
        {
            "staff": worker.pk,
            "kind": "annual",
            "starts_on": roc(today + datetime.timedelta(days=starts)),
            "ends_on": roc(today + datetime.timedelta(days=ends)),
        },
    )
    assert response.status_code == 200
    assert field in response.context["leave_form"].errors
    assert LeavePeriod.objects.count() == before


def test_it_lists_units_with_a_fixed_number_of_queries(as_user, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    manager = as_user("manager")
    manager.get("/org/units/")  # warm the session and the user
    with django_assert_num_queries(6):  # 5, and the authenticator app the session passed the second step with
        manager.get("/org/units/")


def test_it_lists_persons_with_a_fixed_number_of_queries(as_user, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    worker = as_user("worker")
    worker.get("/people/")
    # 5 to read; the log entry naming the persons listed: 2, on PostgreSQL 3 (the chain's advisory lock)
    with django_assert_max_num_queries(8):
        worker.get("/people/")


def test_it_titles_the_unit_page_with_the_units_name(as_user) -> None:  # type: ignore[no-untyped-def]
    unit = Staff.objects.get(user__username="worker").unit
    html = as_user("supervisor").get(f"/org/units/{unit.pk}/").content.decode()
    assert f"<title>{unit.name} · 社安網</title>" in html
    assert html.count("登記請假</h2>") == 1


def test_the_units_supervisor_switches_between_fast_and_precise_dispatch(as_user) -> None:  # type: ignore[no-untyped-def]
    unit = Staff.objects.get(user__username="worker").unit
    assert unit.dispatch_mode == DispatchMode.CONFIRM  # the demo's 精準派案 unit
    url = f"/org/units/{unit.pk}/dispatch/"
    assert as_user("supervisor").post(url, {"dispatch_mode": "auto"}).status_code == 302
    assert Unit.objects.get(pk=unit.pk).dispatch_mode == DispatchMode.AUTO
    as_user("supervisor").post(url, {"dispatch_mode": "sometimes"})  # unknown: refused, nothing changes
    assert Unit.objects.get(pk=unit.pk).dispatch_mode == DispatchMode.AUTO
    page = as_user("worker").get(f"/org/units/{unit.pk}/")
    assert not page.context["may_set_dispatch"]
    assert as_user("worker").post(url, {"dispatch_mode": "confirm"}).status_code == 403


def test_a_supervisor_cannot_record_leave_for_another_units_staff(as_user) -> None:  # type: ignore[no-untyped-def]
    elsewhere = Staff.objects.get(user__username="otherunit")
    today = timezone.localdate()
    before = LeavePeriod.objects.count()
    supervisor = as_user("supervisor")
    assert supervisor.get(f"/org/units/{elsewhere.unit_id}/").context["leave_form"] is None
    response = supervisor.post(
        f"/org/units/{elsewhere.unit_id}/leave/",
        {"staff": elsewhere.pk, "kind": "sick", "starts_on": roc(today), "ends_on": roc(today)},
    )
    assert response.status_code == 403
    assert LeavePeriod.objects.count() == before


def test_the_leave_service_refuses_a_supervisor_of_another_unit() -> None:
    from safetynet.core.errors import DomainError
    from safetynet.org.services import record_leave

    elsewhere = Staff.objects.get(user__username="otherunit")
    supervisor = Staff.objects.get(user__username="supervisor")
    today = timezone.localdate() + datetime.timedelta(days=400)
    with pytest.raises(DomainError) as refused:
        record_leave(elsewhere, kind="sick", starts_on=today, ends_on=today, by=supervisor)
    assert refused.value.field == "staff"
    assert not LeavePeriod.objects.filter(staff=elsewhere, starts_on=today).exists()
    manager = Staff.objects.get(user__username="manager")
    assert record_leave(elsewhere, kind="sick", starts_on=today, ends_on=today, by=manager).pk
