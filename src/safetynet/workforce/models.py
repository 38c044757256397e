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

from safetynet.geo.models import County
from safetynet.org.models import Role, Unit


class Funding(models.TextChoices):
    CENTRAL = "central", "中央補助"
    LOCAL = "local", "地方自籌"
    LOTTERY = "lottery", "公益彩券盈餘"
    OUTSOURCED = "outsourced", "委外"


class PositionQuerySet(models.QuerySet["Position"]):
    def with_filled(self, day: datetime.date) -> PositionQuerySet:
        employed = Q(staff__hired_on__lte=day) & (Q(staff__left_on__isnull=True) | Q(staff__left_on__gte=day))
        return self.annotate(filled=Count("staff", filter=employed, distinct=True))


class Position(models.Model):
    area = models.ForeignKey(County, on_delete=models.PROTECT, related_name="positions", verbose_name="縣市")
    strategy = models.PositiveSmallIntegerField("策略", null=True, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="positions", verbose_name="單位")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="positions", verbose_name="角色")
    category = models.CharField("業務別", max_length=40, blank=True)
    funding = models.CharField("經費來源", max_length=20, choices=Funding.choices)
    central_share = models.DecimalField(
        "中央補助比率",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="中央補助的員額：人事費由中央負擔的比率",
    )

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = "員額"
        verbose_name_plural = "員額"
        ordering = ["area_id", "strategy", "unit_id", "role_id", "id"]

    def __str__(self) -> str:
        label = f"{self.unit} {self.role}"
        return f"{label}（{self.category}）" if self.category else label


class PositionYear(models.Model):
    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="years", verbose_name="員額"
    )
    plan_year = models.PositiveSmallIntegerField("計畫年度(民國)")
    approved = models.PositiveSmallIntegerField("核定員額")
    monthly_cost = models.PositiveIntegerField("每人月支人事費", null=True, blank=True)
    reported_filled = models.PositiveSmallIntegerField(
        "填報到位人數", null=True, blank=True, help_text="匯入的到位人數；員額尚無人員資料時採用"
    )

    class Meta:
        verbose_name = "年度核定員額"
        verbose_name_plural = "年度核定員額"
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

    code = models.SlugField("代碼", max_length=20, unique=True)
    name = models.CharField("名稱", max_length=60)
    first_year = models.PositiveSmallIntegerField("起始年度(民國)")
    last_year = models.PositiveSmallIntegerField("結束年度(民國)")
    hire_threshold = models.DecimalField(
        "進用率門檻", max_digits=5, decimal_places=4, default=Decimal("0.85")
    )
    deduction_rate = models.DecimalField(
        "未達門檻扣減比率", max_digits=5, decimal_places=4, default=Decimal("0.10")
    )
    months_per_person = models.DecimalField(
        "每人編列月數", max_digits=4, decimal_places=1, default=Decimal("13.5")
    )
    checkpoint_month = models.PositiveSmallIntegerField("查核月", default=12)
    checkpoint_day = models.PositiveSmallIntegerField("查核日", default=31)

    class Meta:
        verbose_name = "計畫期程"
        verbose_name_plural = "計畫期程"
        ordering = ["first_year"]

    def __str__(self) -> str:
        return f"{self.name}（{self.first_year}-{self.last_year}）"

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


class Strategy(models.Model):
    phase = models.ForeignKey(PlanPhase, on_delete=models.CASCADE, related_name="strategies")
    number = models.PositiveSmallIntegerField("策略")
    name = models.CharField("名稱", max_length=120)

    class Meta:
        verbose_name = "策略"
        verbose_name_plural = "策略"
        ordering = ["phase_id", "number"]
        constraints = [models.UniqueConstraint(fields=["phase", "number"], name="strategy_unique")]

    def __str__(self) -> str:
        return f"策略{self.number} {self.name}"


class Checkpoint(models.Model):
    """The day an area's staffing of a plan year is checked, where it is not the phase's default."""

    area = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name="縣市")
    plan_year = models.PositiveSmallIntegerField("計畫年度(民國)")
    on = models.DateField("查核基準日")
    source = models.CharField("依據", max_length=200, blank=True)

    class Meta:
        verbose_name = "查核基準日"
        verbose_name_plural = "查核基準日"
        constraints = [models.UniqueConstraint(fields=["area", "plan_year"], name="checkpoint_unique")]

    def __str__(self) -> str:
        return f"{self.area} {self.plan_year}: {self.on}"


