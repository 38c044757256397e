"""Shared fixtures: the demo county loaded once per test session, and its personas.

The personas are the demo accounts (worker, teammate, otherunit, supervisor, screener, manager,
partner, reviewer, admin): the same people a newcomer meets in `make run`.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from safetynet.demo.generator import seed
from safetynet.people.models import Person
from tests.accounts import log_in

# Property tests judge results, never time: a loaded CI machine must not turn them red.
hypothesis_settings.register_profile("safetynet", deadline=None)
hypothesis_settings.load_profile("safetynet")

PASSWORD = "test-password-123"
# The worker's unit, 嘉義縣朴子社會福利服務中心, covers these towns.
WORKER_TOWNS = {"10010020", "10010080", "10010090"}


@pytest.fixture(autouse=True)
def each_test_starts_in_the_default_language():  # type: ignore[no-untyped-def]
    """A request in English leaves English active in the test's thread; the next test starts afresh."""
    yield
    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def jobs_run_immediately():  # type: ignore[no-untyped-def]
    """Scheduled jobs run in the test's own process and database, at once."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield


@pytest.fixture(scope="session", autouse=True)
def reports_in_a_temporary_folder(tmp_path_factory):  # type: ignore[no-untyped-def]
    """Generated reports (and the demo's login sheet) are kept where the test session can throw them away."""
    from django.conf import settings

    settings.REPORTS_DIR = tmp_path_factory.mktemp("reports")
    settings.DEMO_LOGINS_FILE = settings.REPORTS_DIR / "demo-logins.txt"  # not the developer's var/
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        seed(seed=7, years=(110, 114), scale=0.03, password=PASSWORD)


@pytest.fixture
def as_user(db):  # type: ignore[no-untyped-def]
    """`as_user("worker")` → a test client logged in as that demo account; `as_user(None)` → anonymous.

    Supervisors, managers and administrators have passed the second sign-in step too (`tests.accounts`)."""

    def make(username: str | None) -> Client:
        client = Client()
        if username:
            log_in(client, get_user_model().objects.get(username=username))
        return client

    return make


@pytest.fixture
def person_in_worker_area(db) -> Person:  # type: ignore[no-untyped-def]
    return Person.objects.filter(town_id__in=WORKER_TOWNS, memberships__isnull=False).order_by("pk").first()


@pytest.fixture
def person_elsewhere(db) -> Person:  # type: ignore[no-untyped-def]
    return Person.objects.filter(town_id="10010050").order_by("pk").first()  # 民雄鄉: the other unit's area
