"""Agencies, units (service points) with the towns they cover, roles, staff and their leave."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safetynet.geo.models import County, Town


class TeamMember(NamedTuple):
    staff: Staff
    on_leave: bool


class AccessKind(models.TextChoices):
    """What a role may do; a role's kind, not its title, decides access."""

    SCREENER = "screener", _("Screening")
    CASEWORKER = "caseworker", _("Case worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("System administrator")
    PARTNER = "partner", _("Partner")
    REVIEWER = "reviewer", _("Central review")


class Role(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("title"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=80)
    kind = models.CharField(_("access kind"), max_length=20, choices=AccessKind.choices)
    caseload_standard = models.PositiveIntegerField(
        _("caseload standard"),
        null=True,
        blank=True,
        help_text=_("A reasonable caseload per person; blank means no standard is set."),
    )
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="role")

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    LOCAL = "local", _("Local government")
    CENTRAL = "central", _("Central agency")
    PARTNER = "partner", _("Partner or network body")


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("county")
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    SCREENING = "screening", _("Central screening")
    FPC = "fpc", _("Domestic Violence and Sexual Assault Prevention Centre")
    SWC = "swc", _("Social Welfare Service Centre")
    MHC = "mhc", _("Community Mental Health Centre")
    DPC = "dpc", _("Drug Abuse Prevention Centre")
    YAC = "yac", _("Juvenile Guidance Committee")
    EDU = "edu", _("Education department (student counselling)")
    OFFICE = "office", _("Bureau headquarters")
    PARTNER = "partner", _("Partner")
    CENTRAL = "central", _("Central government")


class UnitQuerySet(models.QuerySet["Unit"]):
    def covering(self, town: Town | str) -> UnitQuerySet:
        code = town.code if isinstance(town, Town) else town
        return self.filter(towns__code=code)


class DispatchMode(models.TextChoices):
    """Seed 001's 「快速派案 vs 精準派案」: assign at once, or let the supervisor confirm each case."""

    AUTO = "auto", _("Fast dispatch (assigned automatically)")
    CONFIRM = "confirm", _("Precise dispatch (the supervisor confirms)")


class Unit(models.Model):
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="units", verbose_name=_("agency")
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("county"),
    )
    towns = models.ManyToManyField(Town, blank=True, related_name="units", verbose_name=_("service area"))
    address = models.CharField(_("address"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)
    dispatch_mode = models.CharField(
        _("dispatch mode"), max_length=10, choices=DispatchMode.choices, default=DispatchMode.AUTO
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["county_id", "id"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="unit_name_unique_in_agency")]

    def __str__(self) -> str:
        return self.name

    def team_on(self, day: datetime.date) -> list[TeamMember]:
        """The unit's staff employed on `day`, each with whether they are on leave that day."""
        members = Staff.objects.filter(unit=self).active_on(day).select_related("role", "supervisor")
        away = set(Staff.objects.filter(unit=self).on_leave(day).values_list("pk", flat=True))
        return [TeamMember(s, s.pk in away) for s in members.order_by("role_id", "name")]


class StaffQuerySet(models.QuerySet["Staff"]):
    def active_on(self, day: datetime.date) -> StaffQuerySet:
        return self.filter(Q(hired_on__lte=day), Q(left_on__isnull=True) | Q(left_on__gte=day))

    def on_leave(self, day: datetime.date) -> StaffQuerySet:
        return self.filter(leaves__starts_on__lte=day, leaves__ends_on__gte=day).distinct()


class Staff(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("account"),
    )
    name = models.CharField(_("full name"), max_length=40)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="staff", verbose_name=_("unit"))
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="staff", verbose_name=_("role"))
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervisees",
        verbose_name=_("supervisor"),
    )
    position = models.ForeignKey(
        "workforce.Position",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("position"),
    )
    hired_on = models.DateField(_("hired on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # Reached through the unit's switchboard (`Unit.phone`): a colleague of another unit calls
    # 「05-xxxxxxx 分機 123」 about a family both serve.
    phone_extension = models.CharField(
        _("extension"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{1,10}$", _("An extension is digits only."))],
    )

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["unit_id", "role_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("hired_on")),
                name="staff_leaves_after_hire",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_active(self, day: datetime.date) -> bool:
        return self.hired_on <= day and (self.left_on is None or self.left_on >= day)


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", _("Annual leave")
    SICK = "sick", _("Sick leave")
    PARENTAL = "parental", _("Maternity or parental leave")
    TRAINING = "training", _("Official leave (training)")
    OTHER = "other", _("Other")


class LeavePeriod(models.Model):
    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="leaves", verbose_name=_("staff member")
    )
    kind = models.CharField(_("kind of leave"), max_length=20, choices=LeaveKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("leave period")
        verbose_name_plural = _("leave periods")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="leave_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()} {self.starts_on}–{self.ends_on}"
