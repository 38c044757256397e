"""Every write to agencies, units, staff, accounts and leave. One atomic function per business action."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from safetynet.core.errors import DomainError
from safetynet.geo.models import County, Town
from safetynet.org.models import Agency, AgencyKind, DispatchMode, LeaveKind, LeavePeriod, Role, Staff, Unit

if TYPE_CHECKING:  # workforce builds on org: a runtime import would be circular
    from safetynet.workforce.models import Position


@transaction.atomic
def create_agency(name: str, kind: str, county: County | None = None) -> Agency:
    if kind not in AgencyKind.values:
        raise DomainError(f"機關類別代碼 {kind!r} 不存在", field="kind")
    if not name.strip():
        raise DomainError("機關名稱不可空白", field="name")
    if kind == AgencyKind.LOCAL and county is None:
        raise DomainError("地方政府機關須指定縣市", field="county")
    if Agency.objects.filter(name=name.strip()).exists():
        raise DomainError(f"已有名為 {name.strip()} 的機關", field="name")
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
        raise DomainError(f"{agency.name} 已有名為 {name} 的單位", field="name")
    unit = Unit.objects.create(
        agency=agency, name=name, kind=kind, county=county or agency.county, address=address, phone=phone
    )
    if towns:
        outside = [t.name for t in towns if unit.county_id and t.county_id != unit.county_id]
        if outside:
            raise DomainError(f"服務區域不在本縣市：{'、'.join(outside)}", field="towns")
        unit.towns.set(towns)
    return unit


@transaction.atomic
def hire_staff(
    *,
    name: str,
    unit: Unit,
    role: Role,
    hired_on: datetime.date,
    supervisor: Staff | None = None,
    position: Position | None = None,
) -> Staff:
    if supervisor is not None and supervisor.unit.county_id != unit.county_id:
        raise DomainError("督導須為同一縣市的工作人員", field="supervisor")
    return Staff.objects.create(
        name=name, unit=unit, role=role, hired_on=hired_on, supervisor=supervisor, position=position
    )


@transaction.atomic
def end_employment(staff: Staff, *, left_on: datetime.date) -> Staff:
    if left_on < staff.hired_on:
        raise DomainError("離職日不可早於到職日", field="left_on")
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
        raise DomainError(f"{staff} 已有帳號", field="username")
    if user_model.objects.filter(username=username).exists():
        raise DomainError(f"帳號 {username} 已被使用", field="username")
    user = user_model.objects.create_user(username=username, password=password, email=email)
    user.is_staff = staff.role.kind == "admin"  # the Django admin is for reference data only
    user.save(update_fields=["is_staff"])
    user.groups.add(staff.role.group)
    staff.user = user
    staff.save(update_fields=["user"])
    return user


@transaction.atomic
def change_role(staff: Staff, role: Role) -> Staff:
    if staff.user is not None:
        staff.user.groups.remove(staff.role.group)
        staff.user.groups.add(role.group)
        staff.user.is_staff = role.kind == "admin"
        staff.user.save(update_fields=["is_staff"])
    staff.role = role
    staff.save(update_fields=["role"])
    return staff


@transaction.atomic
def record_leave(
    staff: Staff, *, kind: str, starts_on: datetime.date, ends_on: datetime.date, note: str = ""
) -> LeavePeriod:
    if kind not in LeaveKind.values:
        raise DomainError(f"假別代碼 {kind!r} 不存在", field="kind")
    if ends_on < starts_on:
        raise DomainError("迄日不可早於起日", field="ends_on")
    if staff.leaves.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
        raise DomainError("與既有的請假期間重疊", field="starts_on")
    return LeavePeriod.objects.create(staff=staff, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note)


@transaction.atomic
def set_dispatch_mode(unit: Unit, mode: str) -> Unit:
    """Fast (auto-assign) or precise (the supervisor confirms each dispatch) — seed 001's choice."""
    if mode not in DispatchMode.values:
        raise DomainError(f"未知的派案方式 {mode!r}", field="dispatch_mode")
    unit.dispatch_mode = mode
    unit.save(update_fields=["dispatch_mode"])
    return unit
