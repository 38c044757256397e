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

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    response_days = models.PositiveSmallIntegerField(
        _("answer due within (working days)"),
        default=5,
        help_text=_("Within how many working days the partner answers (accepts or declines)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(response_days__gte=1), name="category_response_days")
        ]

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """A day off that working-day deadlines skip (national holidays, typhoon days)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=40)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class OrganizationKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital or clinic")
    CARE_HOME = "care_home", _("Nursing or rehabilitation home")
    NGO = "ngo", _("Social welfare organisation")
    CHARITY = "charity", _("Charity or religious organisation")
    GOVERNMENT = "government", _("Government agency")
    LEGAL = "legal", _("Legal services")
    OTHER = "other", _("Other")


class Organization(models.Model):
    """A partner organisation (HSDS organization)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    alternate_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganizationKind.choices)
    description = models.TextField(_("introduction"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    area = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("county of the network")
    )
    unit = models.OneToOneField(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organization",
        verbose_name=_("unit of its accounts"),
        help_text=_("Partner users of this unit can sign in and answer referrals."),
    )
    active = models.BooleanField(_("in partnership"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["area_id", "name"]

    def __str__(self) -> str:
        return self.name


# Where a coordinate can be at all (WGS 84 degrees, first to last); the import of partners asks for Taiwan.
LATITUDE = (-90, 90)
LONGITUDE = (-180, 180)


class Location(models.Model):
    """A place where an organisation serves (HSDS location with its address)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="locations",
        verbose_name=_("partner organisation"),
    )
    name = models.CharField(_("location name"), max_length=100)
    town = models.ForeignKey(
        "geo.Town", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("town")
    )
    address = models.CharField(_("address"), max_length=150, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    # Shelters and halfway houses keep their address to themselves: not exported, not on the map.
    address_confidential = models.BooleanField(_("address confidential"), default=False)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("service location")
        verbose_name_plural = _("service locations")
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
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")
    DEFUNCT = "defunct", _("Defunct")


class Service(models.Model):
    """A service an organisation offers (HSDS service), in one or more categories, at its locations."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("partner organisation"),
    )
    name = models.CharField(_("service name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    categories = models.ManyToManyField(
        ServiceCategory, related_name="services", verbose_name=_("service categories")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    email = models.EmailField(_("email"), blank=True)
    url = models.URLField(_("web address"), blank=True)
    eligibility_description = models.CharField(_("eligibility"), max_length=200, blank=True)
    fees_description = models.CharField(_("fees"), max_length=200, blank=True)
    locations = models.ManyToManyField(
        Location, through="ServiceAtLocation", related_name="services", verbose_name=_("service locations")
    )
    # The service area (HSDS service_area): towns served beyond those of its locations.
    towns = models.ManyToManyField("geo.Town", blank=True, related_name="+", verbose_name=_("service area"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
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
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_at_location_once")
        ]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class PartnerContact(models.Model):
    """A person to contact at an organisation, or for one of its services (HSDS contact)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("partner organisation"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("service"),
    )
    name = models.CharField(_("contact person"), max_length=60)
    title = models.CharField(_("title"), max_length=60, blank=True)
    department = models.CharField(_("department"), max_length=60, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["organization_id", "id"]

    def __str__(self) -> str:
        return self.name


class PhoneType(models.TextChoices):
    VOICE = "voice", _("Phone")
    FAX = "fax", _("Fax")
    CELL = "cell", _("Mobile")
    HOTLINE = "hotline", _("Hotline")


class Phone(models.Model):
    """A phone number of an organisation, a service, a location or a contact (HSDS phone)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="phones", verbose_name=_("partner organisation")
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
    number = models.CharField(_("number"), max_length=30)
    extension = models.CharField(_("extension"), max_length=10, blank=True)
    type = models.CharField(_("type"), max_length=10, choices=PhoneType.choices, default=PhoneType.VOICE)
    description = models.CharField(_("description"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        ordering = ["organization_id", "id"]

    def __str__(self) -> str:
        return self.number


class Schedule(models.Model):
    """When a service is open (HSDS schedule, weekly): days as iCal BYDAY codes, e.g. MO,TU,WE,TH,FR."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="schedules")
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="schedules"
    )
    byday = models.CharField(_("days of the week"), max_length=30)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    description = models.CharField(_("description"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
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

    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    ASAP = "asap", _("As soon as possible")


class Consent(models.TextChoices):
    WRITTEN = "written", _("Written consent obtained")
    VERBAL = "verbal", _("Verbal consent obtained")
    NOT_NEEDED = "not_needed", _("No consent needed by law")


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
        verbose_name=_("case"),
    )
    # An earlier system's case number, for referrals imported as history.
    case_external_id = models.CharField(_("case number in the earlier system"), max_length=40, blank=True)
    area = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    route = models.CharField(_("service route"), max_length=10, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("referring unit"),
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred by"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("referred to")
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("service"),
    )
    category = models.ForeignKey(
        ServiceCategory,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("referral category"),
    )
    reason = EncryptedTextField(_("reason for referral"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    consent = models.CharField(_("consent of the person"), max_length=12, choices=Consent.choices, blank=True)
    legal_basis = models.CharField(_("legal basis for no consent"), max_length=200, blank=True)
    shares = models.JSONField(_("personal data shared with the partner"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=REFERRAL_STATUS_LABELS.choices, default=ReferralStatus.DRAFT.value
    )
    created_at = models.DateTimeField(_("created at"))
    requested_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = EncryptedTextField(_("outcome"), blank=True)
    clock = models.OneToOneField(
        "cases.Clock", on_delete=models.PROTECT, null=True, blank=True, related_name="referral"
    )
    legacy = models.BooleanField(_("imported history"), default=False)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
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
        return _("Referral %(n)s") % {"n": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue(self, now: datetime.datetime) -> bool:
        return self.status == ReferralStatus.REQUESTED and self.due_at is not None and now > self.due_at


class ReferralEvent(models.Model):
    """One move of a referral: who (which side), when, why; a partner without an account signs by name."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(
        _("from status"), max_length=20, choices=REFERRAL_STATUS_LABELS.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=20, choices=REFERRAL_STATUS_LABELS.choices)
    side = models.CharField(_("answering side"), max_length=10)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_name = models.CharField(_("answered by"), max_length=60, blank=True)
    via_link = models.BooleanField(_("through an answer link"), default=False)
    note = EncryptedTextField(_("explanation"), blank=True)

    class Meta:
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral} {self.from_status}→{self.to_status}"


class ReferralLink(models.Model):
    """A single-use signed link for a partner without accounts to answer one referral.

    The token is signed (it names the referral and a nonce); only a digest of the nonce is stored, and
    the link is spent by its first answer or when it expires."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="links")
    nonce_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("generated at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer link")
        verbose_name_plural = _("answer links")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.referral} link {self.pk}"
