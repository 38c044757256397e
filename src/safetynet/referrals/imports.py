"""`safetynet import partners FILE` (the partner directory) and `safetynet import referrals FILE` (history).

Partners: one row is one service of an organisation, at one location when the row names one. Rows
naming the same organisation build one organisation (its own columns are read from its first row);
rows naming the same service of it add locations to that service. Categories are codes or names
separated by 、 or ;. Hours read `MO-FR 08:00-17:30; SA 09:00-12:00`.

Referrals: one row is one past referral, from an earlier system or a spreadsheet. The partner is an
organisation already in the directory (name or short name), the category a code or name, the status a
code or its zh-Hant label. `case_external_id` is the earlier system's case number, kept as given (and
linked to the case of the report that carries it, when one was imported).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from safetynet.core.imports import Importer, Row
from safetynet.domain.referral import OUTCOME_REQUIRED, ReferralStatus
from safetynet.geo.models import County, Town
from safetynet.intake.models import Report
from safetynet.org.models import Unit
from safetynet.people.imports import town_lookup
from safetynet.referrals import services
from safetynet.referrals.models import (
    REFERRAL_STATUS_LABELS,
    Location,
    Organization,
    OrganizationKind,
    PhoneType,
    ServiceCategory,
)
from safetynet.referrals.services.directory import BYDAY

LIST = re.compile(r"[、;；,，]+")
HOURS = re.compile(
    r"^\s*([A-Za-z]{2})(?:\s*-\s*([A-Za-z]{2}))?((?:\s*,\s*[A-Za-z]{2})*)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$"
)
TRUE = {"1", "true", "yes", "y", "是", "v"}
# A partner of the county serves in Taiwan, outlying islands included: a coordinate outside is a typo.
TAIWAN_LATITUDE = (21, 27)
TAIWAN_LONGITUDE = (118, 123)

PARTNER_COLUMNS = ["organization", "kind", "area", "service", "categories"]
PARTNER_OPTIONAL = [
    "alternate_name",
    "description",
    "email",
    "website",
    "service_description",
    "eligibility",
    "location",
    "town",
    "address",
    "postal_code",
    "latitude",
    "longitude",
    "address_confidential",
    "phone",
    "fax",
    "hours",
    "contact_name",
    "contact_title",
    "contact_phone",
    "towns_served",
]


def parse_hours(text: str) -> list[tuple[list[str], datetime.time, datetime.time]]:
    """`MO-FR 08:00-17:30; SA 09:00-12:00` → [(days, opens, closes)]; ValueError naming what is wrong."""
    result = []
    for part in (p for p in re.split(r"[;；]", text) if p.strip()):
        match = HOURS.match(part)
        if match is None:
            raise ValueError(f"expected days and hours like MO-FR 08:00-17:30, got {part.strip()!r}")
        first, last, more = match.group(1).upper(), (match.group(2) or "").upper(), match.group(3)
        for day in (first, last):
            if day and day not in BYDAY:
                raise ValueError(f"unknown day {day!r}: use {','.join(BYDAY)}")
        days = list(BYDAY[BYDAY.index(first) : BYDAY.index(last) + 1]) if last else [first]
        if not days:
            raise ValueError(f"{first}-{last} runs backwards")
        extra = [d.strip().upper() for d in more.split(",") if d.strip()]
        if any(d not in BYDAY for d in extra):
            raise ValueError(f"unknown day in {part.strip()!r}")
        try:
            opens, closes = (datetime.time.fromisoformat(t.zfill(5)) for t in match.group(4, 5))
        except ValueError as exc:
            raise ValueError(f"not a time of day in {part.strip()!r}") from exc
        if closes <= opens:
            raise ValueError(f"closes before it opens in {part.strip()!r}")
        result.append((days + extra, opens, closes))
    return result


def _counties() -> dict[str, County]:
    counties = list(County.objects.all())
    return {c.code: c for c in counties} | {c.name: c for c in counties}


def _categories() -> dict[str, ServiceCategory]:
    rows = list(ServiceCategory.objects.filter(active=True))
    return {c.code: c for c in rows} | {c.name: c for c in rows}


def _town(towns: dict[str, Town], text: str, county: County | None) -> Town | None:
    text = text.strip().replace("台", "臺")
    found = towns.get(text)
    if found is None and county is not None:
        found = towns.get(county.name + text)
    return found


def _decimal(row: Row, column: str) -> Decimal | None:
    text = row.text(column)
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        row.problem(column, f"not a number: {text!r}")
        return None


def _kinds() -> dict[str, str]:
    """The kinds of organisation, by code or by label in any language of the UI (醫療院所, Hospital or
    clinic)."""
    kinds = {k: k for k in OrganizationKind.values}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            kinds |= {str(label): k for k, label in OrganizationKind.choices}
    return kinds


def partners_importer() -> Importer:
    counties, categories, towns = _counties(), _categories(), town_lookup()
    kinds = _kinds()
    existing = set(Organization.objects.values_list("name", flat=True))
    created: dict[Any, Any] = {}  # organisation, (organisation, service), (organisation, location) → record

    def parse(row: Row) -> dict[str, Any]:
        name = row.text("organization", required=True)
        if name in existing:
            row.problem("organization", "already in the directory: change it in the admin")
        kind = kinds.get(row.text("kind", required=True))
        if row.text("kind") and kind is None:
            row.problem("kind", f"unknown kind: one of {', '.join(OrganizationKind.values)}")
        area = counties.get(row.text("area", required=True).replace("台", "臺"))
        if row.text("area") and area is None:
            row.problem("area", "unknown county: give its 5-digit code or name")
        chosen = _chosen_categories(row, categories)
        town = None
        if row.text("town"):
            town = _town(towns, row.text("town"), area)
            if town is None:
                row.problem(
                    "town", "unknown town: give the 8-digit code, the full name or a town of the area"
                )
        served = _towns_served(row, towns, area)
        latitude, longitude = _coordinates(row)
        hours = []
        if row.text("hours"):
            try:
                hours = parse_hours(row.text("hours"))
            except ValueError as exc:
                row.problem("hours", str(exc))
        location = row.text("location") or (name if (town or row.text("address") or latitude) else "")
        return {
            "row": row,
            "name": name,
            "kind": kind,
            "area": area,
            "categories": chosen,
            "town": town,
            "served": {t.code: t for t in served},
            "latitude": latitude,
            "longitude": longitude,
            "hours": hours,
            "location": location,
        }

    def write(plan: dict[str, Any]) -> None:
        row: Row = plan["row"]
        name = plan["name"]
        organization = created.get(name)
        if organization is None:
            organization = created[name] = _create_organization(row, plan)
        location = None
        if plan["location"]:
            location = created.get((name, "location", plan["location"]))
            if location is None:
                location = created[(name, "location", plan["location"])] = _add_location(
                    row, plan, organization
                )
        service = created.get((name, "service", row.text("service")))
        if service is None:
            service = services.add_service(
                organization,
                row.text("service"),
                categories=plan["categories"],
                description=row.text("service_description"),
                eligibility=row.text("eligibility"),
                towns=plan["served"].values(),
            )
            created[(name, "service", row.text("service"))] = service
        else:
            service.categories.add(*plan["categories"])
            service.towns.add(*plan["served"].values())
        if location is not None:
            services.offer_at(service, location)
        for days, opens, closes in plan["hours"]:
            services.add_schedule(service, byday=days, opens_at=opens, closes_at=closes, location=location)

    return Importer(columns=PARTNER_COLUMNS, optional=PARTNER_OPTIONAL, parse=parse, write=write)


def _chosen_categories(row: Row, categories: dict[str, ServiceCategory]) -> list[ServiceCategory]:
    chosen = []
    for text in (t.strip() for t in LIST.split(row.text("categories", required=True)) if t.strip()):
        category = categories.get(text)
        if category is None:
            row.problem("categories", f"unknown category {text!r}: give its code or name")
        else:
            chosen.append(category)
    return chosen


def _towns_served(row: Row, towns: dict[str, Town], area: County | None) -> list[Town]:
    """`*` for every town of the area, else the towns named."""
    spec = row.text("towns_served")
    if spec == "*" and area is not None:
        return [t for t in towns.values() if t.county_id == area.code]
    served = []
    for text in (t for t in re.split(r"[、;；,，\s]+", spec) if t):
        found = _town(towns, text, area)
        if found is None:
            row.problem("towns_served", f"unknown town {text!r}")
        else:
            served.append(found)
    return served


def _coordinates(row: Row) -> tuple[Decimal | None, Decimal | None]:
    """Latitude and longitude, both or neither, inside Taiwan."""
    latitude, longitude = _decimal(row, "latitude"), _decimal(row, "longitude")
    if (latitude is None) != (longitude is None):
        row.problem("longitude" if longitude is None else "latitude", "give both latitude and longitude")
    for column, value, (low, high) in (
        ("latitude", latitude, TAIWAN_LATITUDE),
        ("longitude", longitude, TAIWAN_LONGITUDE),
    ):
        if value is not None and not low <= value <= high:
            row.problem(column, f"outside Taiwan ({low} to {high})")
    return latitude, longitude


def _create_organization(row: Row, plan: dict[str, Any]) -> Organization:
    """The organisation of its first row, with that row's phones and contact."""
    organization = services.create_organization(
        plan["name"],
        kind=plan["kind"],
        area=plan["area"],
        alternate_name=row.text("alternate_name"),
        description=row.text("description"),
        email=row.text("email"),
        website=row.text("website"),
    )
    for column, kind in (("phone", PhoneType.VOICE), ("fax", PhoneType.FAX)):
        if row.text(column):
            services.add_phone(organization, row.text(column), kind=kind)
    if row.text("contact_name"):
        contact = services.add_contact(
            organization, row.text("contact_name"), title=row.text("contact_title")
        )
        if row.text("contact_phone"):
            services.add_phone(organization, row.text("contact_phone"), contact=contact)
    return organization


