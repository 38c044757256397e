"""Intake reference data an administrator edits: which roles serve each route, and whether by town.

The unit kind a route goes to decides who sees its persons (a sexual-assault report goes to the 家防中心)
and is read-only here, like the route itself."""

from django.contrib import admin

from safetynet.core.admin import ReferenceAdmin
from safetynet.intake.models import RouteService


@admin.register(RouteService)
class RouteServiceAdmin(ReferenceAdmin):
    list_display = ["route", "unit_kind", "roles", "by_town"]
    list_editable = ["by_town"]
    readonly_fields = ["route", "unit_kind"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