class Vacancy(models.Model):
    """Seats of a staffing line being recruited: announced, interviewed, expected and filled dates."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="vacancies")
    plan_year = models.PositiveSmallIntegerField("計畫年度(民國)")
    seats = models.PositiveSmallIntegerField("缺額", default=1)
    announced_on = models.DateField("公告日", null=True, blank=True)
    interview_on = models.DateField("甄選日", null=True, blank=True)
    expected_on = models.DateField("預計到職日", null=True, blank=True)
    filled_on = models.DateField("補實日", null=True, blank=True)
    note = models.CharField("說明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField("登打時間")

    class Meta:
        verbose_name = "缺額"
        verbose_name_plural = "缺額"
        ordering = ["plan_year", "expected_on", "id"]

    def __str__(self) -> str:
        return f"{self.position} {self.plan_year} 缺額 {self.seats}"


class Programme(models.Model):
    """A budget programme of the plan (心衛社工, 處遇社工, 社區心衛中心, 關訪員, 藥癮個管 …)."""

    code = models.SlugField("代碼", max_length=40, unique=True)
    name = models.CharField("名稱", max_length=60)
    cap_unit = models.CharField("上限計算單位", max_length=20, blank=True, help_text="例如：中心、人")

    class Meta:
        verbose_name = "經費項目"
        verbose_name_plural = "經費項目"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class BudgetLine(models.Model):
    """One programme's money for an area and plan year, against the cap of the approved plan (核定本).

    The cap is a fixed amount (≤ 130萬), or an amount per unit (65萬5,000 per center, 55萬 per case
    manager) times the number of units; the gap is what the central business cost asks beyond it.
    """

    area = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name="縣市")
    plan_year = models.PositiveSmallIntegerField("計畫年度(民國)")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="lines")
    central_share = models.DecimalField(
        "中央補助比率", max_digits=5, decimal_places=4, default=Decimal("0.70")
    )
    central_business = models.PositiveBigIntegerField("中央補助業務費", default=0)
    central_personnel = models.PositiveBigIntegerField("中央補助人事費", default=0)
    local_share = models.PositiveBigIntegerField("地方配合款", default=0)
    spent = models.PositiveBigIntegerField("已執行", default=0)
    cap_fixed = models.PositiveBigIntegerField("核定本上限(定額)", null=True, blank=True)
    cap_per_unit = models.PositiveBigIntegerField("核定本上限(每單位)", null=True, blank=True)
    cap_units = models.PositiveSmallIntegerField("單位數", null=True, blank=True)
    cap_personnel = models.PositiveBigIntegerField("核定本人事費", null=True, blank=True)
    note = models.CharField("說明", max_length=300, blank=True)

    class Meta:
        verbose_name = "經費"
        verbose_name_plural = "經費"
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
    area = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name="縣市")
    code = models.SlugField("代碼", max_length=40)
    name = models.CharField("名稱", max_length=120)
    plan_year = models.PositiveSmallIntegerField("計畫年度(民國)")
    target = models.DecimalField("目標值", max_digits=12, decimal_places=4)
    unit = models.CharField("單位", max_length=10, default="count", help_text="count 或 percent")
    measure = models.CharField("實際值來源", max_length=60, blank=True)
    actual = models.DecimalField("實際值(人工填報)", max_digits=12, decimal_places=4, null=True, blank=True)
    source = models.CharField("依據", max_length=200, blank=True)

    class Meta:
        verbose_name = "計畫里程碑"
        verbose_name_plural = "計畫里程碑"
        ordering = ["area_id", "code", "plan_year"]
        constraints = [models.UniqueConstraint(fields=["area", "code", "plan_year"], name="milestone_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.plan_year}"


class Course(models.Model):
    """A required course: hours, for which roles, within how many days of hire or each year."""

    code = models.SlugField("代碼", max_length=40, unique=True)
    name = models.CharField("名稱", max_length=120)
    hours = models.DecimalField("時數", max_digits=5, decimal_places=1)
    roles = models.ManyToManyField(Role, related_name="courses", verbose_name="適用角色")
    within_days_of_hire = models.PositiveSmallIntegerField("到職後幾日內", null=True, blank=True)
    yearly = models.BooleanField("每年", default=False)
    source = models.CharField("依據", max_length=200, blank=True)

    class Meta:
        verbose_name = "必修課程"
        verbose_name_plural = "必修課程"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class TrainingRecord(models.Model):
    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="training")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField("完成日")
    hours = models.DecimalField("時數", max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField("登打時間")

    class Meta:
        verbose_name = "訓練紀錄"
        verbose_name_plural = "訓練紀錄"
        ordering = ["completed_on", "id"]

    def __str__(self) -> str:
        return f"{self.staff} {self.course} {self.completed_on}"


class TrainingSession(models.Model):
    """A training session the area held (seed 001: 6 場), with how many attended."""

    area = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name="縣市")
    held_on = models.DateField("日期")
    title = models.CharField("名稱", max_length=120)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    hours = models.DecimalField("時數", max_digits=5, decimal_places=1)
    attendees = models.PositiveIntegerField("參訓人數", default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField("登打時間")

    class Meta:
        verbose_name = "教育訓練場次"
        verbose_name_plural = "教育訓練場次"
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"
