"""A single-use link's token is in neither the access log nor the server's log: paths are redacted
before they are written (`safetynet.audit.redact`)."""

from __future__ import annotations

import datetime
import logging
import types
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safetynet.audit.models import AuditEntry
from safetynet.audit.redact import REDACTED, redact_path
from safetynet.referrals.services import answer_by_link, issue_link
from tests.test_access_matrix import worker_referral


def a_token() -> str:
    worker = get_user_model().objects.get(username="worker")
    return issue_link(worker_referral(), by=worker)[1]


def token_routes(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """URL names whose pattern takes a token."""
    names = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            names += token_routes(entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
        elif isinstance(entry, URLPattern) and "token" in str(entry.pattern):
            names.append(prefix + str(entry.name))
    return names


def test_every_route_that_takes_a_token_is_redacted() -> None:
    names = token_routes()
    assert names == ["referrals:answer"]
    for name in names:
        path = reverse(name, kwargs={"token": "secret-Token_1:x"})
        assert "secret-Token_1:x" not in redact_path(path)
        assert redact_path(path) == path.replace("secret-Token_1:x", REDACTED)
        assert (
            redact_path(f"GET {path}?a=1 HTTP/1.1")
            == f"GET {path.replace('secret-Token_1:x', REDACTED)}?a=1 HTTP/1.1"
        )


@pytest.mark.django_db
def test_the_access_log_keeps_the_links_path_without_its_token(as_user) -> None:  # type: ignore[no-untyped-def]
    token = a_token()
    assert as_user(None).get(f"/referrals/answer/{token}/").status_code == 200
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.path == f"/referrals/answer/{REDACTED}/"
    assert not AuditEntry.objects.filter(path__contains=token).exists()


@pytest.mark.django_db
def test_djangos_warning_about_a_spent_link_does_not_print_its_token(as_user, caplog) -> None:  # type: ignore[no-untyped-def]
    token = a_token()
    answer_by_link(token, "accepted", by_name="王社工")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert as_user(None).get(f"/referrals/answer/{token}/").status_code == 410
    warnings = [record.getMessage() for record in caplog.records if record.name == "django.request"]
    assert warnings == [f"Gone: /referrals/answer/{REDACTED}/"]
    assert token not in caplog.text


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_runservers_request_line_does_not_print_the_token() -> None:
    logger = logging.getLogger("django.server")
    collect = Collect()
    logger.addHandler(collect)
    try:
        # As django.core.servers.basehttp.WSGIRequestHandler.log_message writes a request.
        logger.info('"%s" %s %s', "GET /referrals/answer/abc:def:ghi/ HTTP/1.1", "200", "5120")
    finally:
        logger.removeHandler(collect)
    assert collect.lines == [f'"GET /referrals/answer/{REDACTED}/ HTTP/1.1" 200 5120']


@pytest.mark.django_db
def test_gunicorns_access_log_does_not_print_the_token(tmp_path: Path) -> None:
    from gunicorn import glogging
    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("access_log_format", '%(h)s "%(r)s" %(s)s %(U)s "%(f)s"')
    log = glogging.Logger(config)
    path = "/referrals/answer/abc:def:ghi/"
    environ = {
        "REMOTE_ADDR": "10.0.0.9",
        "REQUEST_METHOD": "POST",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://safetynet.example{path}",
    }
    response = types.SimpleNamespace(status="200 OK", headers=[], sent=512)
    request = types.SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    log.access(response, request, environ, datetime.timedelta(milliseconds=30))
    for handler in list(log.access_log.handlers):
        handler.close()
        log.access_log.removeHandler(handler)
    written = (tmp_path / "access.log").read_text(encoding="utf-8")
    assert "abc:def:ghi" not in written
    redacted = f"/referrals/answer/{REDACTED}/"
    assert (
        written.strip()
        == f'10.0.0.9 "POST {redacted} HTTP/1.1" 200 {redacted} "https://safetynet.example{redacted}"'
    )
