"""A session idle longer than IDLE_MINUTES is logged out; SESSION_COOKIE_AGE caps it however active."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings as project_settings
from django.test import Client
from django.utils import timezone

from safetynet import conf
from safetynet.core.middleware import LAST_SEEN

pytestmark = pytest.mark.django_db


def in_english(client: Client) -> Client:
    client.cookies[project_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def idle_for(client: Client, minutes: float) -> None:
    """As if the session's last request was `minutes` ago (the clock moved on)."""
    session = client.session
    session[LAST_SEEN] = session[LAST_SEEN] - int(minutes * 60)
    session.save()


def test_it_logs_out_a_session_idle_for_more_than_thirty_minutes(as_user) -> None:  # type: ignore[no-untyped-def]
    worker = in_english(as_user("worker"))
    assert worker.get("/").status_code == 200
    idle_for(worker, 31)
    response = worker.get("/people/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fpeople%2F"
    page = worker.get(response["Location"])
    assert "30 minutes without activity" in page.content.decode()
    assert worker.get("/")["Location"].startswith("/login/")


def test_it_keeps_a_session_used_within_the_time(as_user) -> None:  # type: ignore[no-untyped-def]
    worker = as_user("worker")
    idle_for(worker, 29)
    assert worker.get("/").status_code == 200
    idle_for(worker, 29)  # counted from the last request, not from the login
    assert worker.get("/").status_code == 200


def test_it_answers_htmx_with_a_whole_page_redirect(as_user) -> None:  # type: ignore[no-untyped-def]
    worker = as_user("worker")
    idle_for(worker, 45)
    response = worker.get("/people/?q=x", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/login/?next=%2Fpeople%2F%3Fq%3Dx"


def test_it_takes_the_minutes_from_the_setting(as_user, settings) -> None:  # type: ignore[no-untyped-def]
    settings.IDLE_MINUTES = 5
    worker = in_english(as_user("worker"))
    idle_for(worker, 6)
    response = worker.post("/notifications/read/")
    assert response["Location"] == "/login/"  # no way back to a POST
    assert "5 minutes without activity" in worker.get("/login/").content.decode()


def test_it_ends_a_session_eight_hours_after_login_however_active(as_user) -> None:  # type: ignore[no-untyped-def]
    worker = as_user("worker")
    ends = worker.session.get_expiry_date()
    assert abs(ends - (timezone.now() + datetime.timedelta(hours=8))) < datetime.timedelta(minutes=1)
    idle_for(worker, 10)  # the next request rewrites the session's idle clock
    assert worker.get("/").status_code == 200
    assert worker.session[LAST_SEEN] > 0
    assert worker.session.get_expiry_date() == ends


def test_it_reads_the_minutes_from_the_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SAFETYNET_IDLE_MINUTES", "45")
    assert conf.env_int("SAFETYNET_IDLE_MINUTES", 30, minimum=1) == 45
    monkeypatch.setenv("SAFETYNET_IDLE_MINUTES", "half an hour")
    with pytest.raises(conf.ConfigError, match="SAFETYNET_IDLE_MINUTES: expected a whole number"):
        conf.env_int("SAFETYNET_IDLE_MINUTES", 30, minimum=1)
    monkeypatch.setenv("SAFETYNET_IDLE_MINUTES", "0")
    with pytest.raises(conf.ConfigError, match="must be at least 1"):
        conf.env_int("SAFETYNET_IDLE_MINUTES", 30, minimum=1)
    monkeypatch.delenv("SAFETYNET_IDLE_MINUTES")
    assert conf.env_int("SAFETYNET_IDLE_MINUTES", 30, minimum=1) == 30
