"""Approved positions (編制/核定) and how many are filled on a given day.

A `Position` is one line of the staffing plan (unit, role, funding); its approved head count is set
per plan year (`PositionYear`). Staff fill a line through `Staff.position`, so the filled count on any
day is the number of its staff employed on that day.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safetynet.geo.models import County
from safetynet.org.models import Role, Unit


class Funding(models.TextChoices):
    CENTRAL = "central", _("Central subsidy")
    LOCAL = "local", _("Local funds")
    LOTTERY = "lottery", _("Lottery surplus")
    OUTSOURCED = "outsourced", _("Outsourced")


class PositionQuerySet(models.QuerySet["Position"]):
    def with_filled(self, day: datetime.date) -> PositionQuerySet:
        employed = Q(staff__hired_on__lte=day) & (Q(staff__left_on__isnull=True) | Q(staff__left_on__gte=day))
        return self.annotate(filled=Count("staff", filter=employed, distinct=True))


class Position(models.Model):
    area = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="positions", verbose_name=_("county")
    )
    strategy = models.PositiveSmallIntegerField(_("strategy"), null=True, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="positions", verbose_name=_("unit"))
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="positions", verbose_name=_("role"))
    category = models.CharField(_("line of work"), max_length=40, blank=True)
    funding = models.CharField(_("funding source"), max_length=20, choices=Funding.choices)
    central_share = models.DecimalField(
        _("central subsidy share"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "For a centrally subsidised position: the share of the personnel cost the central government pays."
        ),
    )

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("staffing line")
        verbose_name_plural = _("staffing lines")
        ordering = ["area_id", "strategy", "unit_id", "role_id", "id"]

    def __str__(self) -> str:
        label = f"{self.unit} {self.role}"
        return f"{label}（{self.category}）" if self.category else label


class PositionYear(models.Model):
    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="years", verbose_name=_("staffing line")
    )
    plan_year = models.PositiveSmallIntegerField(_("plan year (ROC)"))
    approved = models.PositiveSmallIntegerField(_("approved head count"))
    monthly_cost = models.PositiveIntegerField(_("monthly personnel cost per person"), null=True, blank=True)
    reported_filled = models.PositiveSmallIntegerField(
        _("reported filled count"),
        null=True,
        blank=True,
        help_text=_("The filled count as imported; used while the line has no staff records."),
    )

    class Meta:
        verbose_name = _("yearly approved head count")
        verbose_name_plural = _("yearly approved head counts")
        ordering = ["plan_year"]
        constraints = [
            models.UniqueConstraint(fields=["position", "plan_year"], name="position_year_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.position} {self.plan_year}: {self.approved}"


class PlanPhase(models.Model):
    """A phase of the national plan (社安網第二期 110-114, 社安網 2.0 115-119) and the rules it sets.

    The hire-rate rule, the deduction and the months budgeted per person are the phase's, as data:
    a later phase may change them without a code change.
    """

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    first_year = models.PositiveSmallIntegerField(_("first year (ROC)"))
    last_year = models.PositiveSmallIntegerField(_("last year (ROC)"))
    hire_threshold = models.DecimalField(
        _("hire rate threshold"), max_digits=5, decimal_places=4, default=Decimal("0.85")
    )
    deduction_rate = models.DecimalField(
        _("deduction rate below the threshold"), max_digits=5, decimal_places=4, default=Decimal("0.10")
    )
    months_per_person = models.DecimalField(
        _("months budgeted per person"), max_digits=4, decimal_places=1, default=Decimal("13.5")
    )
    checkpoint_month = models.PositiveSmallIntegerField(_("checkpoint month"), default=12)
    checkpoint_day = models.PositiveSmallIntegerField(_("checkpoint day"), default=31)

    class Meta:
        verbose_name = _("plan phase")
        verbose_name_plural = _("plan phases")
        ordering = ["first_year"]

    def __str__(self) -> str:
        return f"{self.name}（{self.first_year}-{self.last_year}）"

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


class Strategy(models.Model):
    phase = models.ForeignKey(PlanPhase, on_delete=models.CASCADE, related_name="strategies")
    number = models.PositiveSmallIntegerField(_("strategy"))
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        ordering = ["phase_id", "number"]
        constraints = [models.UniqueConstraint(fields=["phase", "number"], name="strategy_unique")]

    def __str__(self) -> str:
        return gettext("Strategy %(number)s %(name)s") % {"number": self.number, "name": self.name}


class Checkpoint(models.Model):
    """The day an area's staffing of a plan year is checked, where it is not the phase's default."""

    area = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    plan_year = models.PositiveSmallIntegerField(_("plan year (ROC)"))
    on = models.DateField(_("checkpoint date"))
    source = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("checkpoint date")
        verbose_name_plural = _("checkpoint dates")
        constraints = [models.UniqueConstraint(fields=["area", "plan_year"], name="checkpoint_unique")]

    def __str__(self) -> str:
        return f"{self.area} {self.plan_year}: {self.on}"


class Vacancy(models.Model):
    """Seats of a staffing line being recruited: announced, interviewed, expected and filled dates."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="vacancies")
    plan_year = models.PositiveSmallIntegerField(_("plan year (ROC)"))
    seats = models.PositiveSmallIntegerField(_("vacant seats"), default=1)
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    interview_on = models.DateField(_("interview date"), null=True, blank=True)
    expected_on = models.DateField(_("expected start date"), null=True, blank=True)
    filled_on = models.DateField(_("filled on"), null=True, blank=True)
    note = models.CharField(_("remarks"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["plan_year", "expected_on", "id"]

    def __str__(self) -> str:
        return gettext("%(position)s %(year)s: %(seats)s vacant") % {
            "position": self.position,
            "year": self.plan_year,
            "seats": self.seats,
        }


class Programme(models.Model):
    """A budget programme of the plan (心衛社工, 處遇社工, 社區心衛中心, 關訪員, 藥癮個管 …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    cap_unit = models.CharField(
        _("unit of the cap"), max_length=20, blank=True, help_text=_("For example: center, person")
    )

    class Meta:
        verbose_name = _("budget programme")
        verbose_name_plural = _("budget programmes")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class BudgetLine(models.Model):
    """One programme's money for an area and plan year, against the cap of the approved plan (核定本).

    The cap is a fixed amount (≤ 130萬), or an amount per unit (65萬5,000 per center, 55萬 per case
    manager) times the number of units; the gap is what the central business cost asks beyond it.
    """

    area = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    plan_year = models.PositiveSmallIntegerField(_("plan year (ROC)"))
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="lines")
    central_share = models.DecimalField(
        _("central subsidy share"), max_digits=5, decimal_places=4, default=Decimal("0.70")
    )
    central_business = models.PositiveBigIntegerField(_("central subsidy for business costs"), default=0)
    central_personnel = models.PositiveBigIntegerField(_("central subsidy for personnel costs"), default=0)
    local_share = models.PositiveBigIntegerField(_("local matching funds"), default=0)
    spent = models.PositiveBigIntegerField(_("spent"), default=0)
    cap_fixed = models.PositiveBigIntegerField(_("approved plan cap (fixed)"), null=True, blank=True)
    cap_per_unit = models.PositiveBigIntegerField(_("approved plan cap (per unit)"), null=True, blank=True)
    cap_units = models.PositiveSmallIntegerField(_("number of units"), null=True, blank=True)
    cap_personnel = models.PositiveBigIntegerField(_("approved plan personnel cost"), null=True, blank=True)
    note = models.CharField(_("remarks"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["area_id", "plan_year", "programme_id"]
        constraints = [
            models.UniqueConstraint(fields=["area", "plan_year", "programme"], name="budget_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.plan_year} {self.programme}"


class Milestone(models.Model):
    """A target of the plan beyond head counts (心衛中心 1 → 3, 130 staff by 114, 追輔涵蓋率 90%).

    `measure` says where the actual comes from: `units:<kind>` counts the area's active units of
    that kind, `staff:<strategy>` the staff employed on the plan's staffing lines of that strategy
    at the year's checkpoint, `indicator:<CODE>` the indicator engine's value; blank means the
    actual is entered by hand (`actual`).
    """

    phase = models.ForeignKey(PlanPhase, on_delete=models.CASCADE, related_name="milestones")
    area = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    plan_year = models.PositiveSmallIntegerField(_("plan year (ROC)"))
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=10, default="count", help_text=_("count or percent"))
    measure = models.CharField(_("source of the actual value"), max_length=60, blank=True)
    actual = models.DecimalField(
        _("actual value (entered by hand)"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    source = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("plan milestone")
        verbose_name_plural = _("plan milestones")
        ordering = ["area_id", "code", "plan_year"]
        constraints = [models.UniqueConstraint(fields=["area", "code", "plan_year"], name="milestone_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.plan_year}"


class Course(models.Model):
    """A required course: hours, for which roles, within how many days of hire or each year."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    hours = models.DecimalField(_("number of hours"), max_digits=5, decimal_places=1)
    roles = models.ManyToManyField(Role, related_name="courses", verbose_name=_("for roles"))
    within_days_of_hire = models.PositiveSmallIntegerField(_("within days of hire"), null=True, blank=True)
    yearly = models.BooleanField(_("yearly"), default=False)
    source = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("required course")
        verbose_name_plural = _("required courses")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class TrainingRecord(models.Model):
    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="training")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField(_("completed on"))
    hours = models.DecimalField(_("number of hours"), max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["completed_on", "id"]

    def __str__(self) -> str:
        return f"{self.staff} {self.course} {self.completed_on}"


class TrainingSession(models.Model):
    """A training session the area held (seed 001: 6 場), with how many attended."""

    area = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    held_on = models.DateField(_("date"))
    title = models.CharField(_("name"), max_length=120)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    hours = models.DecimalField(_("number of hours"), max_digits=5, decimal_places=1)
    attendees = models.PositiveIntegerField(_("number of attendees"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"
