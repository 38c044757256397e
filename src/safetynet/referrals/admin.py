"""The partner directory and the referral reference data, kept by the system administrator: service
categories (names, the partner's days to answer, order, in use), holidays that deadlines skip, and the
organisations with their services, locations, contacts, phones and hours. Every one of them is in the
change log; an organisation's link to the unit whose partner accounts answer its referrals goes through
`link_partner_unit` (only a partner unit, only one organisation each)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safetynet.core.admin import ReferenceAdmin
from safetynet.referrals.models import (
    Holiday,
    Location,
    Organization,
    PartnerContact,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCategory,
)
from safetynet.referrals.services.directory import link_partner_unit


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(ReferenceAdmin):
    list_display = ["code", "name", "response_days", "order", "active"]
    list_editable = ["response_days", "order", "active"]


@admin.register(Holiday)
class HolidayAdmin(ReferenceAdmin):
    list_display = ["date", "name"]


class LocationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Location
    extra = 0
    fields = ["name", "town", "address", "postal_code", "address_confidential", "latitude", "longitude"]


class PhoneInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Phone
    extra = 0
    fields = ["number", "extension", "type", "description", "service", "location", "contact"]


class ContactInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PartnerContact
    extra = 0
    fields = ["name", "title", "department", "email", "service"]


@admin.register(Organization)
class OrganizationAdmin(ReferenceAdmin):
    list_display = ["name", "alternate_name", "kind", "area", "unit", "active"]
    list_filter = ["area", "kind", "active"]
    search_fields = ["name", "alternate_name"]
    inlines = [LocationInline, ContactInline, PhoneInline]

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        unit = form.cleaned_data.get("unit")
        if "unit" in form.changed_data:
            obj.unit = Organization.objects.get(pk=obj.pk).unit if change else None
        super().save_model(request, obj, form, change)
        if "unit" in form.changed_data:
            if unit is not None:
                link_partner_unit(obj, unit)
            else:
                obj.unit = None
                obj.save(update_fields=["unit", "updated_at"])


class ServiceAtLocationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ServiceAtLocation
    extra = 0


class ScheduleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Schedule
    extra = 0


@admin.register(Service)
class ServiceAdmin(ReferenceAdmin):
    list_display = ["name", "organization", "status"]
    list_filter = ["status", "categories", "organization__area"]
    search_fields = ["name", "organization__name"]
    filter_horizontal = ["categories", "towns"]
    inlines = [ServiceAtLocationInline, ScheduleInline]
