"""Every URL pattern against every persona: the expected status of each cell is declared here.

A view added without a row in MATRIX fails `test_it_declares_every_url_pattern`.
Statuses: 200 ok, 302 redirect (to login for anonymous), 403 wrong role, 404 out of scope, 405 method.
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


RULE_PAGES = row(403, admin=200, manager=200)


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


CASE_PAGE = row(403, worker=200, supervisor=200, teammate=404, otherunit=404)
CLOCK_POST = row(403, worker=302, supervisor=302, teammate=404, otherunit=404)


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
    "intake:screen": ("post", lambda: {"pk": screened_report(screen=False).pk}, row(403, screener=302)),
    "cases:detail": ("get", lambda: {"pk": worker_case().pk}, CASE_PAGE),
    "cases:queue": ("get", dict, row(403, supervisor=200)),
    "cases:assign": ("post", lambda: {"pk": pending_case().pk}, row(403, supervisor=302)),
    "cases:clocks": (
        "get",
        dict,
        row(403, screener=200, worker=200, teammate=200, otherunit=200, supervisor=200),
    ),
    "cases:clock_met": ("post", lambda: {"pk": worker_case().clocks.first().pk}, CLOCK_POST),
    "people:list": ("get", dict, PERSON_LIST),
    "people:new": ("get", dict, PERSON_LIST),
    "people:detail": ("get", lambda: {"pk": worker_person().pk}, PERSON_PAGES),
    "people:edit": ("get", lambda: {"pk": worker_person().pk}, PERSON_PAGES),
    "people:relation_add": ("post", lambda: {"pk": worker_person().pk}, PERSON_POST),
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
    "geo:map": ("get", dict, row(200, partner=403)),
    "geo:geojson": ("get", dict, row(200, partner=403)),
    # Reference geography is public data; the API is read-only here.
    "api:api-root": ("get", dict, row(404, anonymous=404)),
    "api:openapi-json": ("get", dict, row(200, anonymous=200)),
    "api:openapi-view": ("get", dict, row(200, anonymous=200)),
    "api:me": ("get", dict, row(401, anonymous=401)),  # token only: a session is not enough
    "api:receive": ("post", dict, row(401, anonymous=401)),
    "api:list_counties": ("get", dict, row(200, anonymous=200)),
    "api:list_towns": ("get", lambda: {"code": "10010"}, row(200, anonymous=200)),
    # Rule sets: administrators and managers only.
    "intake:rules": ("get", dict, RULE_PAGES),
    "intake:rule": ("get", lambda: {"version": "v1"}, RULE_PAGES),
    "intake:rule_draft": ("get", lambda: {"version": "v1"}, RULE_PAGES),
    "intake:rule_whatif": ("get", lambda: {"version": "v1"}, RULE_PAGES),
    "intake:rule_publish": ("get", lambda: {"version": rule_set_draft()}, RULE_PAGES),
}


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


@pytest.mark.django_db
def test_it_keeps_the_django_admin_for_administrators(as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user("admin").get("/admin/").status_code == 200
    assert as_user("worker").get("/admin/").status_code == 302
    assert as_user(None).get("/admin/").status_code == 302