def _add_location(row: Row, plan: dict[str, Any], organization: Organization) -> Location:
    return services.add_location(
        organization,
        plan["location"],
        town=plan["town"],
        address=row.text("address"),
        postal_code=row.text("postal_code"),
        latitude=plan["latitude"],
        longitude=plan["longitude"],
        confidential=row.text("address_confidential").lower() in TRUE,
    )


REFERRAL_COLUMNS = [
    "referred_on",
    "area",
    "case_external_id",
    "category",
    "partner",
    "status",
    "responded_on",
    "outcome",
]
REFERRAL_OPTIONAL = ["route", "unit"]


def _sent_statuses() -> dict[str, str]:
    """The statuses a past referral may have, by code or by label in any language of the UI (已完成,
    Completed); a draft was never sent."""
    sent = [s for s in ReferralStatus if s != ReferralStatus.DRAFT]
    names = {s.value: s.value for s in sent}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names |= {REFERRAL_STATUS_LABELS[s]: s.value for s in sent}
    return names


def referrals_importer() -> Importer:
    counties, categories, organizations = _counties(), _categories(), _organizations()
    statuses = _sent_statuses()
    units = {u.name: u for u in Unit.objects.all()}

    def parse(row: Row) -> dict[str, Any]:
        referred_on = row.date("referred_on", required=True)
        area = counties.get(row.text("area", required=True).replace("台", "臺"))
        if row.text("area") and area is None:
            row.problem("area", "unknown county: give its 5-digit code or name")
        category = categories.get(row.text("category", required=True))
        if row.text("category") and category is None:
            row.problem("category", f"unknown category {row.text('category')!r}: give its code or name")
        partner = organizations.get(row.text("partner", required=True))
        if row.text("partner") and partner is None:
            row.problem(
                "partner", f"unknown partner {row.text('partner')!r}: import it with `import partners` first"
            )
        status = statuses.get(row.text("status", required=True))
        if row.text("status") and status is None:
            row.problem(
                "status",
                f"unknown status: one of {', '.join(dict.fromkeys(statuses.values()))}",
            )
        responded_on = _answer(row, status, referred_on)
        unit = None
        if row.text("unit"):
            unit = units.get(row.text("unit"))
            if unit is None:
                row.problem("unit", "unknown unit")
        external = row.text("case_external_id")
        if len(external) > 40:
            row.problem("case_external_id", "at most 40 characters")
        return {
            "area": area,
            "organization": partner,
            "category": category,
            "referred_on": referred_on,
            "status": status,
            "responded_on": responded_on,
            "outcome": row.text("outcome"),
            "case_external_id": external,
            "route": row.text("route").upper(),
            "unit": unit,
        }

    return Importer(columns=REFERRAL_COLUMNS, optional=REFERRAL_OPTIONAL, parse=parse, write=write_referral)


