"""A real server and a real browser: `safetynet` serving a freshly seeded demo, driven by Chromium.

The server runs as a separate process on its own SQLite database in a temporary data directory,
exactly as `make run` starts it, so these tests see what a person sees.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SAFETYNET = str(Path(sys.executable).with_name("safetynet"))
PASSWORD = "browser-test-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser-data")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({"SAFETYNET_DATA_DIR": str(data), "SAFETYNET_DEMO_PASSWORD": PASSWORD})
    subprocess.run([SAFETYNET, "migrate", "-v0"], env=env, check=True, timeout=300)  # noqa: S603
    subprocess.run(  # noqa: S603
        [SAFETYNET, "seed-demo", "--scale", "0.03"], env=env, check=True, timeout=300, capture_output=True
    )
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [SAFETYNET, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)  # noqa: S310 - our own local server
                break
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


# Python for `in_server`: a fresh VF report of 朴子 about `NAME` (None: a child the report does not name),
# screened and assigned to the demo worker (`case`, `worker`, `users` are left defined for what follows).
WORKER_CASE = """
from django.contrib.auth import get_user_model
from django.utils import timezone
from safetynet.cases.services import assign_case
from safetynet.intake.services import receive_report, screen_report
from safetynet.org.models import Staff
users = get_user_model().objects
screener = users.get(username="screener")
subject = {"ref": "c", "role": "child", "types": ["VF"], "town": "10010020", **({"name": NAME} if NAME else {})}
document = {"received_at": timezone.localtime().isoformat(), "area": "10010", "source": "113", "subjects": [subject]}
report = receive_report(document, by=screener).report
screen_report(report, by=screener)
worker = Staff.objects.get(user__username="worker")
case = assign_case(report.case_links.get().case, worker, by=users.get(username="supervisor"))
"""


def worker_case_code(name: str | None, then: str) -> str:
    return f"NAME = {name!r}\n{WORKER_CASE}{then}"


@pytest.fixture
def in_server(server, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """`in_server(code)` runs Python in the browser server's own database; returns what it printed."""
    # The `server` fixture's data directory: the only numbered browser-data directory of this session.
    found = tmp_path_factory.getbasetemp().glob("browser-data*")
    data = sorted(d for d in found if re.fullmatch(r"browser-data\d+", d.name))
    assert len(data) == 1, data
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["SAFETYNET_DATA_DIR"] = str(data[0])

    def run(code: str) -> str:
        done = subprocess.run(  # noqa: S603
            [SAFETYNET, "shell", "-c", code],
            env=env,
            check=True,
            timeout=120,
            capture_output=True,
            text=True,
            cwd=data[0],
        )
        return done.stdout

    return run


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup` as root, or apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def login(browser, server):  # type: ignore[no-untyped-def]
    """`login("worker", width=390)` → a page logged in as that demo account."""
    contexts = []

    def make(username: str, width: int = 1280, height: int = 900):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-TW")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{server}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{server}/")
        return page

    yield make
    for context in contexts:
        context.close()
