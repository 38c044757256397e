"""Every write to agencies, units, staff, accounts and leave. One atomic function per business action."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils.translation import gettext as _

from safetynet.core.errors import DomainError
from safetynet.geo.models import County, Town
from safetynet.org.models import (
    AccessKind,
    Agency,
    AgencyKind,
    DispatchMode,
    LeaveKind,
    LeavePeriod,
    Role,
    Staff,
    Unit,
)

if TYPE_CHECKING:  # workforce builds on org: a runtime import would be circular
    from safetynet.workforce.models import Position


@transaction.atomic
def create_agency(name: str, kind: str, county: County | None = None) -> Agency:
    if kind not in AgencyKind.values:
        raise DomainError(_("No kind of agency has the code %(code)s.") % {"code": repr(kind)}, field="kind")
    if not name.strip():
        raise DomainError(_("Give the agency a name."), field="name")
    if kind == AgencyKind.LOCAL and county is None:
        raise DomainError(_("A local government agency needs a county."), field="county")
    if Agency.objects.filter(name=name.strip()).exists():
        raise DomainError(
            _("There is already an agency named %(name)s.") % {"name": name.strip()}, field="name"
        )
    return Agency.objects.create(name=name.strip(), kind=kind, county=county)


@transaction.atomic
def create_unit(
    agency: Agency,
    name: str,
    kind: str,
    *,
    county: County | None = None,
    towns: list[Town] | None = None,
    address: str = "",
    phone: str = "",
) -> Unit:
    if Unit.objects.filter(agency=agency, name=name).exists():
        raise DomainError(
            _("%(agency)s already has a unit named %(name)s.") % {"agency": agency.name, "name": name},
            field="name",
        )
    unit = Unit.objects.create(
        agency=agency, name=name, kind=kind, county=county or agency.county, address=address, phone=phone
    )
    if towns:
        set_unit_towns(unit, towns)
    return unit


def towns_outside(county_id: str | None, towns: list[Town]) -> list[str]:
    """The names of `towns` that lie outside a unit's county (a unit serves only its own county)."""
    return [t.name for t in towns if county_id and t.county_id != county_id]


@transaction.atomic
def set_unit_towns(unit: Unit, towns: list[Town]) -> Unit:
    """The towns a unit covers (and so whose persons and reports its staff serve); all in its county."""
    outside = towns_outside(unit.county_id, towns)
    if outside:
        raise DomainError(
            _("These towns of the service area are outside the county: %(towns)s")
            % {"towns": "、".join(outside)},
            field="towns",
        )
    unit.towns.set(towns)
    return unit


UNIT_DETAILS = ("name", "address", "phone", "active", "dispatch_mode")


@transaction.atomic
def update_unit(unit: Unit, **details: Any) -> Unit:
    """A unit's name, address, phone, whether it is in use, and its dispatch. Its kind, county and agency
    decide who sees what (a 家防中心 sees sexual-assault victims) and are never changed here."""
    unknown = sorted(set(details) - set(UNIT_DETAILS))
    if unknown:
        raise DomainError(
            _("These unit fields cannot be changed: %(fields)s") % {"fields": ", ".join(unknown)}
        )
    name = str(details.get("name", unit.name)).strip()
    if not name:
        raise DomainError(_("Give the unit a name."), field="name")
    if Unit.objects.filter(agency_id=unit.agency_id, name=name).exclude(pk=unit.pk).exists():
        raise DomainError(
            _("%(agency)s already has a unit named %(name)s.") % {"agency": unit.agency.name, "name": name},
            field="name",
        )
    if details.get("dispatch_mode", unit.dispatch_mode) not in DispatchMode.values:
        raise DomainError(
            _("Unknown dispatch mode %(mode)s") % {"mode": repr(details["dispatch_mode"])},
            field="dispatch_mode",
        )
    details["name"] = name
    changed = [field for field, value in details.items() if getattr(unit, field) != value]
    for field in changed:
        setattr(unit, field, details[field])
    if changed:
        unit.save(update_fields=changed)
    return unit


@transaction.atomic
def rename_agency(agency: Agency, name: str) -> Agency:
    """An agency's name; its kind and county stay as created."""
    name = name.strip()
    if not name:
        raise DomainError(_("Give the agency a name."), field="name")
    if Agency.objects.filter(name=name).exclude(pk=agency.pk).exists():
        raise DomainError(_("There is already an agency named %(name)s.") % {"name": name}, field="name")
    if name != agency.name:
        agency.name = name
        agency.save(update_fields=["name"])
    return agency


