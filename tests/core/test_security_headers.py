"""Headers and settings that keep a browser safe: the Content Security Policy with its per-response
nonce, and a production configuration that `check --deploy` passes without a warning."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from safetynet.core.crypto import generate_key_ring

SAFETYNET = str(Path(sys.executable).with_name("safetynet"))
SRC = Path(__file__).resolve().parents[2] / "src" / "safetynet"
# Rendered by WeasyPrint into a PDF, never served to a browser.
NOT_SERVED = {"reporting/templates/reporting/document.html"}


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.django_db
def test_it_sends_a_policy_with_a_new_nonce_on_every_page(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("worker")
    seen = []
    for _ in range(2):
        response = client.get("/")
        policy = directives(response["Content-Security-Policy"])
        nonces = [v for v in policy["script-src"] if v.startswith("'nonce-")]
        assert len(nonces) == 1
        nonce = nonces[0][len("'nonce-") : -1]
        html = response.content.decode()
        assert f'nonce="{nonce}"' in html
        assert html.count("<script") == html.count(f'nonce="{nonce}"')
        seen.append(nonce)
    assert seen[0] != seen[1]
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'" and len(policy["script-src"]) == 2  # no unsafe-inline, no eval
    assert policy["style-src"] == ["'self'"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:"]
    for name, value in [("frame-ancestors", "'none'"), ("object-src", "'none'"), ("form-action", "'self'"),
                        ("base-uri", "'self'"), ("connect-src", "'self'")]:  # fmt: skip
        assert policy[name] == [value]


def test_it_tells_htmx_not_to_eval(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/login/").content.decode()
    assert '"allowEval": false' in html and '"includeIndicatorStyles": false' in html
    assert "core/app.js" in html


def test_no_template_has_inline_script_handlers_or_styles_without_a_nonce() -> None:
    problems = []
    for path in sorted(SRC.glob("*/templates/**/*.html")):
        name = str(path.relative_to(SRC))
        if name in NOT_SERVED:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text:
            problems.append(f"{name}: inline event handler")
        if "<style" in text:
            problems.append(f"{name}: <style> (move it to a static stylesheet)")
        for tag in re.findall(r"<script\b[^>]*>", text):  # from this server (src=…), or with the nonce
            if "src=" not in tag and "nonce=" not in tag and 'type="application/json"' not in tag:
                problems.append(f"{name}: inline {tag} without nonce")
    assert problems == []


def settings_of(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run(tmp_path, "shell", "-v0", "-c", code, **env)


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SAFETYNET_", "DATABASE_URL"))}
    environment.update(
        {
            "SAFETYNET_PRODUCTION": "true",
            "SAFETYNET_SECRET_KEY": "k" + os.urandom(40).hex(),
            "SAFETYNET_FIELD_KEYS": generate_key_ring(),
            "SAFETYNET_DATA_DIR": str(tmp_path),
            **env,
        }
    )
    return subprocess.run(  # noqa: S603 - our own command
        [SAFETYNET, *args], capture_output=True, text=True, env=environment, timeout=120, check=False
    )


def test_a_production_install_passes_check_deploy_without_a_warning(tmp_path: Path) -> None:
    result = run(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "WARNINGS" not in result.stderr and "ERRORS" not in result.stderr
    assert "System check identified no issues" in result.stdout


SHOW = (
    "from django.conf import settings as s; "
    "print(s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, "
    "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER)"
)


def test_production_cookies_are_secure_and_bound_to_the_host(tmp_path: Path) -> None:
    shown = settings_of(tmp_path, SHOW)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == [
        "__Host-sessionid",
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "True",
        "None",
    ]


def test_it_trusts_a_proxys_https_header_only_when_told_it_is_behind_one(tmp_path: Path) -> None:
    shown = settings_of(tmp_path, SHOW, SAFETYNET_BEHIND_PROXY="true", SAFETYNET_SSL_REDIRECT="false")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split()[6:] == ["False", "('HTTP_X_FORWARDED_PROTO',", "'https')"]


def test_a_development_install_keeps_plain_cookies(tmp_path: Path) -> None:
    shown = settings_of(tmp_path, SHOW, SAFETYNET_PRODUCTION="false")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split()[:3] == ["sessionid", "False", "False"]
