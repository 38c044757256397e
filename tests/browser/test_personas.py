"""Personas log in through Chromium and see only what each may see."""

from __future__ import annotations

import os
import re
from pathlib import Path

SHOTS = Path(os.environ.get("SAFETYNET_SCREENSHOTS", "var/screenshots"))


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_it_shows_a_worker_their_area_in_chinese_with_roc_dates(login, server) -> None:  # type: ignore[no-untyped-def]
    page = login("worker", width=390, height=844)
    assert page.locator("html").get_attribute("lang") == "zh-Hant-TW"
    assert "朴子社會福利服務中心" in page.locator("[data-testid=whoami]").inner_text()
    assert re.search(r"\d{3}/\d{2}/\d{2}", page.locator("h1").inner_text())  # 今日 · 115/11/23
    nav = page.locator("nav.areas").inner_text()
    assert "人員與家戶" in nav
    assert "人力" not in nav
    shot(page, "worker-home-390")
    page.click("[data-testid=menu-toggle]")  # on a phone the areas open from the header's menu
    page.click("nav.areas >> text=人員與家戶")
    page.wait_for_selector("table")
    first = page.locator("table tbody tr td a").first
    name = first.inner_text()
    first.click()
    assert page.locator("h1").inner_text().startswith(name)
    assert re.search(r"\d{2,3}/\d{2}/\d{2}", page.locator("dl.facts dd").first.inner_text())
    shot(page, "worker-person-390")
    person_url = page.url

    other = login("otherunit")
    response = other.goto(person_url)
    assert response is not None and response.status == 404


def test_it_shows_a_manager_staffing_but_no_person_files(login, server) -> None:  # type: ignore[no-untyped-def]
    page = login("manager")
    nav = page.locator("nav.areas").inner_text()
    assert "人員與家戶" not in nav
    page.click("nav.areas >> text=人力")
    page.wait_for_selector("[data-testid=hire-rate]")
    assert page.locator("[data-testid=hire-rate]").inner_text().endswith("%")
    shot(page, "manager-workforce")
    response = page.goto(f"{server}/people/")
    assert response is not None and response.status == 403
    page.goto(f"{server}/cases/high-risk/")  # the high-risk list, counted by unit
    assert page.locator("[data-testid=tallies]").is_visible()
    assert page.locator("[data-testid^=listed-]").count() == 0
    shot(page, "manager-high-risk")


def test_it_draws_the_county_map_without_tiles(login, server) -> None:  # type: ignore[no-untyped-def]
    page = login("supervisor")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{server}/geo/map/")
    page.wait_for_selector("#map[data-loaded='18']")
    assert page.locator("path.leaflet-interactive").count() == 18
    assert all(url.startswith(server) for url in requests)
    shot(page, "supervisor-map")


def test_it_switches_to_english(login, server) -> None:  # type: ignore[no-untyped-def]
    page = login("worker")
    page.select_option("select[name=language]", "en")
    with page.expect_navigation():
        page.click("[data-testid=language] button")
    assert "Persons & households" in page.locator("nav.areas").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"
