"""Every URL pattern against every persona: the expected status of each cell is declared here.

A view added without a row in MATRIX fails `test_it_declares_every_url_pattern`.
Statuses: 200 ok, 302 redirect (to login for anonymous), 400 nothing asked, 403 wrong role, 404 out of
scope, 405 method.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from safetynet.demo.generator import PERSONAS
from safetynet.org.models import Staff
from safetynet.people.models import HouseholdMember, Person

ANON = "anonymous"
ALL = [ANON, *(persona.username for persona in PERSONAS)]


def row(default: int, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    cells = {persona: default for persona in ALL}
    cells[ANON] = anonymous
    cells.update(overrides)
    return cells


PERSON_PAGES = row(200, manager=403, partner=403, reviewer=403, admin=403, otherunit=404)
PERSON_LIST = row(200, manager=403, partner=403, reviewer=403, admin=403)
PERSON_POST = row(302, manager=403, partner=403, reviewer=403, admin=403, otherunit=404)
# A form posted empty comes back with its errors (200), on the page it was sent from.
PERSON_FORM_POST = row(200, manager=403, partner=403, reviewer=403, admin=403, otherunit=404)


def worker_person() -> Person:
    member = (
        HouseholdMember.objects.filter(person__town_id="10010020", left_on__isnull=True)
        .order_by("pk")
        .first()
    )
    assert member is not None
    return member.person


def worker_member() -> HouseholdMember:
    return worker_person().memberships.get(left_on__isnull=True)


def worker_unit_pk() -> int:
    return Staff.objects.get(user__username="worker").unit_id


def account_pk(username: str) -> int:
    from django.contrib.auth import get_user_model

    return int(get_user_model().objects.get(username=username).pk)


RULE_PAGES = row(403, admin=200, manager=200)


def manager_export() -> dict[str, int]:
    """A finished export the manager asked for, with its file kept."""
    from django.contrib.auth import get_user_model

    from safetynet.reporting.models import ExportStatus, ReportExport
    from safetynet.reporting.services import stored_path

    export = ReportExport.objects.create(
        area_id="10010",
        year=110,
        format="xlsx",
        edition="public",
        referrals_from=107,
        referrals_to=109,
        requested_by=get_user_model().objects.get(username="manager"),
        status=ExportStatus.DONE,
        file_name="report.xlsx",
    )
    stored_path(export).parent.mkdir(parents=True, exist_ok=True)
    stored_path(export).write_bytes(b"PK")
    return {"pk": export.pk}


AGGREGATES = row(403, supervisor=200, manager=200, reviewer=200, admin=200)


def rule_set_draft() -> str:
    """A draft rule-set version to confirm publishing of (the test's transaction discards it)."""
    from safetynet.domain.triage import default_rule_set
    from safetynet.intake.services import draft_rule_set

    document = default_rule_set().to_dict()
    document["version"] = "matrix-draft"
    return draft_rule_set(document).version


def screened_report(town: str = "10010020", screen: bool = True):  # type: ignore[no-untyped-def]
    """A 朴子 report (the worker's unit, where the supervisor confirms dispatch), screened if asked."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from safetynet.intake.services import receive_report, screen_report

    screener = get_user_model().objects.get(username="screener")
    document = {
        "received_at": timezone.localtime().isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [{"ref": "c", "role": "child", "types": ["VF"], "town": town}],
    }
    report = receive_report(document, by=screener).report
    if screen:
        screen_report(report, by=screener)
    return report


def pending_case():  # type: ignore[no-untyped-def]
    return screened_report().case_links.get().case


def worker_case():  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    from safetynet.cases.services import assign_case

    case = pending_case()
    supervisor = get_user_model().objects.get(username="supervisor")
    return assign_case(case, Staff.objects.get(user__username="worker"), by=supervisor)


def waiting_closure():  # type: ignore[no-untyped-def]
    """A closure of the worker's case waiting for the supervisor."""
    from django.contrib.auth import get_user_model

    from safetynet.cases.services import request_closure

    worker = get_user_model().objects.get(username="worker")
    return request_closure(
        worker_case(), reason="goals_met", checklist=["plan_reviewed"], open_clocks_reason="測試", by=worker
    )


def incoming_transfer():  # type: ignore[no-untyped-def]
    """A case of the other unit (民雄) offered to the worker's unit, whose supervisor answers it."""
    from django.contrib.auth import get_user_model

    from safetynet.cases.services import request_transfer
    from safetynet.org.models import Unit

    case = screened_report(town="10010050").case_links.get().case
    screener = get_user_model().objects.get(username="screener")
    return request_transfer(case, to_unit=Unit.objects.get(pk=worker_unit_pk()), reason="遷居", by=screener)


def risk_meeting():  # type: ignore[no-untyped-def]
    """A 嘉義縣 network meeting that kept a listed IPV case (TIPVDA 9 at dispatch)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from safetynet.cases.services import Decision, record_risk_meeting
    from safetynet.intake.services import receive_report, screen_report

    screener = get_user_model().objects.get(username="screener")
    document = {
        "received_at": timezone.localtime().isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [{"ref": "v", "role": "victim", "types": ["IPV"], "town": "10010020", "tipvda_score": 9}],
    }
    report = receive_report(document, by=screener).report
    screen_report(report, by=screener)
    case = report.case_links.get(case__route="FPC").case
    manager = get_user_model().objects.get(username="manager")
    return record_risk_meeting(
        area="10010",
        held_on=timezone.localdate(),
        title="會議",
        decisions=[Decision(case, "keep")],
        by=manager,
    )


def worker_grant() -> dict[str, int]:
    """The worker's break-glass opening of a case of the other unit (民雄), waiting for review."""
    from django.contrib.auth import get_user_model

    from safetynet.audit.services import break_glass

    case = screened_report(town="10010050").case_links.get().case
    worker = get_user_model().objects.get(username="worker")
    return {"pk": break_glass(worker, case_id=case.pk, reason="夜間值班，主責社工聯絡不上").pk}


def worker_grant_request() -> dict[str, int]:
    """The worker's request to open a case again after the supervisor found their opening unjustified."""
    from django.contrib.auth import get_user_model

    from safetynet.audit.services import break_glass, review_grant

    case = screened_report(town="10010050").case_links.get().case
    worker = get_user_model().objects.get(username="worker")
    supervisor = get_user_model().objects.get(username="supervisor")
    first = break_glass(worker, case_id=case.pk, reason="夜間值班，主責社工聯絡不上")
    review_grant(first, justified=False, note="應先聯絡督導", by=supervisor)
    return {"pk": break_glass(worker, case_id=case.pk, reason="再次需要調閱，警方在現場等候").pk}


def demo_alert() -> dict[str, int]:
    """The alert the demo trips: a worker of the supervisor's team read too many strangers' records."""
    from safetynet.audit.models import Alert

    return {"pk": Alert.objects.get(rule__kind="unrelated_reads").pk}


def alert_rule() -> dict[str, int]:
    from safetynet.audit.models import AlertRule

    return {"pk": AlertRule.objects.get(kind="off_hours").pk}


def worker_record(kind: str) -> dict[str, int]:
    """A contact or an assessment on a fresh case of the worker: the case and record keys of its URL."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from safetynet.cases.services import record_assessment, record_contact

    case, worker = worker_case(), get_user_model().objects.get(username="worker")
    if kind == "contact":
        record = record_contact(case, kind="phone", occurred_at=timezone.now(), minutes=5, by=worker)
    else:
        answers = {"level": 3}
        record = record_assessment(
            case, instrument="psychiatric", answers=answers, assessed_at=timezone.now(), by=worker
        )
    return {"pk": case.pk, "record": record.pk}


def worker_referral():  # type: ignore[no-untyped-def]
    """A referral of a fresh case of the worker to the demo partner (嘉義家扶中心), sent."""
    from django.contrib.auth import get_user_model

    from safetynet.referrals.models import Service, ServiceCategory
    from safetynet.referrals.services import create_referral

    return create_referral(
        worker_case(),
        service=Service.objects.get(organization__name="嘉義家扶中心", name="兒少及家庭扶助"),
        category=ServiceCategory.objects.get(code="family_support"),
        reason="測試",
        consent="written",
        by=get_user_model().objects.get(username="worker"),
    )


def answer_link() -> dict[str, str]:
    from django.contrib.auth import get_user_model

    from safetynet.referrals.services import issue_link

    return {"token": issue_link(worker_referral(), by=get_user_model().objects.get(username="worker"))[1]}


CASE_PAGE = row(403, worker=200, supervisor=200, teammate=404, otherunit=404)
CASEWORK = row(403, worker=200, teammate=200, otherunit=200, supervisor=200)
HIGH_RISK_PAGE = row(403, worker=200, teammate=200, otherunit=200, supervisor=200, manager=200)
CLOCK_POST = row(403, worker=302, supervisor=302, teammate=404, otherunit=404)
LIFECYCLE_POST = row(403, worker=405, teammate=405, otherunit=405, supervisor=405)


# url name → (method, kwargs factory, expected status per persona)
MATRIX: dict[str, tuple[str, Callable[[], dict[str, Any]], dict[str, int]]] = {
    "home": ("get", dict, row(200)),
    "health": ("get", dict, row(200, anonymous=200)),
    "notifications_read": ("post", dict, row(302)),
    "login": ("get", dict, row(200, anonymous=200)),
    "logout": ("post", dict, row(302, anonymous=302)),
    "set_language": ("post", dict, row(302, anonymous=302)),
    "intake:queue": ("get", dict, row(403, screener=200)),
    "intake:new": ("get", dict, row(403, screener=200)),
    "intake:candidates": ("get", dict, row(403, screener=200)),
    "intake:report": ("get", lambda: {"pk": screened_report(screen=False).pk}, row(403, screener=200)),
    # An empty post decides nothing: the decision is a button, confirm or override.
    "intake:screen": ("post", lambda: {"pk": screened_report(screen=False).pk}, row(403, screener=400)),
    "cases:detail": ("get", lambda: {"pk": worker_case().pk}, CASE_PAGE),
    # 我的個案 and its download: case staff see their own cases (a supervisor the unit's), others 403.
    "cases:mine": ("get", dict, CASEWORK),
    "cases:mine_export": ("get", dict, CASEWORK),
    "cases:queue": ("get", dict, row(403, supervisor=200)),
    "cases:assign": ("post", lambda: {"pk": pending_case().pk}, row(403, supervisor=302)),
    "cases:clocks": (
        "get",
        dict,
        row(403, screener=200, worker=200, teammate=200, otherunit=200, supervisor=200),
    ),
    "cases:clock_met": ("post", lambda: {"pk": worker_case().clocks.first().pk}, CLOCK_POST),
    # The worker's records on a case: the case page's people only; a POST answers with the case page.
    "cases:contact_new": ("get", lambda: {"pk": worker_case().pk}, CASE_PAGE),
    "cases:contact_error": ("post", lambda: worker_record("contact"), CLOCK_POST),
    # Corrected by its author only, within a day: anyone else who sees the case gets the 404 of a missing record.
    "cases:contact_edit": (
        "get",
        lambda: worker_record("contact"),
        row(403, worker=200, supervisor=404, teammate=404, otherunit=404),
    ),
    "cases:assessment_new": ("get", lambda: {"pk": worker_case().pk, "instrument": "bsrs5"}, CASE_PAGE),
    "cases:assessment_preview": (
        "post",
        lambda: {"pk": worker_case().pk, "instrument": "tipvda"},
        row(403, worker=200, supervisor=200, teammate=404, otherunit=404, anonymous=302),
    ),
    "cases:assessment_error": ("post", lambda: worker_record("assessment"), CLOCK_POST),
    # The high-risk IPV list: FPC staff county-wide, other case staff their own cases, managers counts;
    # meetings recorded by FPC supervisors (the demo's supervisor is not FPC).
    "cases:high_risk": ("get", dict, HIGH_RISK_PAGE),
    "cases:meeting": ("get", lambda: {"pk": risk_meeting().pk}, HIGH_RISK_PAGE),
    "cases:meeting_new": ("get", dict, row(403)),
    # The supervisor's team page (team_views): managers may look at a unit of their county too.
    "cases:team": ("get", dict, row(403, supervisor=200, manager=200)),
    "cases:supervision": (
        "get",
        dict,
        row(403, worker=200, teammate=200, otherunit=200, supervisor=200),
    ),
    "cases:supervision_new": ("get", dict, row(403, supervisor=200)),
    # The case's course (lifecycle_views): POST-only views answer GET with 405 to the roles they serve.
    "cases:status": ("get", lambda: {"pk": worker_case().pk}, LIFECYCLE_POST),
    "cases:plan": ("get", lambda: {"pk": worker_case().pk}, LIFECYCLE_POST),
    "cases:co_workers": ("get", lambda: {"pk": worker_case().pk}, LIFECYCLE_POST),
    "cases:closure_request": ("get", lambda: {"pk": worker_case().pk}, LIFECYCLE_POST),
    "cases:reopen": ("get", lambda: {"pk": worker_case().pk}, LIFECYCLE_POST),
    "cases:transfer_request": ("get", lambda: {"pk": worker_case().pk}, LIFECYCLE_POST),
    "cases:closure_decide": ("get", lambda: {"pk": waiting_closure().pk}, row(403, supervisor=405)),
    "cases:transfer": ("get", lambda: {"pk": incoming_transfer().pk}, row(403, supervisor=200)),
    "cases:transfer_decide": ("get", lambda: {"pk": incoming_transfer().pk}, row(403, supervisor=405)),
    # Referrals: the referrer's side (the case's people), the partner's portal, the single-use link.
    "referrals:list": ("get", dict, CASEWORK),
    "referrals:new": ("get", lambda: {"pk": worker_case().pk}, CASE_PAGE),
    "referrals:service_options": ("get", dict, CASEWORK),
    "referrals:detail": ("get", lambda: {"pk": worker_referral().pk}, CASE_PAGE),
    # A move posted empty comes back on the referral's page with its errors.
    "referrals:move": (
        "post",
        lambda: {"pk": worker_referral().pk},
        row(403, worker=200, supervisor=200, teammate=404, otherunit=404),
    ),
    "referrals:link": (
        "post",
        lambda: {"pk": worker_referral().pk},
        row(403, worker=200, supervisor=200, teammate=404, otherunit=404),
    ),
    "referrals:partner": ("get", dict, row(403, partner=200)),
    "referrals:partner_detail": ("get", lambda: {"pk": worker_referral().pk}, row(403, partner=200)),
    "referrals:partner_move": ("post", lambda: {"pk": worker_referral().pk}, row(403, partner=200)),
    "referrals:answer": ("get", answer_link, row(200, anonymous=200)),
    "referrals:directory": ("get", dict, row(200)),
    "referrals:organization": ("get", lambda: {"pk": worker_referral().organization_id}, row(200)),
    "referrals:stats": ("get", dict, row(403, supervisor=200, manager=200, admin=200, reviewer=200)),
    "people:list": ("get", dict, PERSON_LIST),
    "people:new": ("get", dict, PERSON_LIST),
    "people:detail": ("get", lambda: {"pk": worker_person().pk}, PERSON_PAGES),
    "people:edit": ("get", lambda: {"pk": worker_person().pk}, PERSON_PAGES),
    "people:relation_add": ("post", lambda: {"pk": worker_person().pk}, PERSON_FORM_POST),
    "people:relation_new": ("post", lambda: {"pk": worker_person().pk}, PERSON_FORM_POST),
    # The search boxes of the person and household pages (HTMX rows to pick from).
    "people:relation_candidates": ("get", lambda: {"pk": worker_person().pk}, PERSON_PAGES),
    "people:member_candidates": ("get", lambda: {"pk": worker_member().household_id}, PERSON_PAGES),
    "people:member_new": ("post", lambda: {"pk": worker_member().household_id}, PERSON_FORM_POST),
    "people:household_new": ("post", lambda: {"pk": worker_person().pk}, PERSON_POST),
    "people:household": ("get", lambda: {"pk": worker_member().household_id}, PERSON_PAGES),
    "people:member_leave": (
        "post",
        lambda: {"pk": worker_member().household_id, "member_pk": worker_member().pk},
        PERSON_POST,
    ),
    "org:units": ("get", dict, row(200, partner=403, reviewer=403)),
    "org:unit": (
        "get",
        lambda: {"pk": worker_unit_pk()},
        row(200, otherunit=404, screener=404, partner=403, reviewer=403),
    ),
    "org:dispatch_mode": (
        "post",
        lambda: {"pk": worker_unit_pk()},
        row(403, supervisor=302, manager=302, anonymous=302),
    ),
    "org:leave_add": (
        "post",
        lambda: {"pk": worker_unit_pk()},
        row(403, supervisor=200, manager=200),
    ),
    "workforce:overview": (
        "get",
        dict,
        row(403, supervisor=200, manager=200, reviewer=200, admin=200),
    ),
    "workforce:forecast": ("get", dict, row(403, supervisor=200, manager=200, reviewer=200, admin=200)),
    "workforce:budget": ("get", dict, row(403, supervisor=200, manager=200, reviewer=200, admin=200)),
    "workforce:plan": ("get", dict, row(403, supervisor=200, manager=200, reviewer=200, admin=200)),
    # An empty form comes back with its field errors (200); writes are the managers' and administrators'.
    "workforce:vacancy_add": ("post", dict, row(403, manager=200, admin=200)),
    # Indicators: aggregates for supervisors, managers, administrators and reviewers; written by
    # managers and administrators (an empty form is answered with its errors, an empty publish sent back).
    "indicators:dashboard": ("get", dict, AGGREGATES),
    "indicators:detail": ("get", lambda: {"code": "HIRE_RATE"}, AGGREGATES),
    "indicators:reported_add": ("post", lambda: {"code": "DROPOUT_RATE"}, row(403, manager=200, admin=200)),
    "indicators:target_set": ("post", lambda: {"code": "HIRE_RATE"}, row(403, manager=200, admin=200)),
    "indicators:publish": ("post", dict, row(403, manager=302, admin=302)),
    # Reports: generated by those who read aggregates; a job and its file are their requester's own.
    "reporting:page": ("get", dict, AGGREGATES),
    "reporting:job": ("get", manager_export, row(403, manager=200, supervisor=404, reviewer=404, admin=404)),
    "reporting:download": (
        "get",
        manager_export,
        row(403, manager=200, supervisor=404, reviewer=404, admin=404),
    ),
    "geo:map": ("get", dict, row(200, partner=403)),
    "geo:geojson": ("get", dict, row(200, partner=403)),
    "geo:map_svg": ("get", dict, row(200, partner=403)),
    # Reference geography is public data; the API is read-only here.
    "api:api-root": ("get", dict, row(404, anonymous=404)),
    "api:openapi-json": ("get", dict, row(200, anonymous=200)),
    "api:openapi-view": ("get", dict, row(200, anonymous=200)),
    "api:me": ("get", dict, row(401, anonymous=401)),  # token only: a session is not enough
    "api:receive": ("post", dict, row(401, anonymous=401)),
    "api:case_list": ("get", dict, row(401, anonymous=401)),
    "api:case_detail": ("get", lambda: {"pk": 1}, row(401, anonymous=401)),
    "api:record_contact": ("post", lambda: {"pk": 1}, row(401, anonymous=401)),
    "api:edit_contact": ("patch", lambda: {"pk": 1, "contact_id": 1}, row(401, anonymous=401)),
    "api:record_assessment": ("post", lambda: {"pk": 1}, row(401, anonymous=401)),
    "api:directory_services": ("get", dict, row(401, anonymous=401)),
    "api:indicators": ("get", dict, row(401, anonymous=401)),
    "api:list_counties": ("get", dict, row(200, anonymous=200)),
    "api:list_towns": ("get", lambda: {"code": "10010"}, row(200, anonymous=200)),
    # The access log is the administrators'; break-glass: case staff open, supervisors review.
    "audit:log": ("get", dict, row(403, admin=200)),
    "audit:grants": ("get", dict, row(403, supervisor=200, admin=200)),
    "audit:grant_new": ("get", dict, CASEWORK),
    "audit:grant_review": ("post", worker_grant, row(403, supervisor=302, admin=302)),
    "audit:grant_approve": ("get", worker_grant_request, row(403, supervisor=200, admin=200)),
    # Alerts on abuse of access: the reader's supervisor and administrators; the rules and "who read
    # this file", administrators. A review or a rule posted empty comes back with its errors.
    "audit:alerts": ("get", dict, row(403, supervisor=200, admin=200)),
    "audit:alert": ("get", demo_alert, row(403, supervisor=200, admin=200)),
    "audit:alert_review": ("post", demo_alert, row(403, supervisor=400, admin=400)),
    "audit:alert_rules": ("get", dict, row(403, admin=200)),
    "audit:alert_rule_edit": ("post", alert_rule, row(403, admin=400)),
    "audit:person_reads": ("get", lambda: {"pk": worker_person().pk}, row(403, admin=200)),
    # Rule sets: administrators and managers only.
    "intake:rules": ("get", dict, RULE_PAGES),
    "intake:rule": ("get", lambda: {"version": "v1"}, RULE_PAGES),
    "intake:rule_draft": ("get", lambda: {"version": "v1"}, RULE_PAGES),
    "intake:rule_whatif": ("get", lambda: {"version": "v1"}, RULE_PAGES),
    "intake:rule_publish": ("get", lambda: {"version": rule_set_draft()}, RULE_PAGES),
    # Accounts: two-factor and backup codes
    # The personas' sessions have passed the second step (or need none): both pages send them on.
    "two_factor": ("get", dict, row(302)),
    "two_factor_setup": ("get", dict, row(302)),
    # New backup codes: for the roles that sign in with a second step.
    "backup_codes": ("post", dict, row(403, supervisor=200, manager=200, admin=200, reviewer=200)),
    # Resetting a lost second step: administrators only (the reset itself is a confirmed POST).
    "second_steps": ("get", dict, row(403, admin=200)),
    "second_step_reset": ("get", lambda: {"pk": account_pk("supervisor")}, row(403, admin=200)),
}


# URL names of the matrix that are no page a person reads: files, JSON, HTMX fragments, the log-in page
# (checked signed out), and the API's own documentation page (drawn by the API library).
NOT_PAGES = {
    "health",
    "login",
    "cases:mine_export",
    "reporting:download",
    "geo:geojson",
    "geo:map_svg",
    "referrals:service_options",
    "people:relation_candidates",
    "people:member_candidates",
    "api:openapi-view",
    "intake:candidates",
    "reporting:job",
}
PAGE_NAMES = sorted(
    name
    for name, (method, _kwargs, _expected) in MATRIX.items()
    if method == "get" and name not in NOT_PAGES and not name.startswith("api:")
)


def pattern_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            namespace = entry.namespace
            if namespace == "admin":
                continue  # the Django admin has its own staff check, tested separately
            names |= pattern_names(entry, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(prefix + entry.name)
    return names


def test_it_declares_every_url_pattern() -> None:
    assert pattern_names() == set(MATRIX)


CELLS = [(name, persona) for name in sorted(MATRIX) for persona in ALL]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "persona"), CELLS, ids=[f"{n}-{p}" for n, p in CELLS])
def test_it_answers_each_persona_as_declared(name: str, persona: str, as_user) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    method, kwargs, expected = MATRIX[name]
    client = as_user(None if persona == ANON else persona)
    response = getattr(client, method)(reverse(name, kwargs=kwargs()))
    assert response.status_code == expected[persona], f"{name} as {persona}"
    if persona == ANON and expected[persona] == 302 and name not in {"logout", "set_language"}:
        assert response["Location"].startswith("/login/")


def fresh_national_id(stem: str) -> str:
    """A valid national ID from its first nine characters (the check digit worked out)."""
    from safetynet.domain import nationalid

    return stem + str(nationalid.check_digit(stem))


def routed_case(route: str, types: list[str], national_id: str = ""):  # type: ignore[no-untyped-def]
    """The `route` case of a fresh screened report of 朴子 about a child with `types`."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from safetynet.intake.services import receive_report, screen_report

    screener = get_user_model().objects.get(username="screener")
    subject = {"ref": "v", "role": "child", "types": types, "town": "10010020"}
    if national_id:
        subject["national_id"] = national_id
    document = {
        "received_at": timezone.localtime().isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [subject],
    }
    report = receive_report(document, by=screener).report
    screen_report(report, by=screener)
    return report.case_links.get(case__route=route).case


def cocase_of_the_worker():  # type: ignore[no-untyped-def]
    """A child the worker serves (a VF case) reported again for violence: the 家防中心's case joins a co-case."""
    from django.contrib.auth import get_user_model

    from safetynet.cases.services import assign_case

    national_id = fresh_national_id("B22000011")
    family = routed_case("SWC", ["VF"], national_id)
    supervisor = get_user_model().objects.get(username="supervisor")
    assign_case(family, Staff.objects.get(user__username="worker"), by=supervisor)
    return routed_case("FPC", ["CP"], national_id)


def other_unit_case(led_by_persona: bool):  # type: ignore[no-untyped-def]
    from safetynet.cases.models import Case

    cases = Case.objects.filter(unit__name="嘉義縣民雄社會福利服務中心", lead__isnull=False)
    if led_by_persona:
        return cases.filter(lead__user__username="otherunit").order_by("pk").first()
    return cases.exclude(lead__user__username="otherunit").order_by("pk").first()


CASE_STAFF_ONLY = row(403, anonymous=302)

# A case of each kind against every persona: the case page (the API's case operations are in
# tests/api/test_api_matrix.py). Whoever is not among the case's people gets the same 404 as for a
# case that does not exist; roles without case work get 403.
CASE_KIND_MATRIX: dict[str, tuple[Callable[[], Any], dict[str, int]]] = {
    "family case led by the worker": (worker_case, CASE_PAGE),
    "family case waiting for dispatch in the worker's unit": (
        pending_case,
        {**CASE_STAFF_ONLY, "supervisor": 200, "worker": 404, "teammate": 404, "otherunit": 404},
    ),
    "family case of the other unit, led by its worker": (
        lambda: other_unit_case(led_by_persona=True),
        {**CASE_STAFF_ONLY, "supervisor": 404, "worker": 404, "teammate": 404, "otherunit": 200},
    ),
    "family case of the other unit, led by someone else": (
        lambda: other_unit_case(led_by_persona=False),
        {**CASE_STAFF_ONLY, "supervisor": 404, "worker": 404, "teammate": 404, "otherunit": 404},
    ),
    "sexual-assault case at the 家防中心": (
        lambda: routed_case("FPC", ["SA"]),
        {**CASE_STAFF_ONLY, "supervisor": 404, "worker": 404, "teammate": 404, "otherunit": 404},
    ),
    "家防中心 case in a co-case with the worker's family case": (
        cocase_of_the_worker,
        {**CASE_STAFF_ONLY, "worker": 200, "supervisor": 404, "teammate": 404, "otherunit": 404},
    ),
}
KIND_CELLS = [(kind, persona) for kind in CASE_KIND_MATRIX for persona in ALL]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "persona"), KIND_CELLS, ids=[f"{k}-{p}" for k, p in KIND_CELLS])
def test_it_answers_each_persona_on_a_case_of_each_kind(kind: str, persona: str, as_user) -> None:  # type: ignore[no-untyped-def]
    make, expected = CASE_KIND_MATRIX[kind]
    case = make()
    response = as_user(None if persona == ANON else persona).get(f"/cases/{case.pk}/")
    assert response.status_code == expected[persona], f"{kind} as {persona}"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/cases/?status=all", "/cases/export.xlsx?status=all"])
