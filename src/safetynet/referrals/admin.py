"""The partner directory and the referral reference data, kept by the system administrator: service
categories (names, the partner's days to answer, order, in use), holidays that deadlines skip, and the
organisations with their services, locations, contacts, phones and hours."""

from django.contrib import admin

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
