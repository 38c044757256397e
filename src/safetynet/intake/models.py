"""Screening rule sets as versioned documents: drafted, published, never edited after publishing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safetynet.core.fields import EncryptedTextField


class RuleSetVersion(models.Model):
    version = models.CharField(_("version"), max_length=40, unique=True)
    name = models.CharField(_("rule set name"), max_length=120)
    document = models.JSONField(_("rule set document"))
    notes = models.TextField(_("version notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("screening rule set version")
        verbose_name_plural = _("screening rule set versions")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.version} {self.name}"


class RuleSetStatus(models.TextChoices):
    """Where a version stands: a draft is never in force; of the published, the latest is in force."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CURRENT = "current", _("In force")


class Channel(models.TextChoices):
    WEB = "web", _("Screening form")
    API = "api", "API"
    IMPORT = "import", _("Import")


class Report(models.Model):
    """A report (通報) as received, with the screening decision the rules suggested at receipt."""

    received_at = models.DateTimeField(_("received at"))
    area = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, related_name="reports", verbose_name=_("receiving county")
    )
    source = models.CharField(_("report source"), max_length=20)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    external_id = models.CharField(_("number in the earlier system"), max_length=60, blank=True)
    narrative = EncryptedTextField(_("narrative"), blank=True)
    reporter = EncryptedTextField(
        _("reporter"), blank=True, help_text=_("Protected: seen only by screeners and case handlers")
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule_set = models.CharField(_("rule set version"), max_length=40)
    suggestion = models.JSONField(_("suggested screening result"))
    screening_due = models.DateTimeField(_("screening due"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-received_at", "-id"]
        constraints = [
            # An earlier system's report number enters an area once by import (`import reports`);
            # the API and the form may repeat one (a re-report quoting its first report's number).
            models.UniqueConstraint(
                fields=["area", "external_id"],
                condition=models.Q(channel="import") & ~models.Q(external_id=""),
                name="imported_report_external_id_unique",
            )
        ]

    def __str__(self) -> str:
        return gettext("Report %(number)s") % {"number": self.pk}

    def audit_person_ids(self) -> list[int]:
        """Whom the access log names when this report is read or changed: its subjects."""
        return list(self.subjects.values_list("person_id", flat=True))


class SubjectRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    RESPONDENT = "respondent", _("Respondent")
    CHILD = "child", _("Child or youth")
    FAMILY = "family", _("Family member")


class ReportSubject(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, related_name="subjects", verbose_name=_("report")
    )
    ref = models.CharField(_("subject reference"), max_length=40)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="report_subjects")
    matched_by = models.CharField(_("matched by"), max_length=20)  # national_id | new
    role = models.CharField(_("role in the report"), max_length=20, choices=SubjectRole.choices)
    types = models.JSONField(_("report types"))
    town = models.ForeignKey("geo.Town", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    flags = models.JSONField(_("flags"), default=list)
    tipvda_score = models.PositiveSmallIntegerField(_("TIPVDA score"), null=True, blank=True)

    class Meta:
        verbose_name = _("report subject")
        verbose_name_plural = _("report subjects")
        constraints = [models.UniqueConstraint(fields=["report", "ref"], name="subject_ref_unique_in_report")]

    def __str__(self) -> str:
        return f"{self.report} {self.ref}"


class IdempotencyKey(models.Model):
    """A client's `Idempotency-Key`: the same key from the same account returns the same report."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=200)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return self.key


class RouteService(models.Model):
    """Which units serve a route, and which roles inside them take its cases (editable data)."""

    route = models.CharField(_("route"), max_length=10, unique=True)
    unit_kind = models.CharField(_("unit kind"), max_length=20)
    roles = models.JSONField(
        _("handling roles"),
        default=list,
        help_text=_("Role codes; empty means every case worker of the unit"),
    )
    by_town = models.BooleanField(
        _("by town of residence"),
        default=False,
        help_text=_("The unit covering the person's town of residence takes the case"),
    )

    class Meta:
        verbose_name = _("route service")
        verbose_name_plural = _("route services")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.route


class Screening(models.Model):
    """The screening decision on a report: the suggestion confirmed, or overridden with a reason.

    One per report (the unique key makes the second of two concurrent confirmations fail cleanly).
    """

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="screening")
    routes = models.JSONField(_("screening result"))
    overridden = models.BooleanField(_("suggestion changed"), default=False)
    reason = models.TextField(_("reason for the change"), blank=True)
    decided_at = models.DateTimeField(_("screened at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    legacy = models.BooleanField(_("imported from an earlier system"), default=False)

    class Meta:
        verbose_name = _("screening decision")
        verbose_name_plural = _("screening decisions")

    def __str__(self) -> str:
        return gettext("Screening %(number)s") % {"number": self.report_id}


class DispatchOutcome(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    QUEUED = "queued", _("Waiting for the supervisor")
    RE_REPORT = "re_report", _("Attached to the open case (re-report)")
    REOPENED = "reopened", _("Re-reported after closure: reopened")
    TRANSFER = "transfer", _("Transferred to another county")
    NONE = "none", _("No case")
    NO_UNIT = "no_unit", _("No unit serves it")
    RECORDED = "recorded", _("Historical record")


class Dispatch(models.Model):
    """What became of one route of one subject: a case, a re-report, a transfer or no case."""

    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="dispatches")
    subject = models.ForeignKey(ReportSubject, on_delete=models.PROTECT, related_name="dispatches")
    route = models.CharField(_("route"), max_length=10)
    outcome = models.CharField(_("dispatch outcome"), max_length=20, choices=DispatchOutcome.choices)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="dispatches"
    )
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_county = models.ForeignKey(
        "geo.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county transferred to"),
    )
    reason = models.TextField(_("dispatch reason"), blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.route} {self.get_outcome_display()}"