def test_it_lists_the_workers_cases_to_no_one_outside_their_work(path: str, as_user) -> None:  # type: ignore[no-untyped-def]
    """我的個案 and its download, as the other unit's worker and the worker's teammate see them."""
    import io

    import openpyxl

    case = worker_case()
    for persona in ("otherunit", "teammate"):
        response = as_user(persona).get(path)
        assert response.status_code == 200
        if "xlsx" in path:
            sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
            shown = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
        else:
            shown = {row.case.pk for row in response.context["rows"]}
        assert case.pk not in shown, persona
    assert case.pk in {row.case.pk for row in as_user("worker").get("/cases/?status=all").context["rows"]}


@pytest.mark.django_db
def test_it_keeps_the_django_admin_for_administrators(as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user("admin").get("/admin/").status_code == 200
    assert as_user("worker").get("/admin/").status_code == 302
    assert as_user(None).get("/admin/").status_code == 302


# Methods no page serves: 405 to everyone, before any other answer (login, 403, 404), on every URL.
REFUSED_METHODS = ("options", "trace", "put", "delete")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_it_refuses_options_trace_put_and_delete_to_every_persona(name: str, as_user) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    _method, kwargs, _expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs())
    for persona in ALL:
        client = as_user(None if persona == ANON else persona)
        for method in REFUSED_METHODS:
            response = getattr(client, method)(url)
            assert response.status_code == 405, f"{method.upper()} {name} as {persona}"
