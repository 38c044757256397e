"""Every write to persons, households and relations. One atomic function per business action."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from safetynet.core.errors import DomainError
from safetynet.domain import nationalid
from safetynet.geo.models import Town
from safetynet.people.models import (
    Household,
    HouseholdMember,
    MemberRole,
    Person,
    Registry,
    RegistryEntry,
    Relation,
    RelationKind,
    Sex,
    national_id_index,
)

DUPLICATE_ID = "已有相同身分證統一編號的個人資料"


@dataclass
class PersonData:
    name: str
    sex: str
    birth_date: datetime.date | None = None
    national_id: str = ""
    phones: list[str] = field(default_factory=list)
    town: Town | None = None
    address: str = ""


def _clean(data: PersonData, *, existing: Person | None = None) -> tuple[str, str]:
    """Validate person data; returns the normalised national ID and its blind index."""
    if not data.name.strip():
        raise DomainError("姓名不可空白", field="name")
    if data.sex not in Sex.values:
        raise DomainError(f"性別代碼 {data.sex!r} 不在 {', '.join(Sex.values)} 之中", field="sex")
    if data.birth_date and data.birth_date > datetime.date.today():  # noqa: DTZ011 - a calendar date
        raise DomainError("出生日期不可晚於今天", field="birth_date")
    if not data.national_id.strip():
        return "", ""
    normalized = valid_national_id(data.national_id)
    index = national_id_index(normalized)
    clash = Person.objects.filter(national_id_index=index)
    if existing is not None:
        clash = clash.exclude(pk=existing.pk)
    if clash.exists():
        raise DomainError(DUPLICATE_ID, field="national_id")
    return normalized, index


def valid_national_id(text: str) -> str:
    """The normalised national ID, or a `DomainError` on `national_id` naming the failed rule."""
    try:
        return nationalid.validate(text)
    except nationalid.InvalidNationalId as exc:
        message = "身分證統一編號格式錯誤" if exc.rule == "format" else "身分證統一編號檢查碼錯誤"
        raise DomainError(message, field="national_id") from exc


@transaction.atomic
def register_person(data: PersonData) -> Person:
    normalized, index = _clean(data)
    try:
        with transaction.atomic():  # a concurrent registration of the same ID fails here, not later
            person = Person.objects.create(
                name=data.name.strip(),
                sex=data.sex,
                birth_date=data.birth_date,
                national_id=normalized,
                national_id_index=index,
                phones=",".join(p.strip() for p in data.phones if p.strip()),
                town=data.town,
                address=data.address.strip(),
            )
    except IntegrityError as exc:
        raise DomainError(DUPLICATE_ID, field="national_id") from exc
    if index:
        RegistryEntry.objects.filter(national_id_index=index, person__isnull=True).update(person=person)
    return person


@transaction.atomic
def update_person(person: Person, data: PersonData) -> Person:
    normalized, index = _clean(data, existing=person)
    person.name = data.name.strip()
    person.sex = data.sex
    person.birth_date = data.birth_date
    person.national_id = normalized
    person.national_id_index = index
    person.phones = ",".join(p.strip() for p in data.phones if p.strip())
    person.town = data.town
    person.address = data.address.strip()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        raise DomainError(DUPLICATE_ID, field="national_id") from exc
    return person


@transaction.atomic
def create_household(head: Person, *, town: Town | None = None, address: str = "") -> Household:
    household = Household.objects.create(town=town or head.town, address=address or head.address)
    HouseholdMember.objects.create(household=household, person=head, role=MemberRole.HEAD)
    return household


@transaction.atomic
def add_household_member(
    household: Household, person: Person, role: str, *, joined_on: datetime.date | None = None
) -> HouseholdMember:
    if role not in MemberRole.values:
        raise DomainError(f"稱謂代碼 {role!r} 不存在", field="role")
    if household.members.filter(person=person, left_on__isnull=True).exists():
        raise DomainError("此人已是這個家戶的成員", field="person")
    return HouseholdMember.objects.create(household=household, person=person, role=role, joined_on=joined_on)


@transaction.atomic
def remove_household_member(member: HouseholdMember, *, left_on: datetime.date) -> HouseholdMember:
    """Members leave a household with a date; the row stays for the history."""
    if member.left_on is not None:
        raise DomainError("此成員已離開家戶", field="left_on")
    if member.joined_on and left_on < member.joined_on:
        raise DomainError("離開日期不可早於加入日期", field="left_on")
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    return member


@transaction.atomic
def relate_persons(person: Person, other: Person, kind: str) -> Relation:
    if person.pk == other.pk:
        raise DomainError("不能與自己建立關係", field="other")
    if kind not in RelationKind.values:
        raise DomainError(f"關係代碼 {kind!r} 不存在", field="kind")
    relation, created = Relation.objects.get_or_create(person=person, other=other, kind=kind)
    if not created:
        raise DomainError("這個關係已經記錄過了", field="kind")
    return relation


@dataclass
class RegistryRow:
    registry: str
    national_id: str
    name: str = ""
    birth_date: datetime.date | None = None
    level: int | None = None
    event_date: datetime.date | None = None
    source: str = ""


@transaction.atomic
def record_registry_entry(row: RegistryRow) -> RegistryEntry:
    """Store one registry row, linked to the person with that national ID when there is one.

    The same row imported twice is stored once (same registry, person, date and level).
    """
    if row.registry not in Registry.values:
        raise DomainError(
            f"名冊代碼 {row.registry!r} 不在 {', '.join(Registry.values)} 之中", field="registry"
        )
    normalized = valid_national_id(row.national_id)
    if row.registry == Registry.PSYCHIATRIC and row.level is not None and not 1 <= row.level <= 5:
        raise DomainError("精神照護級數應為 1 到 5", field="level")
    index = national_id_index(normalized)
    entry, _ = RegistryEntry.objects.get_or_create(
        registry=row.registry,
        national_id_index=index,
        event_date=row.event_date,
        level=row.level,
        defaults={
            "national_id": normalized,
            "name": row.name.strip(),
            "birth_date": row.birth_date,
            "person": Person.objects.filter(national_id_index=index).first(),
            "source": row.source,
        },
    )
    return entry
