"""Required training: who had to take each course in a period, who did, and the sessions held.

A course applies to staff in its roles who were employed at some time in the period:
- an initial course (`within_days_of_hire`, not yearly) is required of staff hired in the period whose
  deadline (hire + N days) falls in it, and of those hired in it who already took it; it is completed
  when the hours of that course recorded within N days of hire reach the course's hours;
- a yearly course is required of every such staff member, and completed when the hours recorded in
  the period reach the course's hours (8 h of advanced training a year for suicide-prevention staff).
A staff member counts as completed overall when every course required of them is completed: that
is the TRAINING_RATE indicator (`training_rate`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from safetynet.domain.staffing import hire_rate
from safetynet.org.models import Staff
from safetynet.workforce.models import Course, TrainingRecord, TrainingSession


@dataclass
class CourseCount:
    course: Course
    required: int
    completed: int

    @property
    def rate(self) -> Decimal | None:
        return hire_rate(self.completed, self.required)


@dataclass
class TrainingReport:
    area_code: str
    start: datetime.date
    end: datetime.date
    courses: list[CourseCount]
    required: int  # staff of whom any course was required
    completed: int  # of them, staff who completed every course required of them
    sessions: list[TrainingSession]

    @property
    def rate(self) -> Decimal | None:
        return hire_rate(self.completed, self.required)

    @property
    def attendees(self) -> int:
        return sum(s.attendees for s in self.sessions)


# One staff member's training as (course id, completed on, hours): read as plain rows, since a
# county-year holds thousands of them.
Record = tuple[int, datetime.date, Decimal]


def _hours(records: list[Record], course: Course, first: datetime.date, last: datetime.date) -> Decimal:
    return sum(
        (hours for course_id, on, hours in records if course_id == course.pk and first <= on <= last),
        Decimal(0),
    )


def _status(staff: Staff, course: Course, start: datetime.date, end: datetime.date) -> tuple[bool, bool]:
    """(required, completed) of one course for one staff member in the period."""
    records: list[Record] = staff.period_training  # type: ignore[attr-defined]
    if course.yearly or course.within_days_of_hire is None:
        return True, _hours(records, course, start, end) >= course.hours
    if not start <= staff.hired_on <= end:
        return False, False
    deadline = staff.hired_on + datetime.timedelta(days=course.within_days_of_hire)
    done = _hours(records, course, staff.hired_on, min(deadline, end)) >= course.hours
    return done or deadline <= end, done


def training_report(area_code: str, start: datetime.date, end: datetime.date) -> TrainingReport:
    courses = list(Course.objects.prefetch_related("roles"))
    roles = {role.pk for course in courses for role in course.roles.all()}
    employed = Staff.objects.filter(unit__county_id=area_code, role_id__in=roles, hired_on__lte=end).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=start)
    )
    staff = list(employed)
    records: dict[int, list[Record]] = defaultdict(list)
    for staff_id, course_id, on, hours in TrainingRecord.objects.filter(
        staff__in=employed.values("pk"), completed_on__lte=end
    ).values_list("staff_id", "course_id", "completed_on", "hours"):
        records[staff_id].append((course_id, on, hours))
    for member in staff:
        member.period_training = records[member.pk]  # type: ignore[attr-defined]
    counts = {course.pk: CourseCount(course, 0, 0) for course in courses}
    required = completed = 0
    for member in staff:
        owed = done = 0
        for course in courses:
            if member.role_id not in {r.pk for r in course.roles.all()}:
                continue
            needs, finished = _status(member, course, start, end)
            if needs:
                owed += 1
                counts[course.pk].required += 1
                if finished:
                    done += 1
                    counts[course.pk].completed += 1
        if owed:
            required += 1
            if owed == done:
                completed += 1
    sessions = list(
        TrainingSession.objects.filter(
            area_id=area_code, held_on__gte=start, held_on__lte=end
        ).select_related("course")
    )
    return TrainingReport(area_code, start, end, list(counts.values()), required, completed, sessions)


def training_rate(area_code: str, start: datetime.date, end: datetime.date) -> tuple[int, int]:
    """(staff who completed every required course, staff required to take one) in the period."""
    report = training_report(area_code, start, end)
    return report.completed, report.required
