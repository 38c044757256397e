"""Every page each persona uses passes axe-core's WCAG 2.1 A and AA rules: in zh-Hant on a desk's
screen and in English on a phone.

The pages are those of the access matrix (tests/test_access_matrix.py) that answer the persona's GET
with 200, their addresses made in the browser server's own database by the matrix's own factories;
besides them, the case pages of each kind the persona may open, the Django admin as the administrator
finds it, the main forms sent back with their errors, and the pages of someone not signed in. axe-core
comes from npm (package.json), evaluated in each page after it has loaded and settled. And by hand
what axe cannot judge: the skip link, and a language menu that waits for its button.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from safetynet.demo.generator import PERSONAS
from tests.browser.conftest import PASSWORD, SECOND_STEP_ACCOUNTS, run_in_server
from tests.browser.test_personas import shot
from tests.test_access_matrix import ANON, CASE_KIND_MATRIX, MATRIX, PAGE_NAMES

# The pages are the same on either database: the audit runs once, on SQLite (`make test`).
pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the pages do not depend on the database; audited on SQLite",
)

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

CASE_KINDS = sorted(CASE_KIND_MATRIX)
USERNAMES = [persona.username for persona in PERSONAS]

# Run in the server's database: each page's address, from the matrix's own factories (which make what
# the page shows: a case of the worker, a referral, a closure waiting, ...).
ADDRESSES = f"""
import json, sys
sys.path.insert(0, {str(ROOT)!r})
from django.urls import reverse
from tests.test_access_matrix import CASE_KIND_MATRIX, MATRIX
from safetynet.org.models import Role
found = {{name: reverse(name, kwargs=MATRIX[name][1]()) for name in {PAGE_NAMES!r}}}
found.update({{kind: f"/cases/{{CASE_KIND_MATRIX[kind][0]().pk}}/" for kind in {CASE_KINDS!r}}})
found["role"] = reverse("admin:org_role_change", args=[Role.objects.order_by("pk").first().pk])
print("ADDRESSES=" + json.dumps(found))
"""
# zh-Hant on a desk's screen; English on a phone (where tables turn into cards and the menu folds).
VIEWS = {"zh-hant": (1280, 900), "en": (390, 844)}


@pytest.fixture(scope="module")
def addresses(server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    found = re.search(r"^ADDRESSES=(.*)$", run_in_server(tmp_path_factory, ADDRESSES), re.M)
    assert found is not None
    return dict(json.loads(found.group(1)))


def pages_of(username: str, addresses: dict[str, Any]) -> list[tuple[str, str]]:
    """(what, path) of every page `username` uses: the matrix's 200s and the cases they may open."""
    pages = [(name, addresses[name]) for name in PAGE_NAMES if MATRIX[name][2][username] == 200]
    pages += [(kind, addresses[kind]) for kind in CASE_KINDS if CASE_KIND_MATRIX[kind][1][username] == 200]
    return pages


def admin_pages(page: Any, server: str, addresses: dict[str, Any]) -> list[tuple[str, str]]:
    """The Django admin as the administrator finds it: its index, every list and form it links to, and
    a role's own form (the roles' list edits their caseload standards in place)."""
    page.goto(f"{server}/admin/")
    links = page.eval_on_selector_all(
        "#content-main a[href^='/admin/']", "links => links.map(a => a.pathname)"
    )
    paths = list(dict.fromkeys(["/admin/", *links, addresses["role"]]))
    return [(f"admin {path}", path) for path in paths]


SETTLED = """() => document.readyState === "complete"
    && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling")
    && !document.querySelector("#map:not([data-loaded])")"""


