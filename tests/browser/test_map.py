"""The safety-net map in Chromium: drawn without tiles, not blank, with its gaps and its image."""

from __future__ import annotations

import io

from PIL import Image

from tests.browser.test_personas import SHOTS


def test_it_draws_the_safety_net_map_with_gaps_for_a_manager(login, server) -> None:  # type: ignore[no-untyped-def]
    page = login("manager")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{server}/geo/map/?metric=cases&category=employment")
    page.wait_for_selector("#map[data-loaded]")
    assert page.locator("#map").get_attribute("data-loaded") == "18"
    assert page.locator("path.leaflet-interactive").count() == 18
    assert page.locator("path.map-marker").count() >= 1
    assert all(url.startswith(server) for url in requests)  # no tiles, no CDN

    SHOTS.mkdir(parents=True, exist_ok=True)
    png = page.screenshot(path=str(SHOTS / "manager-safety-net-map.png"), full_page=True)
    box = page.locator("#map").bounding_box()
    assert box is not None
    image = Image.open(io.BytesIO(png)).convert("RGB")
    area = image.crop(
        (int(box["x"]), int(box["y"]), int(box["x"] + box["width"]), int(box["y"] + box["height"]))
    )
    pixels = area.width * area.height
    colours = area.getcolors(maxcolors=pixels) or []
    assert len(colours) > 20, "the map looks blank"
    assert max(count for count, _ in colours) < 0.9 * pixels, "one colour covers the map"

    gaps = page.locator("[data-testid=gaps]").inner_text()
    assert "阿里山鄉" in gaps and "大埔鄉" in gaps
    legend = page.locator("#map-legend").inner_text()
    assert (page.locator("#map").get_attribute("data-label-suppressed") or "?") in legend
    assert page.locator("[data-testid=towns]").inner_text().count("<3") >= 1

    svg_url = page.locator("[data-testid=map-svg]").get_attribute("href")
    assert svg_url is not None
    response = page.goto(f"{server}{svg_url}")
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    page.screenshot(path=str(SHOTS / "manager-safety-net-map-svg.png"))
