"""The plan around the staffing of the demo: personnel costs of the lines, the budget gap table, the
recruiting of 111's new seats, milestones and training, all through `safetynet.workforce.services`.

Seed 001 (嘉義市): the 業務費 vs 核定本 table of 策略三 (central 70%), 111's vacancies (「111年缺額已於
110年12月7日上網公告，12/16 面試甄選」) and 「辦理教育訓練6場次」 in 110. Seed 000 (嘉義縣): 心衛中心 1 (111),
2 (112-113), 3 (114); 130 strategy-3 staff by 114; 追輔涵蓋率 90%; 藥癮個管 25. The training records of
the suicide-prevention staff are invented (most complete their courses, a few do not).
"""

from __future__ import annotations

import csv
import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from safetynet.demo.staffing import year_end, year_start
from safetynet.domain import rocdate
from safetynet.geo.models import County
from safetynet.org.models import Staff
from safetynet.workforce import services
from safetynet.workforce.models import Course, Position, Programme

DATA = Path(__file__).resolve().parent / "data"
DAY = datetime.timedelta(days=1)

# Seed 001, 遭遇之困難與建議-策略三 (the 111 budget): 中央補助70% 業務費 against the 核定本 caps.
BUDGET_AREA, BUDGET_YEAR = "10020", 111
BUDGET_SOURCE = "seed 001: 業務費 中央補助70% vs 核定本(規劃金額)"
BUDGET = (
    ("mhsw", {"central_business": 58_000, "cap_fixed": 1_300_000}),
    ("tcsw", {"central_business": 537_000, "cap_fixed": 2_500_000}),
    (
        "community_mh_center",
        {"central_business": 800_000, "cap_per_unit": 655_000, "cap_units": 1, "cap_personnel": 1_520_000},
    ),
    ("care_visitor", {"central_business": 102_000, "cap_fixed": 5_400_000}),
    ("drug_case_manager", {"central_business": 617_000, "cap_per_unit": 550_000, "cap_units": 7}),
)

# Seed 001: 111's 26 new strategy-3 seats of 嘉義市 (「33人(26)」) were advertised on 110-12-07 and
# interviewed on 12/16. The expected start is INVENTED (the first working day of 111).
VACANCY_AREA, VACANCY_YEAR = "10020", 111
ANNOUNCED, INTERVIEW, EXPECTED = (
    rocdate.from_roc(110, 12, 7),
    rocdate.from_roc(110, 12, 16),
    rocdate.from_roc(111, 1, 3),
)
VACANCY_NOTE = "seed 001: 111年缺額已於110年12月7日上網公告，12/16 面試甄選"

# Seed 000 (嘉義縣), 策略三 and 策略四 plans: (code, name, unit, measure, {year: target}, source).
MILESTONE_AREA = "10010"
MILESTONES = (
    (
        "mhc_centers",
        "佈建社區心理衛生中心",
        "count",
        "units:mhc",
        {111: "1", 112: "2", 113: "2", 114: "3"},
        "seed 000: 111年佈建心理衛生中心1處、112-113年2處、114年3處",
    ),
    (
        "strategy3_staff",
        "策略三人力完聘",
        "count",
        "staff:3",
        {114: "130"},
        "seed 000: 114年完聘130名心衛、關訪員、藥癮個管、心理衛生中心人員社工、處遇協調社工",
    ),
    (
        "followup_coverage",
        "追輔涵蓋率",
        "percent",
        "indicator:FOLLOWUP_COVERAGE",
        {114: "0.90"},
        "seed 000: 追輔涵蓋率達90%",
    ),
    ("drug_case_managers", "藥癮個管聘用", "count", "", {114: "25"}, "seed 000: 策略四 聘用25人"),
)

# Seed 001: 「辦理教育訓練6場次」 in 110 (嘉義市). The titles, months, hours and attendance are INVENTED.
SESSION_AREA, SESSION_YEAR = "10020", 110
SESSIONS = (
    (3, "自殺防治守門人訓練", "3"),
    (5, "精神疾病個案危機處理", "3"),
    (6, "高風險自殺個案討論", "2"),
    (8, "加害人合併精神疾病處遇實務", "3"),
    (10, "藥癮個案追蹤輔導實務", "3"),
    (11, "心理衛生社工進階課程", "6"),
)

# Invented: shares of the suicide-prevention staff who complete their training.
INITIAL_DONE = 0.9
YEARLY_DONE = 0.88


@dataclass
class PlanSummary:
    budget_lines: int = 0
    vacancies: int = 0
    milestones: int = 0
    training_records: int = 0
    training_sessions: int = 0


def load_plan(rng: random.Random, *, years: tuple[int, int], today: datetime.date) -> PlanSummary:
    """Everything of the plan beyond positions and staff, for the demo years up to `today`."""
    summary = PlanSummary()
    first, last = years
    wanted = range(first, last + 1)
    counties = {c.code: c for c in County.objects.filter(code__in=(BUDGET_AREA, MILESTONE_AREA))}
    _set_costs(wanted)
    if BUDGET_YEAR in wanted:
        summary.budget_lines = _budget(counties[BUDGET_AREA])
    if VACANCY_YEAR in wanted and VACANCY_YEAR - 1 in wanted:  # new seats are counted against 110's
        summary.vacancies = _vacancies(today)
    summary.milestones = _milestones(counties[MILESTONE_AREA], wanted)
    summary.training_records = _training(rng, years, today)
    if SESSION_YEAR in wanted and year_end(SESSION_YEAR) <= today:
        summary.training_sessions = _sessions(rng, counties[SESSION_AREA], today)
    return summary