def audit(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it stands, once it has settled: no HTMX request
    in flight or swap under way, the map (where there is one) drawn."""
    page.wait_for_function(SETTLED)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated rather than added as a <script>: the page's Content Security Policy admits only its own.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    return list(result["violations"])


def described(violations: list[tuple[str, dict[str, Any]]]) -> str:
    lines = []
    for where, violation in violations:
        for node in violation["nodes"]:
            lines.append(
                f"{where}: {violation['id']} ({violation['impact']}) at {' '.join(map(str, node['target']))}"
                f" — {violation['help']}; {node.get('failureSummary', '').splitlines()[-1].strip()}"
            )
    return "\n".join(lines)


def check(page: Any, server: str, pages: list[tuple[str, str]], who: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for what, path in pages:
        response = page.goto(f"{server}{path}")
        assert response is not None and response.status == 200, f"{who}: {what} {path}"
        found += [(f"{who} · {what} {path}", violation) for violation in audit(page)]
    return found


@pytest.mark.parametrize("language", VIEWS)
@pytest.mark.parametrize("username", USERNAMES)
def test_every_page_a_persona_uses_passes_wcag_21_aa(login, server, addresses, username, language) -> None:  # type: ignore[no-untyped-def]
    width, height = VIEWS[language]
    page = login(username, width=width, height=height)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": server}])
    pages = pages_of(username, addresses)
    if username == "admin":
        pages += admin_pages(page, server, addresses)
    violations = check(page, server, pages, f"{username} ({language})")
    assert not violations, f"{len(violations)} WCAG violations:\n{described(violations)}"


# Forms sent back with their errors (the error summary, each field's message): the persona, the page's URL
# name and its form.
FORMS = [
    ("worker", "people:new", "main form[method=post].stack"),
    ("worker", "cases:contact_new", "[data-testid=contact-form]"),
    ("worker", "referrals:new", "[data-testid=referral-form]"),
    ("screener", "intake:new", "[data-testid=report-form]"),
    ("supervisor", "cases:supervision_new", "[data-testid=supervision-form]"),
    ("manager", "workforce:forecast", "[data-testid=vacancy-form]"),
]
# Every field the person fills emptied, the browser's own checks off: the server answers with its errors.
EMPTIED = """form => {
  form.noValidate = true;
  form.querySelectorAll("input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea")
    .forEach(field => { field.value = ""; });
  form.querySelectorAll("select").forEach(select => { select.selectedIndex = -1; });
  form.requestSubmit();
}"""


@pytest.mark.parametrize("language", VIEWS)
@pytest.mark.parametrize("username", sorted({username for username, _name, _form in FORMS}))
def test_forms_sent_back_with_their_errors_pass_wcag_21_aa(
    login, server, addresses, username, language
) -> None:  # type: ignore[no-untyped-def]
    width, height = VIEWS[language]
    page = login(username, width=width, height=height)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": server}])
    violations = []
    for who, name, form in FORMS:
        if who != username:
            continue
        page.goto(f"{server}{addresses[name]}")
        with page.expect_navigation():
            page.locator(form).evaluate(EMPTIED)
        assert page.locator(".errorlist, [data-error-summary]").count(), f"{name}: no error shown"
        violations += [(f"{username} ({language}) · {name} sent empty", v) for v in audit(page)]
    assert not violations, f"{len(violations)} WCAG violations:\n{described(violations)}"


@pytest.mark.parametrize("language", VIEWS)
def test_the_pages_of_someone_not_signed_in_pass_wcag_21_aa(browser, server, addresses, language) -> None:  # type: ignore[no-untyped-def]
    width, height = VIEWS[language]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-TW")
    context.add_cookies([{"name": "django_language", "value": language, "url": server}])
    page = context.new_page()
    pages = [
        ("login", "/login/"),
        *[(name, addresses[name]) for name in PAGE_NAMES if MATRIX[name][2][ANON] == 200],
    ]
    violations = check(page, server, pages, f"anonymous ({language})")
    # The second step's page, after the password of an account that needs one.
    page.goto(f"{server}/login/")
    page.fill("#id_username", SECOND_STEP_ACCOUNTS[0])
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(re.compile(r"/login/two-factor/"))
    violations += [(f"{SECOND_STEP_ACCOUNTS[0]} · second step {page.url}", v) for v in audit(page)]
    context.close()
    assert not violations, f"{len(violations)} WCAG violations:\n{described(violations)}"


def in_language(language: str, message: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return str(translation.gettext(message))


def test_the_keyboard_skips_to_the_content_and_the_language_waits_for_its_button(login, server) -> None:  # type: ignore[no-untyped-def]
    page = login("worker", width=390, height=844)
    page.goto(f"{server}/cases/")
    page.keyboard.press("Tab")  # the first stop: the skip link, shown while focused
    skip = page.locator("[data-testid=skip-link]")
    assert page.evaluate("document.activeElement.dataset.testid") == "skip-link"
    assert skip.inner_text() == in_language("zh-hant", "Skip to main content") and skip.is_visible()
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0
    shot(page, "skip-link-390")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # on from the content, not back through the header
    assert page.evaluate("document.activeElement.closest('main') !== null")

    # Choosing a language changes nothing until its button is pressed.
    page.click("[data-testid=menu-toggle]")
    page.select_option("select[name=language]", "en")
    page.wait_for_timeout(300)
    assert (
        page.url.startswith(f"{server}/cases/") and page.locator("html").get_attribute("lang") == "zh-Hant-TW"
    )
    shot(page, "language-menu-390")
    with page.expect_navigation():
        page.click("[data-testid=language] button")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("[data-testid=skip-link]").inner_text() == in_language("en", "Skip to main content")
    assert page.url == f"{server}/cases/"
