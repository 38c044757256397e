"""The demo's flow of reports: received, screened and dispatched through the services, year by year.

Reads the demo county the session's conftest loads (seed 7, scale 0.03), whose reports come in up to
the last day of 114 and whose case work runs on to the start of the day it was built.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from pathlib import Path

import pytest
from django.utils import timezone

from safetynet.cases.models import Case, CaseReport, Clock, CoCase
from safetynet.demo.casework import FIRST_VISIT_CLOCKS
from safetynet.demo.reports import DATA, FlowDataError, load_flow
from safetynet.domain.casestatus import CaseStatus
from safetynet.domain.clocks import ClockState
from safetynet.domain.triage import default_rule_set
from safetynet.intake.models import Dispatch, DispatchOutcome, Report, ReportSubject, Screening
from safetynet.org.models import Staff
from tests.demo.helpers import demo_end

pytestmark = pytest.mark.django_db

YEARS = range(110, 115)
COUNTIES = ("10010", "10020")


def test_it_receives_reports_in_every_plan_year_in_both_counties() -> None:
    for area in COUNTIES:
        years = Counter(
            timezone.localtime(moment).year - 1911
            for moment in Report.objects.filter(area_id=area).values_list("received_at", flat=True)
        )
        assert all(years[year] > 0 for year in YEARS), (area, years)
    ours = Counter(Report.objects.values_list("area_id", flat=True))
    assert ours["10010"] > ours["10020"]  # 嘉義縣 receives more than 嘉義市


def test_every_report_but_the_last_days_few_is_screened_most_within_the_day() -> None:
    end = demo_end()
    waiting = Report.objects.filter(screening__isnull=True)
    assert 1 <= waiting.count() <= 12
    # The last day's, and one the desk has let run past its 24-hour clock (see `demo.workday`).
    assert all(r.received_at < end and end - r.received_at < datetime.timedelta(hours=30) for r in waiting)
    screenings = list(Screening.objects.select_related("report"))
    late = [s for s in screenings if s.decided_at > s.report.screening_due]
    assert all(s.decided_at >= s.report.received_at for s in screenings)
    assert len(late) <= 0.1 * len(screenings)
    overridden = [s for s in screenings if s.overridden]
    assert all(s.reason for s in overridden) and len(overridden) <= 0.1 * len(screenings)


def test_dispatches_link_each_case_to_its_reports() -> None:
    opened = Dispatch.objects.filter(outcome__in=[DispatchOutcome.ASSIGNED, DispatchOutcome.QUEUED])
    assert opened.exists()
    for dispatch in opened.select_related("screening", "case"):
        assert dispatch.case is not None and dispatch.case.route == dispatch.route
        link = CaseReport.objects.get(case=dispatch.case, report_id=dispatch.screening.report_id)
        assert not link.re_report
    for dispatch in Dispatch.objects.filter(outcome=DispatchOutcome.RE_REPORT).select_related("screening"):
        assert CaseReport.objects.get(case=dispatch.case, report_id=dispatch.screening.report_id).re_report


def test_the_same_families_come_back_as_re_reports_and_co_cases() -> None:
    assert CaseReport.objects.filter(re_report=True).exists()
    cocase = CoCase.objects.first()
    assert cocase is not None
    routes = set(Case.objects.filter(cocase=cocase).values_list("route", flat=True))
    assert len(routes) >= 2
    # Mostly persons on record, found by their national ID.
    matched = Counter(ReportSubject.objects.values_list("matched_by", flat=True))
    assert matched["national_id"] > matched["new"]


def test_report_types_roughly_follow_the_data_file() -> None:
    expected = load_flow().types
    total = sum(expected.values())
    seen = Counter(s.types[0] for s in ReportSubject.objects.filter(ref="s1"))
    count = sum(seen.values())
    for code, share in expected.items():
        p = share / total
        if p >= 0.12:  # the large types; the small ones are too few at this scale
            # A hundred-odd reports at this scale: allow four standard deviations of a binomial draw.
            assert abs(seen[code] / count - p) <= 4 * math.sqrt(p * (1 - p) / count), (code, seen)
    sources = Counter(Report.objects.values_list("source", flat=True))
    assert (sources["POLICE"] + sources["MEDICAL"]) / count >= 0.3


def test_cases_move_through_their_lifecycle_and_most_clocks_are_met_on_time() -> None:
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert statuses[CaseStatus.CLOSED] and statuses[CaseStatus.NOT_OPENED]
    assert statuses[CaseStatus.SERVING] + statuses[CaseStatus.ASSESSING] > 0
    assert not Case.objects.filter(status=CaseStatus.CLOSED, closed_at__isnull=True).exists()
    end = demo_end()
    # The first visits the law or the rule set asks for, and the visits of each case's plan, due by now;
    # a clock cancelled when its case closed or its plan moved asks for nothing any more.
    asked = Clock.objects.filter(
        case__isnull=False, name__in=[*FIRST_VISIT_CLOCKS, "visit"], due_at__lt=end, cancelled_at__isnull=True
    )
    states = Counter(c.state(end) for c in asked)
    assert states[ClockState.MET_ON_TIME] > 0.7 * sum(states.values()), states
    assert states[ClockState.MET_LATE] > 0 and states[ClockState.OVERDUE] > 0, states
    for clock in Clock.objects.filter(case__isnull=False, met_at__isnull=False):
        assert clock.met_at is not None and clock.met_at >= clock.starts_at


def test_the_demo_accounts_have_work_waiting(as_user) -> None:  # type: ignore[no-untyped-def]
    worker = Staff.objects.get(user__username="worker")
    assert Case.objects.open().filter(lead=worker).count() >= 3
    unmet = Clock.objects.filter(case__lead=worker, met_at__isnull=True)
    end = demo_end()
    assert {c.state(end) for c in unmet} >= {ClockState.OVERDUE, ClockState.DUE}
    assert Case.objects.filter(unit=worker.unit, status=CaseStatus.PENDING).count() >= 2
    queue = as_user("screener").get("/intake/queue/")
    assert len(queue.context["rows"]) >= 1
    waiting = as_user("supervisor").get("/cases/queue/")
    assert len(waiting.context["waiting"]) >= 2


# --- the data file --------------------------------------------------------------------------------


def test_the_data_file_gives_shares_that_add_up_and_known_codes() -> None:
    flow = load_flow(DATA)
    codes = default_rule_set().codes
    assert sum(flow.types.values()) == pytest.approx(100)
    for code, sources in flow.sources.items():
        assert code in codes.types and sum(sources.values()) == pytest.approx(100), code
    assert set(flow.routes) <= set(codes.routes)
    for area in COUNTIES:
        volumes = [flow.volumes[(area, year)] for year in YEARS]
        assert volumes == sorted(volumes)  # modest growth year to year


def test_a_bad_line_of_the_data_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "report_flow.csv"
    path.write_text("# a comment\nsection,area,year,code,item,value\ntype,,,IPV,,30\ntype,,,XX,,5\n")
    with pytest.raises(FlowDataError, match="line 4"):
        load_flow(path)
