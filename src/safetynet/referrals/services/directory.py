"""Writes to the partner directory: organisations, locations, services, contacts, phones, hours."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

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


def _required(value: str, field: str, label: str) -> str:
    text = value.strip()
    if not text:
        raise DomainError(f"{label}不可空白", field=field)
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
    name = _required(name, "name", "合作單位名稱")
    if kind not in OrganizationKind.values:
        raise DomainError(f"合作單位類型 {kind!r} 不存在", field="kind")
    if Organization.objects.filter(name=name).exists():
        raise DomainError(f"合作網絡已有 {name}", field="name")
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
        raise DomainError("只有合作單位類別的單位可連結合作單位帳號", field="unit")
    taken = Organization.objects.filter(unit=unit).exclude(pk=organization.pk).first()
    if taken is not None:
        raise DomainError(f"此單位已連結 {taken.name}", field="unit")
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
    name = _required(name, "location", "據點名稱")
    if (latitude is None) != (longitude is None):
        raise DomainError("經緯度須同時填寫", field="latitude" if latitude is None else "longitude")
    if latitude is not None and not LATITUDE[0] <= latitude <= LATITUDE[1]:
        raise DomainError(f"緯度應介於 {LATITUDE[0]} 與 {LATITUDE[1]} 之間", field="latitude")
    if longitude is not None and not LONGITUDE[0] <= longitude <= LONGITUDE[1]:
        raise DomainError(f"經度應介於 {LONGITUDE[0]} 與 {LONGITUDE[1]} 之間", field="longitude")
    if organization.locations.filter(name=name).exists():
        raise DomainError(f"{organization.name} 已有據點 {name}", field="location")
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
    name = _required(name, "service", "服務名稱")
    chosen = list(categories)
    if not chosen:
        raise DomainError("服務至少屬於一個服務類別", field="categories")
    if status not in ServiceStatus.values:
        raise DomainError(f"服務狀態 {status!r} 不存在", field="status")
    if organization.services.filter(name=name).exists():
        raise DomainError(f"{organization.name} 已有服務 {name}", field="service")
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
        raise DomainError("據點須屬於提供服務的合作單位", field="location")
    found, _ = ServiceAtLocation.objects.get_or_create(service=service, location=location)
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
    name = _required(name, "contact_name", "聯絡人")
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
    number = _required(number, "phone", "電話")
    if not set(number) <= set("0123456789-()+ #"):
        raise DomainError("電話只可有數字、空白與 - ( ) + #", field="phone")
    if kind not in PhoneType.values:
        raise DomainError(f"電話類型 {kind!r} 不存在", field="phone")
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
        raise DomainError(f"星期請用 {','.join(BYDAY)}", field="hours")
    if closes_at <= opens_at:
        raise DomainError("結束時間須晚於開始時間", field="hours")
    return Schedule.objects.create(
        service=service,
        location=location,
        byday=",".join(sorted(set(days), key=BYDAY.index)),
        opens_at=opens_at,
        closes_at=closes_at,
        description=description.strip(),
    )
