"""The partner directory (modelled on Open Referral HSDS 3.0) and referrals to its services.

Directory: organisations, their services tagged with service categories (HSDS taxonomy terms: the
referral categories of DOMAIN §8), locations (town, address, coordinates when known), the services
offered at each location, contacts, phones and opening hours. A partner organisation's users are the
staff of its `unit` (role kind partner).

Referrals: from a case to an organisation's service, moving through the referral task's states
(`safetynet.domain.referral`), every move kept as an event; the answer the partner owes has a clock
(`cases.Clock`, name `referral_response`) that the overdue job marks like any other.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.core.choices import Labels
from safetynet.core.fields import EncryptedTextField
from safetynet.domain.referral import OPEN, RESPONSE_CLOCK, ReferralStatus

__all__ = ["RESPONSE_CLOCK"]


class ServiceCategory(models.Model):
    """A referral category and service taxonomy term; `response_days` is the partner's time to answer."""

    code = models.SlugField("代碼", max_length=40, unique=True)
    name = models.CharField("名稱", max_length=40, unique=True)
    description = models.CharField("說明", max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上層類別",
    )
    response_days = models.PositiveSmallIntegerField(
        "回覆期限（工作日）", default=5, help_text="合作單位應於幾個工作日內回覆（接受或婉拒）"
    )
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("使用中", default=True)

    class Meta:
        verbose_name = "服務類別"
        verbose_name_plural = "服務類別"
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(response_days__gte=1), name="category_response_days")
        ]

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """A day off that working-day deadlines skip (national holidays, typhoon days)."""

    date = models.DateField("日期", unique=True)
    name = models.CharField("名稱", max_length=40)

    class Meta:
        verbose_name = "休假日"
        verbose_name_plural = "休假日"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class OrganizationKind(models.TextChoices):
    HOSPITAL = "hospital", "醫療院所"
    CARE_HOME = "care_home", "護理之家及康復之家"
    NGO = "ngo", "社會福利團體"
    CHARITY = "charity", "慈善及宗教團體"
    GOVERNMENT = "government", "政府機關"
    LEGAL = "legal", "法律服務"
    OTHER = "other", "其他"


class Organization(models.Model):
    """A partner organisation (HSDS organization)."""

    name = models.CharField("名稱", max_length=100, unique=True)
    alternate_name = models.CharField("簡稱", max_length=60, blank=True)
    kind = models.CharField("類型", max_length=20, choices=OrganizationKind.choices)
    description = models.TextField("簡介", blank=True)
    email = models.EmailField("電子郵件", blank=True)
    website = models.URLField("網站", blank=True)
    area = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, related_name="+", verbose_name="所屬網絡縣市"
    )
    unit = models.OneToOneField(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organization",
        verbose_name="帳號所屬單位",
        help_text="此單位的合作單位使用者可登入回覆轉介",
    )
    active = models.BooleanField("合作中", default=True)
    updated_at = models.DateTimeField("更新時間", auto_now=True)

    class Meta:
        verbose_name = "合作單位"
        verbose_name_plural = "合作單位"
        ordering = ["area_id", "name"]

    def __str__(self) -> str:
        return self.name


# Where a coordinate can be at all (WGS 84 degrees, first to last); the import of partners asks for Taiwan.
LATITUDE = (-90, 90)
LONGITUDE = (-180, 180)


