"""Reference data an administrator edits: role names and caseload standards, agencies, units.

Staff, accounts and leave change through the services (pages and `safetynet import staff`), so they
are read-only here.
"""

from django.contrib import admin

from safetynet.core.admin import ReferenceAdmin
from safetynet.geo.admin import ReadOnlyAdmin
from safetynet.org.models import Agency, Role, Staff, Unit


@admin.register(Role)
class RoleAdmin(ReferenceAdmin):
    list_display = ["code", "name", "kind", "caseload_standard"]
    list_editable = ["caseload_standard"]
    readonly_fields = ["code", "kind", "group"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Agency)
class AgencyAdmin(ReferenceAdmin):
    list_display = ["name", "kind", "county"]
    list_filter = ["kind", "county"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Unit)
class UnitAdmin(ReferenceAdmin):
    list_display = ["name", "kind", "county", "agency", "dispatch_mode", "active"]
    list_filter = ["county", "kind", "active"]
    filter_horizontal = ["towns"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # units are deactivated, never deleted


@admin.register(Staff)
class StaffAdmin(ReadOnlyAdmin):
    list_display = ["name", "role", "unit", "hired_on", "left_on"]
    list_filter = ["unit__county", "role"]
    search_fields = ["name"]
