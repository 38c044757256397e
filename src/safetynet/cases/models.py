"""Cases opened by dispatch, the reports behind them, co-cases and the clocks that run on them."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
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
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


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
    lead = models.ForeignKey("Case", on_delete=models.PROTECT, related_name="+", verbose_name="主責個案")
    created_at = models.DateTimeField("建立時間", auto_now_add=True)

    class Meta:
        verbose_name = "共案"
        verbose_name_plural = "共案"

    def __str__(self) -> str:
        return f"共案 {self.pk}"


class Case(models.Model):
    route = models.CharField("服務路徑", max_length=10)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="cases", verbose_name="個案"
    )
    area = models.ForeignKey("geo.County", on_delete=models.PROTECT, related_name="+", verbose_name="縣市")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="cases", verbose_name="單位")
    lead = models.ForeignKey(
        "org.Staff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name="主責社工",
    )
    suggested_lead = models.ForeignKey(
        "org.Staff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="建議社工",
    )
    status = models.CharField(
        "狀態", max_length=20, choices=CASE_STATUS_LABELS.choices, default=CaseStatus.PENDING.value
    )
    priority = models.PositiveSmallIntegerField("優先等級", null=True, blank=True)
    grade = models.CharField("分級", max_length=20, blank=True)
    classification = models.CharField("分類", max_length=20, blank=True)
    lists = models.JSONField("列管", default=list, blank=True)
    opened_at = models.DateTimeField("開案時間")
    assigned_at = models.DateTimeField("派案時間", null=True, blank=True)
    closed_at = models.DateTimeField("結案時間", null=True, blank=True)
    cocase = models.ForeignKey(
        CoCase, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name="共案"
    )
    co_workers = models.ManyToManyField(
        "org.Staff", blank=True, related_name="co_worked_cases", verbose_name="協同社工"
    )
    risk_level = models.CharField("風險等級", max_length=10, choices=RiskLevel.choices, blank=True)
    risk_set_at = models.DateTimeField("風險評定時間", null=True, blank=True)
    high_risk = models.BooleanField("高危機列管", default=False)
    high_risk_since = models.DateTimeField("列管起", null=True, blank=True)
    plan_goals = EncryptedTextField("服務目標", blank=True)
    plan_tasks = EncryptedTextField("處遇工作", blank=True)
    plan_review_on = models.DateField("計畫檢視日", null=True, blank=True)
    # Optimistic locking: every edit names the version it read; a stale one is refused, not overwritten.
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("最後修改", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "個案"
        verbose_name_plural = "個案"
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["person", "route", "status"]),
            models.Index(fields=["lead", "status"]),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["area", "route", "opened_at"], name="case_area_route_opened"),
        ]

    def __str__(self) -> str:
        return f"個案 {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseReport(models.Model):
    """A report behind a case: the one that opened it, or a re-report (續報) attached later."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reports")
    report = models.ForeignKey("intake.Report", on_delete=models.PROTECT, related_name="case_links")
    re_report = models.BooleanField("續報", default=False)
    after_closure = models.BooleanField("結案後再通報", default=False)
    attached_at = models.DateTimeField("併案時間")

    class Meta:
        verbose_name = "個案通報"
        verbose_name_plural = "個案通報"
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

    name = models.CharField("時限代碼", max_length=40)
    label = models.CharField("時限", max_length=60)
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
        verbose_name="單位",
    )
    starts_at = models.DateTimeField("起算")
    due_at = models.DateTimeField("期限")
    met_at = models.DateTimeField("完成時間", null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The contact that met it, so that correcting the contact's time or kind can meet it again.
    met_by_contact = models.ForeignKey(
        "Contact", on_delete=models.PROTECT, null=True, blank=True, related_name="met_clocks"
    )
    overdue_at = models.DateTimeField("標記逾期", null=True, blank=True)
    cancelled_at = models.DateTimeField("撤銷時間", null=True, blank=True)
    cancel_reason = models.CharField("撤銷原因", max_length=200, blank=True)

    objects = ClockQuerySet.as_manager()

    class Meta:
        verbose_name = "時限"
        verbose_name_plural = "時限"
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
    from_status = models.CharField("原狀態", max_length=20, choices=CASE_STATUS_LABELS.choices, blank=True)
    to_status = models.CharField("新狀態", max_length=20, choices=CASE_STATUS_LABELS.choices)
    at = models.DateTimeField("時間")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField("原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "狀態異動"
        verbose_name_plural = "狀態異動"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.from_status}→{self.to_status}"


class ContactKind(models.TextChoices):
    HOME_VISIT = "home_visit", "家訪"
    PHONE = "phone", "電訪"
    INTERVIEW = "interview", "面談"
    OUTREACH = "outreach", "外展"
    NETWORK = "network", "網絡聯繫"


class EnteredInError(models.Model):
    """Case records are never deleted: a wrong one is marked, with who and why, and drops out of counts."""

    entered_in_error_at = models.DateTimeField("標記誤植", null=True, blank=True)
    error_reason = models.CharField("誤植原因", max_length=200, blank=True)

    class Meta:
        abstract = True


class RecordQuerySet(models.QuerySet[models.Model]):
    def valid(self) -> RecordQuerySet:
        return self.filter(entered_in_error_at__isnull=True)


class Contact(EnteredInError):
    """A contact with the person or the network (家訪, 電訪, 面談, 外展, 網絡聯繫)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contacts", verbose_name="個案")
    kind = models.CharField("方式", max_length=20, choices=ContactKind.choices)
    occurred_at = models.DateTimeField("時間")
    minutes = models.PositiveSmallIntegerField("時長（分）")
    place = models.CharField("地點", max_length=100, blank=True)
    with_whom = models.CharField("對象", max_length=100, blank=True)
    note = EncryptedTextField("紀錄", blank=True)
    next_step = EncryptedTextField("下一步", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="紀錄人"
    )
    recorded_at = models.DateTimeField("登打時間")
    idempotency_key = models.CharField(max_length=200, blank=True, editable=False)
    # Its author may correct it for a day (`EDIT_WINDOW`); each correction keeps the replaced values as a
    # `ContactRevision`, and names the version it read, so a stale edit is refused, not overwritten.
    version = models.PositiveIntegerField("版本", default=1)
    edited_at = models.DateTimeField("最後修改", null=True, blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = "接觸紀錄"
        verbose_name_plural = "接觸紀錄"
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
        Contact, on_delete=models.PROTECT, related_name="revisions", verbose_name="接觸紀錄"
    )
    version = models.PositiveIntegerField("版本")
    kind = models.CharField("方式", max_length=20, choices=ContactKind.choices)
    occurred_at = models.DateTimeField("時間")
    minutes = models.PositiveSmallIntegerField("時長（分）")
    place = models.CharField("地點", max_length=100, blank=True)
    with_whom = models.CharField("對象", max_length=100, blank=True)
    note = EncryptedTextField("紀錄", blank=True)
    next_step = EncryptedTextField("下一步", blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="撰寫人"
    )
    written_at = models.DateTimeField("撰寫時間")
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="修改人"
    )
    replaced_at = models.DateTimeField("修改時間")

    class Meta:
        verbose_name = "接觸紀錄修改前版本"
        verbose_name_plural = "接觸紀錄修改前版本"
        ordering = ["contact_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "version"], name="contact_revision_once"),
        ]

    def __str__(self) -> str:
        return f"{self.contact} v{self.version}"


class Assessment(EnteredInError):
    """A scored instrument (`safetynet.domain.instruments`): the answers, and the result they gave."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments", verbose_name="個案")
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    instrument = models.CharField("量表", max_length=20)
    answers = models.JSONField("作答")
    total = models.IntegerField("總分", null=True, blank=True)
    band = models.CharField("結果", max_length=20)
    label = models.CharField("結果說明", max_length=100)
    risk = models.CharField("風險", max_length=10, choices=RiskLevel.choices)
    result = models.JSONField("結果明細", default=dict)
    assessed_at = models.DateTimeField("評估時間")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="評估人"
    )
    recorded_at = models.DateTimeField("登打時間")
    idempotency_key = models.CharField(max_length=200, blank=True, editable=False)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = "評估"
        verbose_name_plural = "評估"
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
    VISIT = "visit", "訪視"
    BSRS5 = "bsrs5", "BSRS-5 施測"


