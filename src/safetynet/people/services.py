"""Every write to persons, households and relations. One atomic function per business action.

Messages are in the language of the page that asked (gettext at the time of the refusal); each names its
field, and the checks of one action report every problem at once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.core import words
from safetynet.core.errors import DomainError, Problems
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

# Relations that read the same from both sides: recorded once, whichever side it was added from.
SYMMETRIC = frozenset(
    {
        RelationKind.SPOUSE,
        RelationKind.PARTNER,
        RelationKind.EX_PARTNER,
        RelationKind.SIBLING,
        RelationKind.RELATIVE,
    }
)


def duplicate_id() -> str:
    return _("A person with this national ID is already on record: search for them instead.")


@dataclass
class PersonData:
    name: str
    sex: str
    birth_date: datetime.date | None = None
    national_id: str = ""
    phones: list[str] = field(default_factory=list)
    town: Town | None = None
    address: str = ""


def check_person_data(data: PersonData, problems: Problems) -> str:
    """Check person data as given, adding what is wrong to `problems`, without reading the database
    (so that a caller can check every input before it looks anyone up); the normalised national ID
    (empty when there is none or it is wrong)."""
    if not data.name.strip():
        problems.add("name", _("Type the person's name."))
    if data.sex not in Sex.values:
        problems.add("sex", _("Choose the sex (%(codes)s).") % {"codes": ", ".join(Sex.values)})
    if data.birth_date and data.birth_date > timezone.localdate():
        problems.add("birth_date", _("A birth date cannot be in the future."))
    if not data.national_id.strip():
        return ""
    try:
        return valid_national_id(data.national_id)
    except DomainError as error:
        problems.add(error.field, error.message)
        return ""


def _check(data: PersonData, problems: Problems, *, existing: Person | None = None) -> tuple[str, str]:
    """Check person data, adding what is wrong to `problems`; the normalised national ID and its blind
    index (empty when there is none or it is wrong)."""
    normalized = check_person_data(data, problems)
    if not normalized:
        return "", ""
    index = national_id_index(normalized)
    clash = Person.objects.filter(national_id_index=index)
    if existing is not None:
        clash = clash.exclude(pk=existing.pk)
    if clash.exists():
        problems.add("national_id", duplicate_id())
    return normalized, index


def _clean(data: PersonData, *, existing: Person | None = None) -> tuple[str, str]:
    """Validate person data; returns the normalised national ID and its blind index."""
    problems = Problems()
    found = _check(data, problems, existing=existing)
    problems.check()
    return found


def valid_national_id(text: str) -> str:
    """The normalised national ID, or a `DomainError` on `national_id` naming the failed rule."""
    try:
        return nationalid.validate(text)
    except nationalid.InvalidNationalId as exc:
        message = (
            _("National ID format is wrong: a letter, then 1, 2, 8, 9 or A-D, then 8 digits.")
            if exc.rule == "format"
            else _("National ID checksum does not match: check for a mistyped digit.")
        )
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
        raise DomainError(duplicate_id(), field="national_id") from exc
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
        raise DomainError(duplicate_id(), field="national_id") from exc
    return person


@transaction.atomic
def create_household(head: Person, *, town: Town | None = None, address: str = "") -> Household:
    household = Household.objects.create(town=town or head.town, address=address or head.address)
    HouseholdMember.objects.create(household=household, person=head, role=MemberRole.HEAD)
    return household


def _check_role(role: str, problems: Problems) -> None:
    if role not in MemberRole.values:
        problems.add("role", _("Choose the relationship to the head of the household."))


@transaction.atomic
def add_household_member(
    household: Household, person: Person, role: str, *, joined_on: datetime.date | None = None
) -> HouseholdMember:
    problems = Problems()
    _check_role(role, problems)
    if household.members.filter(person=person, left_on__isnull=True).exists():
        problems.add("person", _("%(name)s is already a member of this household.") % {"name": person.name})
    problems.check()
    return HouseholdMember.objects.create(household=household, person=person, role=role, joined_on=joined_on)


@transaction.atomic
def register_member(
    household: Household, data: PersonData, role: str, *, joined_on: datetime.date | None = None
) -> HouseholdMember:
    """Someone met on a visit who is not on record: registered and made a member, both or neither."""
    problems = Problems()
    _check(data, problems)
    _check_role(role, problems)
    problems.check()
    return add_household_member(household, register_person(data), role, joined_on=joined_on)


@transaction.atomic
def remove_household_member(member: HouseholdMember, *, left_on: datetime.date) -> HouseholdMember:
    """Members leave a household with a date; the row stays for the history."""
    if member.left_on is not None:
        raise DomainError(_("This member has already left the household."), field="left_on")
    if member.joined_on and left_on < member.joined_on:
        raise DomainError(_("The day they left cannot be before the day they joined."), field="left_on")
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    return member


def _check_kind(kind: str, problems: Problems) -> None:
    if kind not in RelationKind.values:
        problems.add("kind", _("Choose how the two are related."))


@transaction.atomic
def relate_persons(person: Person, other: Person, kind: str) -> Relation:
    """`person` is `kind` of `other` (the parent of, the spouse of …). A relation that reads the same from
    both sides is recorded once; a parent is never recorded as the child's child too."""
    problems = Problems()
    if person.pk == other.pk:
        problems.add("other", _("A person cannot be related to themselves."))
    _check_kind(kind, problems)
    problems.check()
    already = Relation.objects.filter(person=person, other=other, kind=kind)
    if kind in SYMMETRIC:
        already = already | Relation.objects.filter(person=other, other=person, kind=kind)
    if already.exists():
        raise DomainError(_("This relation is already recorded."), field="kind")
    if Relation.objects.filter(person=other, other=person, kind=kind).exists():
        raise DomainError(
            _("The opposite is recorded: %(other)s is %(person)s's %(kind)s.")
            % {"other": other.name, "person": person.name, "kind": words.term(RelationKind(kind).label)},
            field="kind",
        )
    try:
        with transaction.atomic():
            return Relation.objects.create(person=person, other=other, kind=kind)
    except IntegrityError as exc:  # the same relation added at the same moment by someone else
        raise DomainError(_("This relation is already recorded."), field="kind") from exc


@transaction.atomic
def register_relation(person: Person, data: PersonData, kind: str, *, reverse: bool = False) -> Relation:
    """Someone met on a visit who is not on record, registered and related to `person`, both or neither:
    `person` is `kind` of the new person, or with `reverse` the new person is `kind` of `person`."""
    problems = Problems()
    _check(data, problems)
    _check_kind(kind, problems)
    problems.check()
    other = register_person(data)
    return relate_persons(other, person, kind) if reverse else relate_persons(person, other, kind)


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
            _("Registry %(code)r is not one of %(codes)s.")
            % {"code": row.registry, "codes": ", ".join(Registry.values)},
            field="registry",
        )
    normalized = valid_national_id(row.national_id)
    if row.registry == Registry.PSYCHIATRIC and row.level is not None and not 1 <= row.level <= 5:
        raise DomainError(_("A psychiatric care level is 1 to 5."), field="level")
    index = national_id_index(normalized)
    entry, _created = RegistryEntry.objects.get_or_create(
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
