"""Cases opened by dispatch, the reports behind them, co-cases and the clocks that run on them."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safetynet.core.choices import Labels
from safetynet.core.fields import EncryptedTextField
from safetynet.domain.casestatus import OPEN, CaseStatus
from safetynet.domain.clocks import ClockState, clock_state

CASE_STATUS_LABELS = Labels(
    CaseStatus,
    {
        CaseStatus.PENDING: _("Waiting for a worker"),
        CaseStatus.ASSESSING: _("Assessing"),
        CaseStatus.SERVING: _("In service"),
        CaseStatus.FOLLOW_UP: _("Follow-up"),
        CaseStatus.REVIEW: _("Supervisor reviewing"),
        CaseStatus.CLOSED: _("Closed"),
        CaseStatus.NOT_OPENED: _("Not opened"),
    },
)

OPEN_STATUSES = tuple(sorted(OPEN))


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def open_at(self, moment: datetime.datetime) -> CaseQuerySet:
        """Open at `moment`, as the indicator engine counts: opened by then, not closed by then, and
        never 未成案 (found to need no case)."""
        return (
            self.filter(opened_at__lte=moment)
            .exclude(closed_at__lte=moment)
            .exclude(status=CaseStatus.NOT_OPENED)
        )


class CoCase(models.Model):
    """A person served by two or more routes at once (共案): one lead case, a shared timeline."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cocases")
    lead = models.ForeignKey("Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("lead case"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("co-case")
        verbose_name_plural = _("co-cases")

    def __str__(self) -> str:
        return gettext("Co-case %(id)s") % {"id": self.pk}


class Case(models.Model):
    route = models.CharField(_("route"), max_length=10)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="cases", verbose_name=_("client")
    )
    area = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="cases", verbose_name=_("unit")
    )
    lead = models.ForeignKey(
        "org.Staff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("lead worker"),
    )
    suggested_lead = models.ForeignKey(
        "org.Staff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggested worker"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CASE_STATUS_LABELS.choices, default=CaseStatus.PENDING.value
    )
    priority = models.PositiveSmallIntegerField(_("priority"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    classification = models.CharField(_("classification"), max_length=20, blank=True)
    lists = models.JSONField(_("monitoring lists"), default=list, blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("case closed at"), null=True, blank=True)
    cocase = models.ForeignKey(
        CoCase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("co-case"),
    )
    co_workers = models.ManyToManyField(
        "org.Staff", blank=True, related_name="co_worked_cases", verbose_name=_("co-workers")
    )
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, blank=True)
    risk_set_at = models.DateTimeField(_("risk level set at"), null=True, blank=True)
    high_risk = models.BooleanField(_("listed as high risk"), default=False)
    high_risk_since = models.DateTimeField(_("listed since"), null=True, blank=True)
    plan_goals = EncryptedTextField(_("service goals"), blank=True)
    plan_tasks = EncryptedTextField(_("intervention tasks"), blank=True)
    plan_review_on = models.DateField(_("plan review date"), null=True, blank=True)
    # Optimistic locking: every edit names the version it read; a stale one is refused, not overwritten.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("last modified"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["person", "route", "status"]),
            models.Index(fields=["lead", "status"]),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["area", "route", "opened_at"], name="case_area_route_opened"),
        ]

    def __str__(self) -> str:
        return gettext("Case %(id)s") % {"id": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseReport(models.Model):
    """A report behind a case: the one that opened it, or a re-report (續報) attached later."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reports")
    report = models.ForeignKey("intake.Report", on_delete=models.PROTECT, related_name="case_links")
    re_report = models.BooleanField(_("re-report"), default=False)
    after_closure = models.BooleanField(_("reported again after closure"), default=False)
    attached_at = models.DateTimeField(_("attached at"))

    class Meta:
        verbose_name = _("case report")
        verbose_name_plural = _("case reports")
        ordering = ["attached_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "report"], name="case_report_once")]

    def __str__(self) -> str:
        return f"{self.case} ← {self.report}"


class ClockQuerySet(models.QuerySet["Clock"]):
    def running(self) -> ClockQuerySet:
        """Clocks still asking for something: neither met nor cancelled."""
        return self.filter(met_at__isnull=True, cancelled_at__isnull=True)


class Clock(models.Model):
    """A legal or default deadline (DOMAIN §5) on a report's screening or on a case."""

    name = models.CharField(_("clock code"), max_length=40)
    label = models.CharField(_("clock"), max_length=60)
    report = models.ForeignKey(
        "intake.Report", on_delete=models.PROTECT, null=True, blank=True, related_name="clocks"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="clocks")
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clocks",
        verbose_name=_("unit"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    due_at = models.DateTimeField(_("due at"))
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The contact that met it, so that correcting the contact's time or kind can meet it again.
    met_by_contact = models.ForeignKey(
        "Contact", on_delete=models.PROTECT, null=True, blank=True, related_name="met_clocks"
    )
    overdue_at = models.DateTimeField(_("marked overdue at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=200, blank=True)

    objects = ClockQuerySet.as_manager()

    class Meta:
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["unit", "due_at"]),
            models.Index(fields=["met_at", "due_at"]),
            models.Index(fields=["case", "met_at"]),
            # A case's running clocks, earliest first: 我的個案 orders a unit's cases by their next due.
            models.Index(
                fields=["case", "due_at"],
                condition=models.Q(met_at__isnull=True, cancelled_at__isnull=True),
                name="clock_running_case_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(report__isnull=False) | models.Q(case__isnull=False),
                name="clock_has_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.due_at:%Y-%m-%d %H:%M}"

    def state(self, now: datetime.datetime) -> ClockState:
        return clock_state(self.due_at, self.met_at, now)


class StatusChange(models.Model):
    """Every move of a case's status, so a reopened case keeps its whole history."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(
        _("previous status"), max_length=20, choices=CASE_STATUS_LABELS.choices, blank=True
    )
    to_status = models.CharField(_("new status"), max_length=20, choices=CASE_STATUS_LABELS.choices)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.from_status}→{self.to_status}"


class ContactKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    PHONE = "phone", _("Phone call")
    INTERVIEW = "interview", _("Interview")
    OUTREACH = "outreach", _("Outreach")
    NETWORK = "network", _("Network contact")


class EnteredInError(models.Model):
    """Case records are never deleted: a wrong one is marked, with who and why, and drops out of counts."""

    entered_in_error_at = models.DateTimeField(_("marked entered in error at"), null=True, blank=True)
    error_reason = models.CharField(_("reason entered in error"), max_length=200, blank=True)

    class Meta:
        abstract = True


class RecordQuerySet(models.QuerySet[models.Model]):
    def valid(self) -> RecordQuerySet:
        return self.filter(entered_in_error_at__isnull=True)


class Contact(EnteredInError):
    """A contact with the person or the network (家訪, 電訪, 面談, 外展, 網絡聯繫)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("case"))
    kind = models.CharField(_("contact kind"), max_length=20, choices=ContactKind.choices)
    occurred_at = models.DateTimeField(_("time"))
    minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    with_whom = models.CharField(_("with whom"), max_length=100, blank=True)
    note = EncryptedTextField(_("contact note"), blank=True)
    next_step = EncryptedTextField(_("next step"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("entered at"))
    idempotency_key = models.CharField(max_length=200, blank=True, editable=False)
    # Its author may correct it for a day (`EDIT_WINDOW`); each correction keeps the replaced values as a
    # `ContactRevision`, and names the version it read, so a stale edit is refused, not overwritten.
    version = models.PositiveIntegerField(_("version"), default=1)
    edited_at = models.DateTimeField(_("last modified"), null=True, blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact record")
        verbose_name_plural = _("contact records")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["case", "occurred_at"]),
            # The indicators' "a contact of these kinds within N days / in that month" lookups.
            models.Index(
                fields=["case", "occurred_at", "kind"],
                condition=models.Q(entered_in_error_at__isnull=True),
                name="contact_live_case_time",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="contact_idempotency_key_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"

    def editable_until(self) -> datetime.datetime:
        return self.recorded_at + CONTACT_EDIT_WINDOW

    def editable_by(self, user: Any, now: datetime.datetime) -> bool:
        """Its author, within a day of recording it, while it stands (not marked entered in error)."""
        return (
            self.entered_in_error_at is None
            and getattr(user, "pk", None) == self.by_id
            and now < self.editable_until()
        )


CONTACT_EDIT_WINDOW = datetime.timedelta(hours=24)


class ContactRevision(models.Model):
    """A version of a contact that its author's correction replaced: the values as they were, who wrote
    them and when, and who replaced them when. The notes stay encrypted as on the contact."""

    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("contact record")
    )
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("contact kind"), max_length=20, choices=ContactKind.choices)
    occurred_at = models.DateTimeField(_("time"))
    minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    with_whom = models.CharField(_("with whom"), max_length=100, blank=True)
    note = EncryptedTextField(_("contact note"), blank=True)
    next_step = EncryptedTextField(_("next step"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    written_at = models.DateTimeField(_("written at"))
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("replaced by")
    )
    replaced_at = models.DateTimeField(_("replaced at"))

    class Meta:
        verbose_name = _("contact revision")
        verbose_name_plural = _("contact revisions")
        ordering = ["contact_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "version"], name="contact_revision_once"),
        ]

    def __str__(self) -> str:
        return f"{self.contact} v{self.version}"


class Assessment(EnteredInError):
    """A scored instrument (`safetynet.domain.instruments`): the answers, and the result they gave."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("case")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    instrument = models.CharField(_("instrument"), max_length=20)
    answers = models.JSONField(_("answers"))
    total = models.IntegerField(_("total score"), null=True, blank=True)
    band = models.CharField(_("result"), max_length=20)
    label = models.CharField(_("result label"), max_length=100)
    risk = models.CharField(_("risk"), max_length=10, choices=RiskLevel.choices)
    result = models.JSONField(_("result details"), default=dict)
    assessed_at = models.DateTimeField(_("assessed at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessed by")
    )
    recorded_at = models.DateTimeField(_("entered at"))
    idempotency_key = models.CharField(max_length=200, blank=True, editable=False)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_at", "-id"]
        indexes = [models.Index(fields=["case", "instrument", "assessed_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="assessment_idempotency_key_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.band}"


class FollowUpTask(models.TextChoices):
    VISIT = "visit", _("Visit")
    BSRS5 = "bsrs5", _("BSRS-5 test")


class FollowUpRule(models.Model):
    """How often a route's cases are visited (or re-tested) at each risk level (DOMAIN §5, editable)."""

    route = models.CharField(_("route"), max_length=10)
    risk_level = models.CharField(
        _("risk level"),
        max_length=10,
        choices=RiskLevel.choices,
        blank=True,
        help_text=_("Blank: every level"),
    )
    task = models.CharField(
        _("task"), max_length=10, choices=FollowUpTask.choices, default=FollowUpTask.VISIT
    )
    interval_days = models.PositiveSmallIntegerField(_("interval (days)"))
    note = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("follow-up rule")
        verbose_name_plural = _("follow-up rules")
        ordering = ["route", "task", "risk_level"]
        constraints = [
            models.UniqueConstraint(fields=["route", "risk_level", "task"], name="follow_up_rule_once"),
            models.CheckConstraint(
                condition=models.Q(interval_days__gte=1), name="follow_up_interval_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.route} {self.risk_level or '*'} {self.task} {self.interval_days}d"


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Service goals met")
    MOVED = "moved", _("Moved out of the area")
    DIED = "died", _("Died")
    REFUSED = "refused", _("Refused service")
    TRANSFERRED = "transferred", _("Referred or transferred")
    OTHER = "other", _("Other")


class Closure(models.Model):
    """A worker's request to close a case and the supervisor's decision on it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="closures", verbose_name=_("case"))
    reason = models.CharField(_("closure reason"), max_length=20, choices=ClosureReason.choices)
    checklist = models.JSONField(_("checklist"), default=list)
    summary = EncryptedTextField(_("closure summary"), blank=True)
    open_clocks_reason = models.CharField(_("why clocks are still running"), max_length=300, blank=True)
    previous_status = models.CharField(max_length=20, choices=CASE_STATUS_LABELS.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"))
    approved = models.BooleanField(_("approval"), null=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deciding supervisor"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("closure request")
        verbose_name_plural = _("closure requests")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_reason_display()}"


class Transfer(models.Model):
    """A case handed to another unit (of this or another county), which accepts or declines it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("case"))
    from_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("from unit")
    )
    to_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="incoming_transfers", verbose_name=_("to unit")
    )
    reason = models.CharField(_("transfer reason"), max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    accepted = models.BooleanField(_("acceptance"), null=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decision_note = models.CharField(_("answer note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_unit}"


class SupervisionKind(models.TextChoices):
    INTERNAL = "internal", _("Internal supervision")
    EXTERNAL = "external", _("External supervision")


class SupervisionSession(models.Model):
    """A supervision session (督導) of a unit: who attended and which cases were discussed."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="supervisions", verbose_name=_("unit")
    )
    kind = models.CharField(_("supervision kind"), max_length=10, choices=SupervisionKind.choices)
    held_on = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    supervisor_name = models.CharField(_("supervised by"), max_length=60)
    attendees = models.ManyToManyField("org.Staff", related_name="supervisions", verbose_name=_("attendees"))
    cases = models.ManyToManyField(Case, through="SupervisionCase", related_name="supervisions")
    notes = EncryptedTextField(_("session notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("supervision session")
        verbose_name_plural = _("supervision sessions")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class SupervisionCase(models.Model):
    session = models.ForeignKey(SupervisionSession, on_delete=models.PROTECT, related_name="case_notes")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="supervision_notes")
    note = EncryptedTextField(_("supervisor's note"), blank=True)

    class Meta:
        verbose_name = _("case supervision note")
        verbose_name_plural = _("case supervision notes")
        constraints = [models.UniqueConstraint(fields=["session", "case"], name="supervision_case_once")]

    def __str__(self) -> str:
        return f"{self.session} · {self.case}"


class RiskMeeting(models.Model):
    """The monthly high-risk IPV network meeting (高危機網絡會議) of a county."""

    area = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    held_on = models.DateField(_("date"))
    title = models.CharField(_("meeting title"), max_length=100)
    attendees = models.TextField(_("attending units"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("high-risk network meeting")
        verbose_name_plural = _("high-risk network meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title} {self.held_on}"


class MeetingDecision(models.TextChoices):
    KEEP = "keep", _("Keep listed")
    DELIST = "delist", _("Delist")


class RiskMeetingCase(models.Model):
    meeting = models.ForeignKey(RiskMeeting, on_delete=models.PROTECT, related_name="decisions")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="meeting_decisions")
    decision = models.CharField(_("decision"), max_length=10, choices=MeetingDecision.choices)
    note = EncryptedTextField(_("decision details"), blank=True)

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="meeting_case_once")]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.case} {self.decision}"