class FollowUpRule(models.Model):
    """How often a route's cases are visited (or re-tested) at each risk level (DOMAIN §5, editable)."""

    route = models.CharField("服務路徑", max_length=10)
    risk_level = models.CharField(
        "風險等級", max_length=10, choices=RiskLevel.choices, blank=True, help_text="空白：不分等級"
    )
    task = models.CharField("工作", max_length=10, choices=FollowUpTask.choices, default=FollowUpTask.VISIT)
    interval_days = models.PositiveSmallIntegerField("間隔（日）")
    note = models.CharField("依據", max_length=200, blank=True)

    class Meta:
        verbose_name = "追蹤頻率"
        verbose_name_plural = "追蹤頻率"
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
    GOALS_MET = "goals_met", "服務目標達成"
    MOVED = "moved", "遷出轄區"
    DIED = "died", "死亡"
    REFUSED = "refused", "拒絕服務"
    TRANSFERRED = "transferred", "轉介或移轉"
    OTHER = "other", "其他"


class Closure(models.Model):
    """A worker's request to close a case and the supervisor's decision on it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="closures", verbose_name="個案")
    reason = models.CharField("結案原因", max_length=20, choices=ClosureReason.choices)
    checklist = models.JSONField("檢核項目", default=list)
    summary = EncryptedTextField("結案摘要", blank=True)
    open_clocks_reason = models.CharField("未完成時限說明", max_length=300, blank=True)
    previous_status = models.CharField(max_length=20, choices=CASE_STATUS_LABELS.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申請人"
    )
    requested_at = models.DateTimeField("申請時間")
    approved = models.BooleanField("核准", null=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="審核督導",
    )
    decided_at = models.DateTimeField("審核時間", null=True, blank=True)
    decision_note = models.CharField("審核意見", max_length=300, blank=True)

    class Meta:
        verbose_name = "結案申請"
        verbose_name_plural = "結案申請"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_reason_display()}"


class Transfer(models.Model):
    """A case handed to another unit (of this or another county), which accepts or declines it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers", verbose_name="個案")
    from_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="移出單位"
    )
    to_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="incoming_transfers", verbose_name="移入單位"
    )
    reason = models.CharField("移轉原因", max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申請時間")
    accepted = models.BooleanField("接受", null=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("回覆時間", null=True, blank=True)
    decision_note = models.CharField("回覆說明", max_length=300, blank=True)

    class Meta:
        verbose_name = "移轉"
        verbose_name_plural = "移轉"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_unit}"


class SupervisionKind(models.TextChoices):
    INTERNAL = "internal", "內督"
    EXTERNAL = "external", "外督"


class SupervisionSession(models.Model):
    """A supervision session (督導) of a unit: who attended and which cases were discussed."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="supervisions", verbose_name="單位"
    )
    kind = models.CharField("類別", max_length=10, choices=SupervisionKind.choices)
    held_on = models.DateField("日期")
    minutes = models.PositiveSmallIntegerField("時長（分）", null=True, blank=True)
    supervisor_name = models.CharField("督導者", max_length=60)
    attendees = models.ManyToManyField("org.Staff", related_name="supervisions", verbose_name="出席人員")
    cases = models.ManyToManyField(Case, through="SupervisionCase", related_name="supervisions")
    notes = EncryptedTextField("紀錄", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登打時間")

    class Meta:
        verbose_name = "督導紀錄"
        verbose_name_plural = "督導紀錄"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class SupervisionCase(models.Model):
    session = models.ForeignKey(SupervisionSession, on_delete=models.PROTECT, related_name="case_notes")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="supervision_notes")
    note = EncryptedTextField("督導意見", blank=True)

    class Meta:
        verbose_name = "個案督導意見"
        verbose_name_plural = "個案督導意見"
        constraints = [models.UniqueConstraint(fields=["session", "case"], name="supervision_case_once")]

    def __str__(self) -> str:
        return f"{self.session} · {self.case}"


class RiskMeeting(models.Model):
    """The monthly high-risk IPV network meeting (高危機網絡會議) of a county."""

    area = models.ForeignKey("geo.County", on_delete=models.PROTECT, related_name="+", verbose_name="縣市")
    held_on = models.DateField("日期")
    title = models.CharField("會議名稱", max_length=100)
    attendees = models.TextField("出席單位", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登打時間")

    class Meta:
        verbose_name = "高危機網絡會議"
        verbose_name_plural = "高危機網絡會議"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title} {self.held_on}"


class MeetingDecision(models.TextChoices):
    KEEP = "keep", "持續列管"
    DELIST = "delist", "解除列管"


class RiskMeetingCase(models.Model):
    meeting = models.ForeignKey(RiskMeeting, on_delete=models.PROTECT, related_name="decisions")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="meeting_decisions")
    decision = models.CharField("決議", max_length=10, choices=MeetingDecision.choices)
    note = EncryptedTextField("決議內容", blank=True)

    class Meta:
        verbose_name = "會議決議"
        verbose_name_plural = "會議決議"
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="meeting_case_once")]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.case} {self.decision}"
