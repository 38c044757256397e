"""Nothing doubled when two requests or commands do the same thing at once (PostgreSQL).

Each test starts its threads together, each on its own database connection, in transactions that
really commit: what one writes, the other sees only once it has committed. SQLite lets one writer in at a
time (IMMEDIATE transactions), so these races are PostgreSQL's; the tests are skipped on SQLite.
"""

from __future__ import annotations

import datetime
import io
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, TransactionTestCase
from django.utils import timezone

from safetynet.cases.models import Assessment, Case, Contact
from safetynet.core.tokens import issue_token
from safetynet.domain import nationalid
from safetynet.intake.models import Channel, DispatchOutcome, IdempotencyKey, Report
from safetynet.intake.services import receive_report, screen_report
from safetynet.people.models import Person

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer in at a time"),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 3  # a race may be won by the right thread by chance: each test tries a few times


@pytest.fixture(scope="module", autouse=True)
def keep_what_they_commit():  # type: ignore[no-untyped-def]
    """A transactional test ends by emptying every table, which would take the demo county loaded once
    for the session with it (and the access log's triggers refuse that TRUNCATE). These tests run after
    every test that rolls back (pytest-django orders them last) and make their own persons and reports,
    so what they commit is left in place."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", lambda self: None)
        yield


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result, or the exception it raised."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=60)
            results[index] = call()
        except Exception as exc:  # the thread's failure is the test's to judge
            results[index] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=name)


def new_national_id() -> str:
    """A valid national ID no one on file has."""
    for number in range(1_000_000, 10_000_000):
        prefix = f"Q2{number}"
        candidate = prefix + str(nationalid.check_digit(prefix))
        if not Person.objects.with_national_id(candidate).exists():
            return candidate
    raise AssertionError("no national ID left")  # pragma: no cover


def report_about(national_id: str) -> Report:
    document = {
        "received_at": timezone.localtime().isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [
            {"ref": "c", "role": "child", "types": ["VF"], "town": "10010050", "national_id": national_id}
        ],
    }
    return receive_report(document, by=user("screener")).report


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_reports_about_one_person_screened_at_once_open_one_case(round_: int) -> None:
    national_id = new_national_id()
    first, second = report_about(national_id), report_about(national_id)
    screener = user("screener")
    results = at_once(lambda: screen_report(first, by=screener), lambda: screen_report(second, by=screener))
    assert not [r for r in results if isinstance(r, Exception)], results
    person = Person.objects.with_national_id(national_id).get()
    cases = Case.objects.filter(person=person, route="SWC")
    assert cases.count() == 1
    outcomes = sorted(r.dispatches.get().outcome for r in results)
    assert DispatchOutcome.RE_REPORT in outcomes, outcomes
    assert cases.get().reports.count() == 2


def api_post(
    username: str, scopes: list[str], path: str, body: dict[str, Any], key: str
) -> Callable[[], Any]:
    _, token = issue_token(user(username), scopes=scopes)

    def post() -> Any:
        client = Client(raise_request_exception=False)  # a 500 is an answer here, not a crash of the test
        return client.post(
            path,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_IDEMPOTENCY_KEY=key,
        )

    return post


def worker_case() -> Case:
    case = Case.objects.open().filter(lead__user__username="worker").order_by("pk").first()
    assert case is not None
    return case


def a_report(key: str) -> tuple[str, dict[str, Any], Callable[[], int]]:
    body = {
        "received_at": timezone.localtime().isoformat(),
        "area": "10010",
        "source": "113",
        "subjects": [{"ref": "c", "role": "child", "types": ["VF"], "town": "10010050"}],
    }
    return "/api/v1/reports", body, lambda: IdempotencyKey.objects.filter(key=key).count()


def a_contact(key: str) -> tuple[str, dict[str, Any], Callable[[], int]]:
    moment = (timezone.localtime() - datetime.timedelta(hours=1)).isoformat()
    body = {"kind": "phone", "occurred_at": moment, "minutes": 10}
    path = f"/api/v1/cases/{worker_case().pk}/contacts"
    return path, body, lambda: Contact.objects.filter(idempotency_key=key).count()


def an_assessment(key: str) -> tuple[str, dict[str, Any], Callable[[], int]]:
    moment = (timezone.localtime() - datetime.timedelta(hours=1)).isoformat()
    body = {"instrument": "bsrs5", "assessed_at": moment, "answers": {"items": [1, 0, 1, 0, 1], "suicide": 0}}
    path = f"/api/v1/cases/{worker_case().pk}/assessments"
    return path, body, lambda: Assessment.objects.filter(idempotency_key=key).count()


@pytest.mark.parametrize("round_", range(ROUNDS))
@pytest.mark.parametrize(
    ("username", "scopes", "endpoint"),
    [
        ("screener", ["reports:write"], a_report),
        ("worker", ["read", "cases:write"], a_contact),
        ("worker", ["read", "cases:write"], an_assessment),
    ],
    ids=["reports", "contacts", "assessments"],
)
def test_posts_with_one_idempotency_key_at_once_create_one_record_and_replay_it(
    username: str, scopes: list[str], endpoint: Callable[[str], Any], round_: int
) -> None:
    key = f"race-{endpoint.__name__}-{round_}"
    path, body, stored = endpoint(key)
    post = api_post(username, scopes, path, body, key)
    answers = at_once(*[post] * 4)
    assert [a.status_code for a in answers] == [201] * 4, [a.content[:200] for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert sorted(a.get("Idempotent-Replayed", "") for a in answers) == ["", "true", "true", "true"]
    assert stored() == 1


def import_file(tmp_path: Path, tag: str) -> Path:
    header = "external_id,received_at,area,source,type,role,subject_name,subject_national_id,subject_birth_date,subject_town"
    rows = [f"{tag}-{n},113/03/05 09:{n:02d},10010,113,IPV,victim,甲{n},,,10010020" for n in range(8)]
    path = tmp_path / f"{tag}.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run_import(path: Path) -> str:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", "reports", str(path), stdout=out, stderr=err)
    except CommandError as failure:
        return f"failed: {failure} {err.getvalue()}"
    return out.getvalue()


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_one_file_imported_twice_at_once_is_imported_once(tmp_path: Path, round_: int) -> None:
    tag = f"RACE{round_}"
    path = import_file(tmp_path, tag)
    results = at_once(lambda: run_import(path), lambda: run_import(path))
    assert not [r for r in results if isinstance(r, Exception)], results
    imported = Report.objects.filter(channel=Channel.IMPORT, external_id__startswith=f"{tag}-")
    assert imported.count() == 8
    assert sorted(r[:6] for r in results) == ["failed", "import"], results
    refused = next(r for r in results if r.startswith("failed"))
    assert "already imported" in refused