class Location(models.Model):
    """A place where an organisation serves (HSDS location with its address)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="locations", verbose_name="合作單位"
    )
    name = models.CharField("據點名稱", max_length=100)
    town = models.ForeignKey(
        "geo.Town", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="鄉鎮市區"
    )
    address = models.CharField("地址", max_length=150, blank=True)
    postal_code = models.CharField("郵遞區號", max_length=6, blank=True)
    # Shelters and halfway houses keep their address to themselves: not exported, not on the map.
    address_confidential = models.BooleanField("地址不公開", default=False)
    latitude = models.DecimalField("緯度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("經度", max_digits=9, decimal_places=6, null=True, blank=True)
    description = models.CharField("說明", max_length=200, blank=True)

    class Meta:
        verbose_name = "服務據點"
        verbose_name_plural = "服務據點"
        ordering = ["organization_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="location_name_unique_in_org"),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__gte=LATITUDE[0],
                    latitude__lte=LATITUDE[1],
                    longitude__gte=LONGITUDE[0],
                    longitude__lte=LONGITUDE[1],
                ),
                name="location_coordinates_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", "服務中"
    INACTIVE = "inactive", "暫停"
    TEMPORARILY_CLOSED = "temporarily closed", "暫時關閉"
    DEFUNCT = "defunct", "已停止"


class Service(models.Model):
    """A service an organisation offers (HSDS service), in one or more categories, at its locations."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services", verbose_name="合作單位"
    )
    name = models.CharField("服務名稱", max_length=100)
    description = models.TextField("說明", blank=True)
    categories = models.ManyToManyField(ServiceCategory, related_name="services", verbose_name="服務類別")
    status = models.CharField(
        "狀態", max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    email = models.EmailField("電子郵件", blank=True)
    url = models.URLField("網址", blank=True)
    eligibility_description = models.CharField("服務對象", max_length=200, blank=True)
    fees_description = models.CharField("費用", max_length=200, blank=True)
    locations = models.ManyToManyField(
        Location, through="ServiceAtLocation", related_name="services", verbose_name="服務據點"
    )
    # The service area (HSDS service_area): towns served beyond those of its locations.
    towns = models.ManyToManyField("geo.Town", blank=True, related_name="+", verbose_name="服務區域")
    updated_at = models.DateTimeField("更新時間", auto_now=True)

    class Meta:
        verbose_name = "服務項目"
        verbose_name_plural = "服務項目"
        ordering = ["organization_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="service_name_unique_in_org")
        ]

    def __str__(self) -> str:
        return f"{self.organization.name}・{self.name}"


class ServiceAtLocation(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="at_services")

    class Meta:
        verbose_name = "據點服務"
        verbose_name_plural = "據點服務"
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_at_location_once")
        ]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class PartnerContact(models.Model):
    """A person to contact at an organisation, or for one of its services (HSDS contact)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="contacts", verbose_name="合作單位"
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name="服務項目",
    )
    name = models.CharField("聯絡人", max_length=60)
    title = models.CharField("職稱", max_length=60, blank=True)
    department = models.CharField("部門", max_length=60, blank=True)
    email = models.EmailField("電子郵件", blank=True)

    class Meta:
        verbose_name = "聯絡窗口"
        verbose_name_plural = "聯絡窗口"
        ordering = ["organization_id", "id"]

    def __str__(self) -> str:
        return self.name


class PhoneType(models.TextChoices):
    VOICE = "voice", "電話"
    FAX = "fax", "傳真"
    CELL = "cell", "手機"
    HOTLINE = "hotline", "專線"


class Phone(models.Model):
    """A phone number of an organisation, a service, a location or a contact (HSDS phone)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="phones", verbose_name="合作單位"
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="phones"
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="phones"
    )
    contact = models.ForeignKey(
        PartnerContact, on_delete=models.PROTECT, null=True, blank=True, related_name="phones"
    )
    number = models.CharField("號碼", max_length=30)
    extension = models.CharField("分機", max_length=10, blank=True)
    type = models.CharField("類型", max_length=10, choices=PhoneType.choices, default=PhoneType.VOICE)
    description = models.CharField("說明", max_length=100, blank=True)

    class Meta:
        verbose_name = "電話"
        verbose_name_plural = "電話"
        ordering = ["organization_id", "id"]

    def __str__(self) -> str:
        return self.number


