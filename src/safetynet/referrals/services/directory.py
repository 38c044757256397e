"""Writes to the partner directory: organisations, locations, services, contacts, phones, hours."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from safetynet.core.errors import DomainError
from safetynet.geo.models import County, Town
from safetynet.org.models import Unit, UnitKind
from safetynet.referrals.models import (
    LATITUDE,
    LONGITUDE,
    Location,
    Organization,
    OrganizationKind,
    PartnerContact,
    Phone,
    PhoneType,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCategory,
    ServiceStatus,
)

BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _required(value: str, field: str, message: str) -> str:
    text = value.strip()
    if not text:
        raise DomainError(message, field=field)
    return text


@transaction.atomic
def create_organization(
    name: str,
    *,
    kind: str,
    area: County,
    alternate_name: str = "",
    description: str = "",
    email: str = "",
    website: str = "",
) -> Organization:
    name = _required(name, "name", _("The name of the partner organisation cannot be blank."))
    if kind not in OrganizationKind.values:
        raise DomainError(
            _("No type of partner organisation has the code %(code)s.") % {"code": repr(kind)}, field="kind"
        )
    if Organization.objects.filter(name=name).exists():
        raise DomainError(_("The partner network already has %(name)s.") % {"name": name}, field="name")
    return Organization.objects.create(
        name=name,
        kind=kind,
        area=area,
        alternate_name=alternate_name.strip(),
        description=description.strip(),
        email=email.strip(),
        website=website.strip(),
    )


@transaction.atomic
def link_partner_unit(organization: Organization, unit: Unit) -> Organization:
    """Let the partner users of `unit` answer the organisation's referrals."""
    if unit.kind != UnitKind.PARTNER:
        raise DomainError(
            _("Only a unit of the partner kind can be linked to a partner organisation's accounts."),
            field="unit",
        )
    taken = Organization.objects.filter(unit=unit).exclude(pk=organization.pk).first()
    if taken is not None:
        raise DomainError(_("This unit is already linked to %(name)s.") % {"name": taken.name}, field="unit")
    organization.unit = unit
    organization.save(update_fields=["unit", "updated_at"])
    return organization


@transaction.atomic
def add_location(
    organization: Organization,
    name: str,
    *,
    town: Town | None = None,
    address: str = "",
    postal_code: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    confidential: bool = False,
    description: str = "",
) -> Location:
    name = _required(name, "location", _("The name of the location cannot be blank."))
    if (latitude is None) != (longitude is None):
        raise DomainError(
            _("Give both the latitude and the longitude, or neither."),
            field="latitude" if latitude is None else "longitude",
        )
    if latitude is not None and not LATITUDE[0] <= latitude <= LATITUDE[1]:
        raise DomainError(
            _("The latitude must be between %(low)s and %(high)s.")
            % {"low": LATITUDE[0], "high": LATITUDE[1]},
            field="latitude",
        )
    if longitude is not None and not LONGITUDE[0] <= longitude <= LONGITUDE[1]:
        raise DomainError(
            _("The longitude must be between %(low)s and %(high)s.")
            % {"low": LONGITUDE[0], "high": LONGITUDE[1]},
            field="longitude",
        )
    if organization.locations.filter(name=name).exists():
        raise DomainError(
            _("%(organization)s already has a location named %(name)s.")
            % {"organization": organization.name, "name": name},
            field="location",
        )
    return Location.objects.create(
        organization=organization,
        name=name,
        town=town,
        address=address.strip(),
        postal_code=postal_code.strip(),
        latitude=latitude,
        longitude=longitude,
        address_confidential=confidential,
        description=description.strip(),
    )


@transaction.atomic
def add_service(
    organization: Organization,
    name: str,
    *,
    categories: Iterable[ServiceCategory],
    description: str = "",
    locations: Iterable[Location] = (),
    towns: Iterable[Town] = (),
    status: str = ServiceStatus.ACTIVE,
    email: str = "",
    url: str = "",
    eligibility: str = "",
    fees: str = "",
) -> Service:
    name = _required(name, "service", _("The name of the service cannot be blank."))
    chosen = list(categories)
    if not chosen:
        raise DomainError(_("A service belongs to at least one service category."), field="categories")
    if status not in ServiceStatus.values:
        raise DomainError(
            _("No service status has the code %(code)s.") % {"code": repr(status)}, field="status"
        )
    if organization.services.filter(name=name).exists():
        raise DomainError(
            _("%(organization)s already has a service named %(name)s.")
            % {"organization": organization.name, "name": name},
            field="service",
        )
    service = Service.objects.create(
        organization=organization,
        name=name,
        description=description.strip(),
        status=status,
        email=email.strip(),
        url=url.strip(),
        eligibility_description=eligibility.strip(),
        fees_description=fees.strip(),
    )
    service.categories.set(chosen)
    service.towns.set(list(towns))
    for location in locations:
        offer_at(service, location)
    return service


@transaction.atomic
def offer_at(service: Service, location: Location) -> ServiceAtLocation:
    if location.organization_id != service.organization_id:
        raise DomainError(
            _("The location must belong to the organisation offering the service."), field="location"
        )
    found, _created = ServiceAtLocation.objects.get_or_create(service=service, location=location)
    return found


@transaction.atomic
def add_contact(
    organization: Organization,
    name: str,
    *,
    title: str = "",
    department: str = "",
    email: str = "",
    service: Service | None = None,
) -> PartnerContact:
    name = _required(name, "contact_name", _("The contact person cannot be blank."))
    return PartnerContact.objects.create(
        organization=organization,
        service=service,
        name=name,
        title=title.strip(),
        department=department.strip(),
        email=email.strip(),
    )


@transaction.atomic
def add_phone(
    organization: Organization,
    number: str,
    *,
    kind: str = PhoneType.VOICE,
    extension: str = "",
    description: str = "",
    service: Service | None = None,
    location: Location | None = None,
    contact: PartnerContact | None = None,
) -> Phone:
    number = _required(number, "phone", _("The phone number cannot be blank."))
    if not set(number) <= set("0123456789-()+ #"):
        raise DomainError(_("A phone number has only digits, spaces and - ( ) + #"), field="phone")
    if kind not in PhoneType.values:
        raise DomainError(_("No type of phone has the code %(code)s.") % {"code": repr(kind)}, field="phone")
    return Phone.objects.create(
        organization=organization,
        service=service,
        location=location,
        contact=contact,
        number=number,
        extension=extension.strip(),
        type=kind,
        description=description.strip(),
    )


@transaction.atomic
def add_schedule(
    service: Service,
    *,
    byday: Iterable[str],
    opens_at: datetime.time,
    closes_at: datetime.time,
    location: Location | None = None,
    description: str = "",
) -> Schedule:
    days = [d.upper() for d in byday]
    unknown = [d for d in days if d not in BYDAY]
    if not days or unknown:
        raise DomainError(_("Write the days as %(days)s") % {"days": ",".join(BYDAY)}, field="hours")
    if closes_at <= opens_at:
        raise DomainError(_("The closing time must be after the opening time."), field="hours")
    return Schedule.objects.create(
        service=service,
        location=location,
        byday=",".join(sorted(set(days), key=BYDAY.index)),
        opens_at=opens_at,
        closes_at=closes_at,
        description=description.strip(),
    )
