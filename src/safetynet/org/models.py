"""Agencies, units (service points) with the towns they cover, roles, staff and their leave."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from safetynet.geo.models import County, Town


class TeamMember(NamedTuple):
    staff: Staff
    on_leave: bool


class AccessKind(models.TextChoices):
    """What a role may do; a role's kind, not its title, decides access."""

    SCREENER = "screener", "篩派"
    CASEWORKER = "caseworker", "個案工作者"
    SUPERVISOR = "supervisor", "督導"
    MANAGER = "manager", "主管"
    ADMIN = "admin", "系統管理員"
    PARTNER = "partner", "合作單位"
    REVIEWER = "reviewer", "中央審查"


class Role(models.Model):
    code = models.SlugField("代碼", max_length=40, unique=True)
    name = models.CharField("職稱", max_length=40)
    name_en = models.CharField("英文名稱", max_length=80)
    kind = models.CharField("權限類別", max_length=20, choices=AccessKind.choices)
    caseload_standard = models.PositiveIntegerField(
        "案量標準", null=True, blank=True, help_text="每人合理服務案量；空白表示未訂標準"
    )
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="role")

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    LOCAL = "local", "地方政府"
    CENTRAL = "central", "中央機關"
    PARTNER = "partner", "民間或網絡單位"


class Agency(models.Model):
    name = models.CharField("名稱", max_length=80, unique=True)
    kind = models.CharField("類別", max_length=20, choices=AgencyKind.choices)
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True, verbose_name="縣市")

    class Meta:
        verbose_name = "機關"
        verbose_name_plural = "機關"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    SCREENING = "screening", "集中篩派"
    FPC = "fpc", "家庭暴力及性侵害防治中心"
    SWC = "swc", "社會福利服務中心"
    MHC = "mhc", "社區心理衛生中心"
    DPC = "dpc", "毒品危害防制中心"
    YAC = "yac", "少年輔導委員會"
    EDU = "edu", "教育處(學生輔導)"
    OFFICE = "office", "局處本部"
    PARTNER = "partner", "合作單位"
    CENTRAL = "central", "中央"


class UnitQuerySet(models.QuerySet["Unit"]):
    def covering(self, town: Town | str) -> UnitQuerySet:
        code = town.code if isinstance(town, Town) else town
        return self.filter(towns__code=code)


class DispatchMode(models.TextChoices):
    """Seed 001's 「快速派案 vs 精準派案」: assign at once, or let the supervisor confirm each case."""

    AUTO = "auto", "快速派案（自動分派）"
    CONFIRM = "confirm", "精準派案（督導確認）"


class Unit(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units", verbose_name="機關")
    name = models.CharField("名稱", max_length=80)
    kind = models.CharField("類別", max_length=20, choices=UnitKind.choices)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="units", verbose_name="縣市"
    )
    towns = models.ManyToManyField(Town, blank=True, related_name="units", verbose_name="服務區域")
    address = models.CharField("地址", max_length=120, blank=True)
    phone = models.CharField("電話", max_length=30, blank=True)
    active = models.BooleanField("使用中", default=True)
    dispatch_mode = models.CharField(
        "派案方式", max_length=10, choices=DispatchMode.choices, default=DispatchMode.AUTO
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "單位"
        verbose_name_plural = "單位"
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
        verbose_name="帳號",
    )
    name = models.CharField("姓名", max_length=40)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="staff", verbose_name="單位")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="staff", verbose_name="角色")
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervisees",
        verbose_name="督導",
    )
    position = models.ForeignKey(
        "workforce.Position",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="員額",
    )
    hired_on = models.DateField("到職日")
    left_on = models.DateField("離職日", null=True, blank=True)
    # Reached through the unit's switchboard (`Unit.phone`): a colleague of another unit calls
    # 「05-xxxxxxx 分機 123」 about a family both serve.
    phone_extension = models.CharField(
        "分機",
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{1,10}$", "分機只能是數字")],
    )

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = "工作人員"
        verbose_name_plural = "工作人員"
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
    ANNUAL = "annual", "特休"
    SICK = "sick", "病假"
    PARENTAL = "parental", "產假/育嬰假"
    TRAINING = "training", "公假(受訓)"
    OTHER = "other", "其他"


class LeavePeriod(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="leaves", verbose_name="工作人員")
    kind = models.CharField("假別", max_length=20, choices=LeaveKind.choices)
    starts_on = models.DateField("起日")
    ends_on = models.DateField("迄日")
    note = models.CharField("備註", max_length=200, blank=True)

    class Meta:
        verbose_name = "請假期間"
        verbose_name_plural = "請假期間"
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="leave_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()} {self.starts_on}–{self.ends_on}"