def _cost_rows() -> list[dict[str, str]]:
    with (DATA / "position_costs.csv").open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


def _set_costs(wanted: range) -> None:
    rows = _cost_rows()
    for position in Position.objects.select_related("unit", "role").prefetch_related("years"):
        facts = {
            "area": position.area_id,
            "unit": position.unit.name,
            "role": position.role.code,
            "category": position.category,
            "funding": position.funding,
        }
        matching = [r for r in rows if all(r[key] in ("", value) for key, value in facts.items())]
        cost = next((int(r["monthly_cost"]) for r in matching if r["monthly_cost"]), None)
        share = next((Decimal(r["central_share"]) for r in matching if r["central_share"]), None)
        services.set_position_costs(
            position,
            central_share=share,
            monthly_cost_by_year={y.plan_year: cost for y in position.years.all() if y.plan_year in wanted},
        )


def _budget(area: County) -> int:
    programmes = {p.code: p for p in Programme.objects.all()}
    for code, amounts in BUDGET:
        services.record_budget_line(
            area, BUDGET_YEAR, programmes[code], central_share=Decimal("0.70"), note=BUDGET_SOURCE, **amounts
        )
    return len(BUDGET)


def _vacancies(today: datetime.date) -> int:
    """One vacancy per 嘉義市 strategy-3 line with new seats in 111, filled when the last of them was taken."""
    count = 0
    lines = Position.objects.filter(area_id=VACANCY_AREA, strategy=3).prefetch_related("years").order_by("pk")
    for position in lines:
        approved = {y.plan_year: y.approved for y in position.years.all()}
        seats = approved.get(VACANCY_YEAR, 0) - approved.get(VACANCY_YEAR - 1, 0)
        if seats < 1:
            continue
        vacancy = services.record_vacancy(
            position,
            VACANCY_YEAR,
            seats=seats,
            announced_on=ANNOUNCED,
            interview_on=INTERVIEW,
            expected_on=EXPECTED,
            note=VACANCY_NOTE,
        )
        hires = sorted(
            Staff.objects.filter(position=position, hired_on__gte=year_start(VACANCY_YEAR)).values_list(
                "hired_on", flat=True
            )
        )
        if len(hires) >= seats and hires[seats - 1] <= today:
            services.fill_vacancy(vacancy, max(hires[seats - 1], ANNOUNCED), today=today)
        count += 1
    return count


def _milestones(area: County, wanted: range) -> int:
    count = 0
    for code, name, unit, measure, targets, source in MILESTONES:
        for year, target in targets.items():
            if year in wanted:
                services.record_milestone(
                    area,
                    code,
                    year,
                    name=name,
                    target=Decimal(target),
                    unit=unit,
                    measure=measure,
                    source=source,
                )
                count += 1
    return count


def _training(rng: random.Random, years: tuple[int, int], today: datetime.date) -> int:
    """The suicide-prevention staff's initial course after hire and advanced hours each year."""
    courses = list(Course.objects.prefetch_related("roles").order_by("pk"))
    roles = {role.pk for course in courses for role in course.roles.all()}
    first_day, last_day = year_start(years[0]), min(year_end(years[1]), today)
    count = 0
    for staff in Staff.objects.filter(role_id__in=roles).order_by("pk"):
        employed_until = min(staff.left_on or last_day, last_day)
        for course in courses:
            if staff.role_id not in {r.pk for r in course.roles.all()}:
                continue
            if course.yearly:
                for year in range(years[0], years[1] + 1):
                    start = max(staff.hired_on, year_start(year))
                    end = min(employed_until, year_end(year))
                    if start > end:
                        continue
                    draw = rng.random()
                    hours = (
                        course.hours if draw < YEARLY_DONE else (course.hours / 2 if draw < 0.95 else None)
                    )
                    if hours is not None:
                        day = start + DAY * rng.randint(0, (end - start).days)
                        services.record_training(staff, course, completed_on=day, hours=hours, today=today)
                        count += 1
            elif course.within_days_of_hire is not None and first_day <= staff.hired_on <= last_day:
                done = rng.random() < INITIAL_DONE
                if done:
                    latest = min(staff.hired_on + DAY * course.within_days_of_hire, employed_until)
                    day = staff.hired_on + DAY * rng.randint(0, (latest - staff.hired_on).days)
                    services.record_training(staff, course, completed_on=day, hours=course.hours, today=today)
                    count += 1
    return count


def _sessions(rng: random.Random, area: County, today: datetime.date) -> int:
    su_advanced = Course.objects.filter(code="su_advanced").first()
    for month, title, hours in SESSIONS:
        held_on = rocdate.from_roc(SESSION_YEAR, month, rng.randint(1, 28))
        services.record_training_session(
            area,
            held_on=held_on,
            title=title,
            hours=Decimal(hours),
            attendees=rng.randint(15, 40),
            course=su_advanced,
            today=today,
        )
    return len(SESSIONS)