def _organizations() -> dict[str, Organization]:
    """The directory's organisations by name, and by short name where no other has it as its name."""
    organizations: dict[str, Organization] = {}
    for organization in Organization.objects.all():
        organizations[organization.name] = organization
        if organization.alternate_name:
            organizations.setdefault(organization.alternate_name, organization)
    return organizations


def _answer(row: Row, status: str | None, referred_on: datetime.date | None) -> datetime.date | None:
    """The day the partner answered, required once it has; an outcome where the referral ended."""
    responded_on = row.date("responded_on")
    if status and status != ReferralStatus.REQUESTED and responded_on is None:
        row.problem("responded_on", "required when the referral was answered")
    if status in OUTCOME_REQUIRED and not row.text("outcome"):
        row.problem("outcome", "required: what the partner did, or why it declined")
    if referred_on and responded_on and responded_on < referred_on:
        row.problem("responded_on", "before referred_on")
    if referred_on and referred_on > timezone.localdate():
        row.problem("referred_on", "in the future")
    return responded_on


def write_referral(plan: dict[str, Any]) -> None:
    """The referral, on the case of the imported report that carries its case number, if any."""
    case = None
    if plan["case_external_id"]:
        report = (
            Report.objects.filter(external_id=plan["case_external_id"], area=plan["area"])
            .prefetch_related("case_links__case")
            .first()
        )
        link = report.case_links.first() if report is not None else None
        case = link.case if link is not None else None
    services.record_past_referral(case=case, **plan)
