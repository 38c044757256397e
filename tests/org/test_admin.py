"""The Django admin: changes go through the services' checks or are read-only, and enter the change log."""

from __future__ import annotations

import pytest
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory

from safetynet.audit.models import Action, AuditEntry
from safetynet.geo.models import Town
from safetynet.org.models import Role, Staff, Unit, UnitKind

pytestmark = pytest.mark.django_db


def unit_form(unit: Unit, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": unit.name,
        "agency": unit.agency_id,
        "kind": unit.kind,
        "county": unit.county_id or "",
        "towns": list(unit.towns.values_list("pk", flat=True)),
        "address": unit.address,
        "phone": unit.phone,
        "active": "on" if unit.active else "",
        "dispatch_mode": unit.dispatch_mode,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def worker_unit() -> Unit:
    return Staff.objects.get(user__username="worker").unit


def changes_of(obj: object, after: int) -> list[AuditEntry]:
    label = obj._meta.label_lower  # type: ignore[attr-defined]
    return list(
        AuditEntry.objects.filter(
            action=Action.CHANGE,
            object_type=label,
            object_id=str(obj.pk),
            seq__gt=after,  # type: ignore[attr-defined]
        ).order_by("seq")
    )


def last_seq() -> int:
    entry = AuditEntry.objects.order_by("-seq").first()
    return entry.seq if entry else 0


def test_the_admin_cannot_change_a_units_kind(as_user) -> None:  # type: ignore[no-untyped-def]
    unit = worker_unit()
    assert unit.kind == UnitKind.SWC
    response = as_user("admin").post(
        f"/admin/org/unit/{unit.pk}/change/", unit_form(unit, kind=UnitKind.FPC, name=unit.name + "（新）")
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.kind == UnitKind.SWC  # read-only: who sees sexual-assault victims stays as it was
    assert unit.name.endswith("（新）")


def test_the_admin_refuses_towns_of_another_county_and_saves_nothing(as_user) -> None:  # type: ignore[no-untyped-def]
    unit = worker_unit()
    before = set(unit.towns.values_list("pk", flat=True))
    elsewhere = Town.objects.exclude(county_id=unit.county_id).order_by("pk").first()
    assert elsewhere is not None
    client = as_user("admin")
    url = f"/admin/org/unit/{unit.pk}/change/"
    response = client.post(url, unit_form(unit, towns=[*before, elsewhere.pk], phone="05-0000000"))
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url)
    shown = " ".join(str(m) for m in page.context["messages"])
    assert "服務區域" in shown and elsewhere.name in shown
    unit.refresh_from_db()
    assert set(unit.towns.values_list("pk", flat=True)) == before
    assert unit.phone != "05-0000000"  # the whole change, not half of it


def test_an_admin_change_enters_the_access_log_with_its_fields(as_user) -> None:  # type: ignore[no-untyped-def]
    unit = worker_unit()
    towns = list(unit.towns.values_list("pk", flat=True))
    after = last_seq()
    response = as_user("admin").post(
        f"/admin/org/unit/{unit.pk}/change/", unit_form(unit, phone="05-3790000", towns=towns[:-1])
    )
    assert response.status_code == 302
    entries = changes_of(unit, after)
    assert [e.detail["fields"] for e in entries] == [["phone"], ["towns"]]
    assert {e.username for e in entries} == {"admin"}
    assert "05-3790000" not in str([e.detail for e in entries])  # the fields, never their values


def test_a_change_made_after_a_request_is_not_logged_as_that_requests_user(as_user) -> None:  # type: ignore[no-untyped-def]
    unit = worker_unit()
    towns = list(unit.towns.values_list("pk", flat=True))
    as_user("admin").post(f"/admin/org/unit/{unit.pk}/change/", unit_form(unit, towns=towns[:-1]))
    after = last_seq()
    unit.towns.add(towns[-1])  # a job or a command on the same thread, with no request
    [entry] = changes_of(unit, after)
    assert entry.detail["fields"] == ["towns"] and entry.user is None and entry.username == ""


def test_a_caseload_standard_of_zero_is_refused_in_the_admin(as_user) -> None:  # type: ignore[no-untyped-def]
    role = Role.objects.filter(caseload_standard__isnull=False).order_by("pk").first()
    assert role is not None
    before = role.caseload_standard
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(role.pk),
        "form-0-caseload_standard": "0",
        "_save": "Save",
    }
    response = as_user("admin").post("/admin/org/role/", data)
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.caseload_standard == before


def test_each_caseload_standard_in_the_role_list_is_named_by_its_column_and_its_role(as_user) -> None:  # type: ignore[no-untyped-def]
    import re
    from html import unescape

    page = as_user("admin").get("/admin/org/role/").content.decode()
    named = [
        unescape(label)
        for tag in re.findall(r'<input[^>]*name="form-\d+-caseload_standard"[^>]*>', page)
        for label in re.findall(r'aria-label="([^"]*)"', tag)
    ]
    column = str(Role._meta.get_field("caseload_standard").verbose_name)
    roles = [str(role) for role in Role.objects.all()]
    assert len(named) == len(roles)
    assert all(any(column in label and role in label for label in named) for role in roles)


@pytest.mark.parametrize(
    "label",
    [
        "org.Unit",
        "org.Role",
        "org.Agency",
        "org.Staff",
        "org.LeavePeriod",
        "cases.SupervisionSession",
        "indicators.ReportedValue",
        "workforce.Vacancy",
        "intake.Report",
        "reporting.ReportExport",
    ],
)
def test_the_change_log_keeps(label: str) -> None:
    assert auditlog.contains(apps.get_model(label))


def test_every_model_the_admin_may_change_is_in_the_change_log() -> None:
    from django.contrib.auth import get_user_model

    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username="admin")
    missing = []
    for model, model_admin in admin.site._registry.items():
        editable = model_admin.has_change_permission(request) or model_admin.has_add_permission(request)
        inlines = [inline.model for inline in model_admin.get_inline_instances(request)]
        if editable:
            missing += [m._meta.label for m in [model, *inlines] if not auditlog.contains(m)]
    assert missing == []


def test_recorded_leave_enters_the_access_log() -> None:
    import datetime

    from safetynet.org.services import record_leave

    worker = Staff.objects.get(user__username="worker")
    day = datetime.date(2031, 1, 6)
    after = last_seq()
    leave = record_leave(worker, kind="annual", starts_on=day, ends_on=day, note="看診")
    [entry] = changes_of(leave, after)
    assert entry.detail["op"] == "create" and "note" not in entry.detail["fields"]
