"""Reference data an administrator edits: role names and caseload standards, agencies, units.

Every change goes through `safetynet.org.services` (with its checks) and enters the change log. What
decides who sees what is read-only here: a role's kind, an agency's kind and county, a unit's kind,
county and agency (a 家防中心 sees sexual-assault victims). Staff, accounts and leave change through
the services (pages and `safetynet import staff`), so they are read-only here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safetynet.core.admin import ReferenceAdmin
from safetynet.geo.admin import ReadOnlyAdmin
from safetynet.org import services
from safetynet.org.models import Agency, Role, Staff, Unit


@admin.register(Role)
class RoleAdmin(ReferenceAdmin):
    list_display = ["code", "name", "kind", "caseload_standard"]
    list_editable = ["caseload_standard"]
    readonly_fields = ["code", "kind", "group"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Role, form: Any, change: bool) -> None:
        data = form.cleaned_data
        role = Role.objects.get(pk=obj.pk)
        services.update_role(
            role,
            name=data.get("name", role.name),
            name_en=data.get("name_en", role.name_en),
            caseload_standard=data.get("caseload_standard"),
        )


@admin.register(Agency)
class AgencyAdmin(ReferenceAdmin):
    list_display = ["name", "kind", "county"]
    list_filter = ["kind", "county"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["kind", "county"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            services.rename_agency(Agency.objects.get(pk=obj.pk), data["name"])
        else:
            obj.pk = services.create_agency(data["name"], data["kind"], data.get("county")).pk


@admin.register(Unit)
class UnitAdmin(ReferenceAdmin):
    list_display = ["name", "kind", "county", "agency", "dispatch_mode", "active"]
    list_filter = ["county", "kind", "active"]
    filter_horizontal = ["towns"]
    search_fields = ["name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["agency", "kind", "county"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            details = {f: data[f] for f in services.UNIT_DETAILS if f in data}
            services.update_unit(Unit.objects.get(pk=obj.pk), **details)
        else:
            unit = services.create_unit(
                data["agency"],
                data["name"],
                data["kind"],
                county=data.get("county"),
                address=data.get("address", ""),
                phone=data.get("phone", ""),
            )
            obj.pk = unit.pk
            obj.county_id = unit.county_id

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The towns through the service (its county check), never the form's own m2m save.
        services.set_unit_towns(Unit.objects.get(pk=form.instance.pk), list(form.cleaned_data["towns"]))


@admin.register(Staff)
class StaffAdmin(ReadOnlyAdmin):
    list_display = ["name", "role", "unit", "hired_on", "left_on"]
    list_filter = ["unit__county", "role"]
    search_fields = ["name"]