@transaction.atomic
def update_role(role: Role, *, name: str, name_en: str, caseload_standard: int | None) -> Role:
    """A role's titles and caseload standard; its code, kind (what it may do) and group stay."""
    if not name.strip():
        raise DomainError(_("Give the role a title."), field="name")
    if caseload_standard is not None and caseload_standard < 1:
        raise DomainError(_("A caseload standard is at least 1, or left empty."), field="caseload_standard")
    values = {"name": name.strip(), "name_en": name_en.strip(), "caseload_standard": caseload_standard}
    changed = [field for field, value in values.items() if getattr(role, field) != value]
    for field in changed:
        setattr(role, field, values[field])
    if changed:
        role.save(update_fields=changed)
    return role


@transaction.atomic
def hire_staff(
    *,
    name: str,
    unit: Unit,
    role: Role,
    hired_on: datetime.date,
    supervisor: Staff | None = None,
    position: Position | None = None,
    phone_extension: str = "",
) -> Staff:
    if supervisor is not None and supervisor.unit.county_id != unit.county_id:
        raise DomainError(_("The supervisor must be a staff member of the same county."), field="supervisor")
    extension = phone_extension.strip()
    if extension and not (extension.isascii() and extension.isdigit() and len(extension) <= 10):
        raise DomainError(_("An extension is 1 to 10 digits."), field="phone_extension")
    return Staff.objects.create(
        name=name,
        unit=unit,
        role=role,
        hired_on=hired_on,
        supervisor=supervisor,
        position=position,
        phone_extension=extension,
    )


@transaction.atomic
def end_employment(staff: Staff, *, left_on: datetime.date) -> Staff:
    if left_on < staff.hired_on:
        raise DomainError(_("The leaving date cannot be before the hiring date."), field="left_on")
    staff.left_on = left_on
    staff.save(update_fields=["left_on"])
    if staff.user is not None:
        staff.user.is_active = False
        staff.user.save(update_fields=["is_active"])
    return staff


@transaction.atomic
def create_account(staff: Staff, *, username: str, password: str | None, email: str = "") -> AbstractUser:
    """Give a staff member a login; their role's group carries their permissions.

    Without a password the account cannot sign in until one is set (e.g. by single sign-on or a reset)."""
    user_model = get_user_model()
    if staff.user_id is not None:
        raise DomainError(_("%(staff)s already has an account.") % {"staff": staff}, field="username")
    if user_model.objects.filter(username=username).exists():
        raise DomainError(_("The username %(username)s is taken.") % {"username": username}, field="username")
    user = user_model.objects.create_user(username=username, password=password, email=email)
    user.is_staff = staff.role.kind == "admin"  # the Django admin is for reference data only
    user.save(update_fields=["is_staff"])
    user.groups.add(staff.role.group)
    staff.user = user
    staff.save(update_fields=["user"])
    return user


def may_record_leave(by: Staff, unit: Unit) -> bool:
    """A supervisor records leave for their own unit's staff; a manager for their county's units."""
    if by.role.kind == AccessKind.SUPERVISOR:
        return by.unit_id == unit.pk
    if by.role.kind == AccessKind.MANAGER:
        return by.unit.county_id is not None and by.unit.county_id == unit.county_id
    return False


@transaction.atomic
def record_leave(
    staff: Staff,
    *,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    note: str = "",
    by: Staff | None = None,
) -> LeavePeriod:
    """Record a staff member's leave; `by`, the supervisor or manager recording it from a page, must be
    one who may (`may_record_leave`). The demo seeder and imports record without one."""
    if by is not None and not may_record_leave(by, staff.unit):
        raise DomainError(_("You record leave only for your own unit's staff."), field="staff")
    if kind not in LeaveKind.values:
        raise DomainError(_("No kind of leave has the code %(code)s.") % {"code": repr(kind)}, field="kind")
    if ends_on < starts_on:
        raise DomainError(_("The end date cannot be before the start date."), field="ends_on")
    if staff.leaves.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
        raise DomainError(_("This overlaps a leave period already recorded."), field="starts_on")
    return LeavePeriod.objects.create(staff=staff, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note)


@transaction.atomic
def set_dispatch_mode(unit: Unit, mode: str) -> Unit:
    """Fast (auto-assign) or precise (the supervisor confirms each dispatch) — seed 001's choice."""
    if mode not in DispatchMode.values:
        raise DomainError(_("Unknown dispatch mode %(mode)s") % {"mode": repr(mode)}, field="dispatch_mode")
    unit.dispatch_mode = mode
    unit.save(update_fields=["dispatch_mode"])
    return unit
