"""Persons, households and the relations between persons.

National IDs, phones and addresses are encrypted at rest; the national ID is found through its
HMAC blind index (`Person.objects.with_national_id`), never by decrypting rows.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.core.fields import EncryptedTextField, blind_index
from safetynet.domain import nationalid
from safetynet.geo.models import Town

NATIONAL_ID_CONTEXT = "people.Person.national_id"


def national_id_index(text: str) -> str:
    return blind_index(nationalid.normalize(text), context=NATIONAL_ID_CONTEXT)


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    OTHER = "X", _("Other or unknown")


class PersonQuerySet(models.QuerySet["Person"]):
    def with_national_id(self, text: str) -> PersonQuerySet:
        return self.filter(national_id_index=national_id_index(text))

    def in_towns(self, towns: models.QuerySet[Town]) -> PersonQuerySet:
        return self.filter(town__in=towns)


class Person(models.Model):
    name = models.CharField(_("full name"), max_length=60)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    national_id = EncryptedTextField(_("national ID"), blank=True)
    national_id_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    phones = EncryptedTextField(
        _("phone"), blank=True, help_text=_("Separate several phone numbers with commas.")
    )
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name=_("town of residence"),
    )
    address = EncryptedTextField(_("address"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["id"]
        indexes = [models.Index(fields=["name", "birth_date"])]
        constraints = [
            # One person per national ID, also when two reports about a new person arrive at once.
            models.UniqueConstraint(
                fields=["national_id_index"],
                condition=~models.Q(national_id_index=""),
                name="person_national_id_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def audit_person_ids(self) -> list[int]:
        """Whom the access log names when this record is read or changed."""
        return [self.pk]

    def age_on(self, day: datetime.date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def masked_national_id(self) -> str:
        value = self.national_id
        return f"{value[:2]}{'*' * 5}{value[-3:]}" if len(value) == 10 else ""

    @property
    def phone_list(self) -> list[str]:
        return [p.strip() for p in self.phones.split(",") if p.strip()]


class Household(models.Model):
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("town"),
    )
    address = EncryptedTextField(_("address"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["id"]

    def __str__(self) -> str:
        return _("Household %(n)s") % {"n": self.pk}

    def audit_person_ids(self) -> list[int]:
        return list(self.members.values_list("person_id", flat=True))


class MemberRole(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other household member")


class HouseholdMember(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    role = models.CharField(_("role in the household"), max_length=20, choices=MemberRole.choices)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("date left"), null=True, blank=True)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["household_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=models.Q(left_on__isnull=True),
                name="one_current_membership_per_household",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class RelationKind(models.TextChoices):
    PARENT = "parent", _("Parent")
    SPOUSE = "spouse", _("Spouse")
    PARTNER = "partner", _("Partner or cohabitant")
    EX_PARTNER = "ex_partner", _("Former spouse or partner")
    SIBLING = "sibling", _("Sibling")
    GRANDPARENT = "grandparent", _("Grandparent")
    RELATIVE = "relative", _("Other relative")
    CAREGIVER = "caregiver", _("Caregiver")


# How a relation reads from the other side: A is parent of B → B is child of A.
INVERSE_LABEL = {
    RelationKind.PARENT: _("Child"),
    RelationKind.GRANDPARENT: _("Grandchild"),
    RelationKind.CAREGIVER: _("Cared-for person"),
}


class Relation(models.Model):
    """`person` is `kind` of `other` (e.g. person is the parent of other)."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="relations_out", verbose_name=_("person")
    )
    other = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="relations_in", verbose_name=_("other person")
    )
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("relation between persons")
        verbose_name_plural = _("relations between persons")
        constraints = [
            models.UniqueConstraint(fields=["person", "other", "kind"], name="relation_unique"),
            models.CheckConstraint(condition=~models.Q(person=models.F("other")), name="relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.other}: {self.get_kind_display()}"


class Registry(models.TextChoices):
    PSYCHIATRIC = "psychiatric", _("Psychiatric care")
    SUICIDE = "suicide", _("Suicide report")
    DRUG = "drug", _("Drug addiction")


class RegistryEntryQuerySet(models.QuerySet["RegistryEntry"]):
    def for_national_id(self, text: str) -> RegistryEntryQuerySet:
        return self.filter(national_id_index=national_id_index(text))


class RegistryEntry(models.Model):
    """One row of an extract from a national registry (精照, 自殺通報, 藥癮), kept as received.

    Rows are matched to persons through the national ID's blind index, so an entry for someone not
    yet on record is found as soon as a report names them.
    """

    registry = models.CharField(_("registry"), max_length=20, choices=Registry.choices)
    national_id = EncryptedTextField(_("national ID"))
    national_id_index = models.CharField(max_length=32, db_index=True, editable=False)
    name = models.CharField(_("full name"), max_length=60, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    event_date = models.DateField(_("event date"), null=True, blank=True)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registry_entries",
        verbose_name=_("person"),
    )
    source = models.CharField(_("source file"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = RegistryEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("registry entry")
        verbose_name_plural = _("registry entries")
        ordering = ["-event_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registry", "national_id_index", "event_date", "level"], name="registry_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_registry_display()} {self.event_date or ''}"
