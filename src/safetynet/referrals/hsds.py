"""The partner directory as Open Referral HSDS 3.0 "compiled" service objects.

`exported_services()` is the one queryset (with every relation prefetched) and `service_record()` turns
one of its services into the nested object that HSDS's `compiled/service.json` describes. Identifiers are
UUID 5 of `safetynet:<model label>:<pk>` in one namespace, so a record keeps its id from one export to
the next. HSDS types allow no null: an optional value that is empty is left out, never sent as null. A
location whose address is confidential (shelters, halfway houses) is exported without its address and
its coordinates.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Model, Prefetch, QuerySet

from safetynet.geo.models import Town
from safetynet.referrals.models import (
    Location,
    Organization,
    PartnerContact,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCategory,
)

# Fixed for good: changing it changes every exported id.
NAMESPACE = uuid.UUID("7d1f3c52-5b0e-4f3a-9a55-2f6b8e0c4d91")
TAXONOMY = "SafetyNet referral categories"
COUNTRY = "TW"
UTC_OFFSET_HOURS = 8  # opening hours are Taiwan time (UTC+8), which HSDS says to state


def hsds_id(label: str, pk: object) -> str:
    """The stable HSDS id of a record: `label` is the model label (`referrals.service`) or a link's name."""
    return str(uuid.uuid5(NAMESPACE, f"safetynet:{label}:{pk}"))


def id_of(record: Model) -> str:
    return hsds_id(record._meta.label_lower, record.pk)


def exported_services() -> QuerySet[Service]:
    """The services of active organisations, whatever their own status, with all an export reads."""
    location_phones = Prefetch("location__phones", queryset=Phone.objects.order_by("id"))
    return (
        Service.objects.filter(organization__active=True)
        .select_related("organization")
        .prefetch_related(
            Prefetch("categories", queryset=ServiceCategory.objects.order_by("order", "id")),
            Prefetch("towns", queryset=Town.objects.select_related("county").order_by("code")),
            Prefetch(
                "at_locations",
                queryset=ServiceAtLocation.objects.select_related("location__town__county")
                .prefetch_related(location_phones)
                .order_by("id"),
            ),
            Prefetch("phones", queryset=Phone.objects.order_by("id")),
            Prefetch("schedules", queryset=Schedule.objects.order_by("id")),
            Prefetch("contacts", queryset=PartnerContact.objects.prefetch_related("phones").order_by("id")),
            Prefetch("organization__phones", queryset=Phone.objects.order_by("id")),
            Prefetch(
                "organization__contacts",
                queryset=PartnerContact.objects.prefetch_related("phones").order_by("id"),
            ),
        )
        .order_by("organization_id", "id")
    )


def _set(target: dict[str, Any], **values: Any) -> dict[str, Any]:
    """Add the values that are not empty (None, "" or [])."""
    target.update({k: v for k, v in values.items() if v not in (None, "", [])})
    return target


def phone_record(phone: Phone) -> dict[str, Any]:
    record: dict[str, Any] = {"id": id_of(phone), "number": phone.number}
    extension = phone.extension.strip()
    # HSDS types the extension as a number; one that is not digits stays readable in the number.
    if extension.isascii() and extension.isdigit():
        record["extension"] = int(extension)
    elif extension:
        record["number"] = f"{phone.number} #{extension}"
    return _set(
        record,
        organization_id=hsds_id("referrals.organization", phone.organization_id),
        service_id=hsds_id("referrals.service", phone.service_id) if phone.service_id else None,
        location_id=hsds_id("referrals.location", phone.location_id) if phone.location_id else None,
        contact_id=hsds_id("referrals.partnercontact", phone.contact_id) if phone.contact_id else None,
        type=phone.type,
        description=phone.description,
    )


def contact_record(contact: PartnerContact) -> dict[str, Any]:
    return _set(
        {"id": id_of(contact)},
        organization_id=hsds_id("referrals.organization", contact.organization_id),
        service_id=hsds_id("referrals.service", contact.service_id) if contact.service_id else None,
        name=contact.name,
        title=contact.title,
        department=contact.department,
        email=contact.email,
        phones=[phone_record(p) for p in contact.phones.all()],
    )


