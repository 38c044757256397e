"""Persons, households and the relations between persons.

National IDs, phones and addresses are encrypted at rest; the national ID is found through its
HMAC blind index (`Person.objects.with_national_id`), never by decrypting rows.
"""

from __future__ import annotations

import datetime

from django.db import models

from safetynet.core.fields import EncryptedTextField, blind_index
from safetynet.domain import nationalid
from safetynet.geo.models import Town

NATIONAL_ID_CONTEXT = "people.Person.national_id"


def national_id_index(text: str) -> str:
    return blind_index(nationalid.normalize(text), context=NATIONAL_ID_CONTEXT)


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"
    OTHER = "X", "其他/不詳"


class PersonQuerySet(models.QuerySet["Person"]):
    def with_national_id(self, text: str) -> PersonQuerySet:
        return self.filter(national_id_index=national_id_index(text))

    def in_towns(self, towns: models.QuerySet[Town]) -> PersonQuerySet:
        return self.filter(town__in=towns)


class Person(models.Model):
    name = models.CharField("姓名", max_length=60)
    sex = models.CharField("性別", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    national_id = EncryptedTextField("身分證統一編號", blank=True)
    national_id_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    phones = EncryptedTextField("電話", blank=True, help_text="多支電話以逗號分隔")
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name="居住鄉鎮市區",
    )
    address = EncryptedTextField("地址", blank=True)
    created_at = models.DateTimeField("建立時間", auto_now_add=True)
    updated_at = models.DateTimeField("更新時間", auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "個人"
        verbose_name_plural = "個人"
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
        verbose_name="鄉鎮市區",
    )
    address = EncryptedTextField("地址", blank=True)
    created_at = models.DateTimeField("建立時間", auto_now_add=True)

    class Meta:
        verbose_name = "家戶"
        verbose_name_plural = "家戶"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"家戶 {self.pk}"


class MemberRole(models.TextChoices):
    HEAD = "head", "戶長"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    GRANDCHILD = "grandchild", "孫子女"
    SIBLING = "sibling", "兄弟姊妹"
    OTHER = "other", "其他同住者"


class HouseholdMember(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name="家戶"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name="個人"
    )
    role = models.CharField("稱謂", max_length=20, choices=MemberRole.choices)
    joined_on = models.DateField("加入日期", null=True, blank=True)
    left_on = models.DateField("離開日期", null=True, blank=True)

    class Meta:
        verbose_name = "家戶成員"
        verbose_name_plural = "家戶成員"
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
    PARENT = "parent", "父母"
    SPOUSE = "spouse", "配偶"
    PARTNER = "partner", "同居人/伴侶"
    EX_PARTNER = "ex_partner", "前配偶/前伴侶"
    SIBLING = "sibling", "兄弟姊妹"
    GRANDPARENT = "grandparent", "祖父母"
    RELATIVE = "relative", "其他親屬"
    CAREGIVER = "caregiver", "照顧者"


# How a relation reads from the other side: A is parent of B → B is child of A.
INVERSE_LABEL = {
    RelationKind.PARENT: "子女",
    RelationKind.GRANDPARENT: "孫子女",
    RelationKind.CAREGIVER: "受照顧者",
}


class Relation(models.Model):
    """`person` is `kind` of `other` (e.g. person is the parent of other)."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="relations_out", verbose_name="個人"
    )
    other = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="relations_in", verbose_name="對象"
    )
    kind = models.CharField("關係", max_length=20, choices=RelationKind.choices)
    created_at = models.DateTimeField("建立時間", auto_now_add=True)

    class Meta:
        verbose_name = "人際關係"
        verbose_name_plural = "人際關係"
        constraints = [
            models.UniqueConstraint(fields=["person", "other", "kind"], name="relation_unique"),
            models.CheckConstraint(condition=~models.Q(person=models.F("other")), name="relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.other}: {self.get_kind_display()}"


class Registry(models.TextChoices):
    PSYCHIATRIC = "psychiatric", "精神照護"
    SUICIDE = "suicide", "自殺通報"
    DRUG = "drug", "藥癮"


class RegistryEntryQuerySet(models.QuerySet["RegistryEntry"]):
    def for_national_id(self, text: str) -> RegistryEntryQuerySet:
        return self.filter(national_id_index=national_id_index(text))


class RegistryEntry(models.Model):
    """One row of an extract from a national registry (精照, 自殺通報, 藥癮), kept as received.

    Rows are matched to persons through the national ID's blind index, so an entry for someone not
    yet on record is found as soon as a report names them.
    """

    registry = models.CharField("系統", max_length=20, choices=Registry.choices)
    national_id = EncryptedTextField("身分證統一編號")
    national_id_index = models.CharField(max_length=32, db_index=True, editable=False)
    name = models.CharField("姓名", max_length=60, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    level = models.PositiveSmallIntegerField("級數", null=True, blank=True)
    event_date = models.DateField("事件日期", null=True, blank=True)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registry_entries",
        verbose_name="個人",
    )
    source = models.CharField("來源檔案", max_length=200, blank=True)
    imported_at = models.DateTimeField("匯入時間", auto_now_add=True)

    objects = RegistryEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "外部系統名冊"
        verbose_name_plural = "外部系統名冊"
        ordering = ["-event_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registry", "national_id_index", "event_date", "level"], name="registry_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_registry_display()} {self.event_date or ''}"
