"""Intake reference data an administrator edits: which unit kind and roles serve each route."""

from django.contrib import admin

from safetynet.core.admin import ReferenceAdmin
from safetynet.intake.models import RouteService


@admin.register(RouteService)
class RouteServiceAdmin(ReferenceAdmin):
    list_display = ["route", "unit_kind", "roles", "by_town"]
    list_editable = ["by_town"]