def schedule_record(schedule: Schedule, at: ServiceAtLocation | None = None) -> dict[str, Any]:
    return _set(
        {"id": id_of(schedule)},
        service_id=hsds_id("referrals.service", schedule.service_id),
        location_id=hsds_id("referrals.location", schedule.location_id) if schedule.location_id else None,
        service_at_location_id=id_of(at) if at is not None else None,
        freq="WEEKLY",
        byday=schedule.byday,
        opens_at=f"{schedule.opens_at:%H:%M}",
        closes_at=f"{schedule.closes_at:%H:%M}",
        timezone=UTC_OFFSET_HOURS,
        description=schedule.description,
    )


def location_record(location: Location) -> dict[str, Any]:
    record = _set(
        {"id": id_of(location), "location_type": "physical"},
        organization_id=hsds_id("referrals.organization", location.organization_id),
        name=location.name,
        description=location.description,
        phones=[
            phone_record(p) for p in location.phones.all() if p.service_id is None and p.contact_id is None
        ],
    )
    if location.address_confidential:
        return record
    if location.latitude is not None and location.longitude is not None:
        record["latitude"] = float(location.latitude)
        record["longitude"] = float(location.longitude)
    town = location.town
    # An HSDS address needs its city and province: without a town there is no address to give.
    if location.address.strip() and town is not None:
        record["addresses"] = [
            {
                "id": hsds_id("referrals.location.address", location.pk),
                "location_id": record["id"],
                "address_1": location.address,
                "city": town.name,
                "state_province": town.county.name,
                "postal_code": location.postal_code,
                "country": COUNTRY,
                "address_type": "physical",
            }
        ]
    return record


def organization_record(organization: Organization) -> dict[str, Any]:
    # Phones and contacts of the organisation as a whole: none of its services, locations or people.
    phones = [
        p
        for p in organization.phones.all()
        if p.service_id is None and p.location_id is None and p.contact_id is None
    ]
    contacts = [c for c in organization.contacts.all() if c.service_id is None]
    return _set(
        {
            "id": id_of(organization),
            "name": organization.name,
            "description": organization.description.strip() or organization.name,
        },
        alternate_name=organization.alternate_name,
        email=organization.email,
        website=organization.website,
        phones=[phone_record(p) for p in phones],
        contacts=[contact_record(c) for c in contacts],
    )


def taxonomy_term_record(category: ServiceCategory) -> dict[str, Any]:
    return _set(
        {
            "id": id_of(category),
            "code": category.code,
            "name": category.name,
            "description": category.description.strip() or category.name,
            "taxonomy": TAXONOMY,
        },
        parent_id=hsds_id("referrals.servicecategory", category.parent_id) if category.parent_id else None,
    )


def service_record(service: Service) -> dict[str, Any]:
    """One service of `exported_services()` as an HSDS 3.0 compiled service object."""
    service_id = id_of(service)
    at_locations = list(service.at_locations.all())
    # Hours all sit on the service; those kept for one of its locations also name that location.
    where: dict[int | None, ServiceAtLocation] = {at.location_id: at for at in at_locations}
    return _set(
        {"id": service_id, "name": service.name, "status": service.status},
        organization_id=id_of(service.organization),
        description=service.description,
        url=service.url,
        email=service.email,
        eligibility_description=service.eligibility_description,
        fees_description=service.fees_description,
        last_modified=service.updated_at.isoformat(),
        organization=organization_record(service.organization),
        phones=[phone_record(p) for p in service.phones.all() if p.contact_id is None],
        schedules=[schedule_record(s, where.get(s.location_id)) for s in service.schedules.all()],
        service_areas=[
            {
                "id": hsds_id("referrals.service.towns", f"{service.pk}-{town.code}"),
                "service_id": service_id,
                "name": town.full_name,
            }
            for town in service.towns.all()
        ],
        service_at_locations=[
            {
                "id": id_of(at),
                "service_id": service_id,
                "location_id": id_of(at.location),
                "location": location_record(at.location),
            }
            for at in at_locations
        ],
        contacts=[contact_record(c) for c in service.contacts.all()],
        attributes=[
            {
                "id": hsds_id("referrals.service.categories", f"{service.pk}-{category.pk}"),
                "link_id": service_id,
                "link_type": "service_category",
                "link_entity": "service",
                "taxonomy_term_id": id_of(category),
                "taxonomy_term": taxonomy_term_record(category),
            }
            for category in service.categories.all()
        ],
    )