class Schedule(models.Model):
    """When a service is open (HSDS schedule, weekly): days as iCal BYDAY codes, e.g. MO,TU,WE,TH,FR."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="schedules")
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="schedules"
    )
    byday = models.CharField("星期", max_length=30)
    opens_at = models.TimeField("開始")
    closes_at = models.TimeField("結束")
    description = models.CharField("說明", max_length=100, blank=True)

    class Meta:
        verbose_name = "服務時間"
        verbose_name_plural = "服務時間"
        ordering = ["service_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="schedule_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return f"{self.byday} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


# --- referrals -----------------------------------------------------------------------------------


REFERRAL_STATUS_LABELS = Labels(
    ReferralStatus,
    {
        ReferralStatus.DRAFT: _("Draft"),
        ReferralStatus.REQUESTED: _("Sent: waiting for an answer"),
        ReferralStatus.ACCEPTED: _("Accepted"),
        ReferralStatus.REJECTED: _("Declined by the partner"),
        ReferralStatus.IN_PROGRESS: _("Being served"),
        ReferralStatus.ON_HOLD: _("On hold"),
        ReferralStatus.COMPLETED: _("Completed"),
        ReferralStatus.FAILED: _("Could not be completed"),
        ReferralStatus.CANCELED: _("Cancelled"),
    },
)


OPEN_STATUSES = tuple(sorted(OPEN))


class Urgency(models.TextChoices):
    """FHIR request priority, of which a referral uses three."""

    ROUTINE = "routine", "一般"
    URGENT = "urgent", "急"
    ASAP = "asap", "緊急"


class Consent(models.TextChoices):
    WRITTEN = "written", "已取得書面同意"
    VERBAL = "verbal", "已取得口頭同意"
    NOT_NEEDED = "not_needed", "依法得免經同意"


class ReferralQuerySet(models.QuerySet["Referral"]):
    def sent(self) -> ReferralQuerySet:
        """Referrals that reached the partner: everything but drafts."""
        return self.exclude(status=ReferralStatus.DRAFT)


class Referral(models.Model):
    """A referral of a case's person to a partner's service, and the loop back to the referrer."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name="個案",
    )
    # An earlier system's case number, for referrals imported as history.
    case_external_id = models.CharField("原系統案號", max_length=40, blank=True)
    area = models.ForeignKey("geo.County", on_delete=models.PROTECT, related_name="+", verbose_name="縣市")
    route = models.CharField("轉介服務路徑", max_length=10, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name="轉介單位",
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="轉介人",
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="referrals", verbose_name="受轉介單位"
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name="服務項目",
    )
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="referrals", verbose_name="轉介類別"
    )
    reason = EncryptedTextField("轉介原因", blank=True)
    urgency = models.CharField("急迫性", max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    consent = models.CharField("當事人同意", max_length=12, choices=Consent.choices, blank=True)
    legal_basis = models.CharField("免經同意之法律依據", max_length=200, blank=True)
    shares = models.JSONField("提供合作單位之個人資料項目", default=list, blank=True)
    status = models.CharField(
        "狀態", max_length=20, choices=REFERRAL_STATUS_LABELS.choices, default=ReferralStatus.DRAFT.value
    )
    created_at = models.DateTimeField("建立時間")
    requested_at = models.DateTimeField("送出時間", null=True, blank=True)
    due_at = models.DateTimeField("回覆期限", null=True, blank=True)
    responded_at = models.DateTimeField("回覆時間", null=True, blank=True)
    closed_at = models.DateTimeField("結束時間", null=True, blank=True)
    outcome = EncryptedTextField("辦理結果", blank=True)
    clock = models.OneToOneField(
        "cases.Clock", on_delete=models.PROTECT, null=True, blank=True, related_name="referral"
    )
    legacy = models.BooleanField("匯入之歷史資料", default=False)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "轉介"
        verbose_name_plural = "轉介"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["area", "requested_at"]),
            models.Index(fields=["unit", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | models.Q(legacy=True), name="referral_has_case"
            ),
        ]

    def __str__(self) -> str:
        return f"轉介 {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue(self, now: datetime.datetime) -> bool:
        return self.status == ReferralStatus.REQUESTED and self.due_at is not None and now > self.due_at


class ReferralEvent(models.Model):
    """One move of a referral: who (which side), when, why; a partner without an account signs by name."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(
        "原狀態", max_length=20, choices=REFERRAL_STATUS_LABELS.choices, blank=True
    )
    to_status = models.CharField("新狀態", max_length=20, choices=REFERRAL_STATUS_LABELS.choices)
    side = models.CharField("回覆方", max_length=10)
    at = models.DateTimeField("時間")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_name = models.CharField("回覆人", max_length=60, blank=True)
    via_link = models.BooleanField("經由回覆連結", default=False)
    note = EncryptedTextField("說明", blank=True)

    class Meta:
        verbose_name = "轉介歷程"
        verbose_name_plural = "轉介歷程"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral} {self.from_status}→{self.to_status}"


class ReferralLink(models.Model):
    """A single-use signed link for a partner without accounts to answer one referral.

    The token is signed (it names the referral and a nonce); only a digest of the nonce is stored, and
    the link is spent by its first answer or when it expires."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="links")
    nonce_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("產生時間")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField("有效期限")
    used_at = models.DateTimeField("使用時間", null=True, blank=True)

    class Meta:
        verbose_name = "回覆連結"
        verbose_name_plural = "回覆連結"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.referral} link {self.pk}"
