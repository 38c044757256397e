"""The indicator dashboard in Chromium: the numbers `safetynet kpi` gives, and charts that draw."""

from __future__ import annotations

import json
import re
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

SHOTS = Path(tempfile.gettempdir())  # /tmp/dashboard-*.png, to look at

KPI = """
import io, json
from django.core.management import call_command
out = io.StringIO()
call_command("kpi", area="10010", year=110, format="json", stdout=out)
print("KPI=" + json.dumps(json.loads(out.getvalue()), ensure_ascii=False))
"""


def cell(number: Any) -> str:
    return "—" if number is None else str(number)


def printed(value: Any, unit: str) -> str:
    """How the page prints a value of the JSON (a rate as 63.64%, a ratio with 2 decimals)."""
    if value is None:
        return "—"
    number = Decimal(str(value))
    if unit == "rate":
        return f"{(number * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"
    if unit == "ratio":
        return f"{number.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}"
    return f"{number.normalize():f}"


def test_it_shows_a_manager_the_engines_numbers_for_chiayi_county_with_charts(
    login, server, in_server
) -> None:  # type: ignore[no-untyped-def]
    found = re.search(r"^KPI=(.*)$", in_server(KPI), re.M)
    assert found is not None
    expected = json.loads(found.group(1))
    assert len(expected) >= 13

    page = login("manager")
    page.goto(f"{server}/indicators/?area=10010&year=110")
    assert "嘉義縣" in page.locator("h1").inner_text()
    rows = page.locator("[data-testid=catalogue] tbody tr")
    assert rows.count() == len(expected)
    for item in expected:
        row = page.locator(f"[data-testid=catalogue] tr[data-code={item['code']}]")
        assert row.locator("[data-field=numerator]").inner_text() == cell(item["numerator"]), item["code"]
        assert row.locator("[data-field=denominator]").inner_text() == cell(item["denominator"]), item["code"]
        assert row.locator("[data-field=value]").inner_text() == printed(item["value"], item["unit"]), item[
            "code"
        ]
        assert row.locator("[data-field=target]").inner_text() == printed(item["target"], item["unit"]), item[
            "code"
        ]
        met = row.locator("[data-field=met] [data-met]").get_attribute("data-met")
        assert met == {True: "yes", False: "no", None: "unknown"}[item["met"]], item["code"]
        source = row.locator("[data-field=source]").inner_text()
        assert source == {"computed": "由紀錄計算", "reported": "他機關填報"}[item["source"]]

    # Every trend and the staffing and caseload charts are drawn, with their Chinese labels.
    trends = page.locator("[data-testid=trends] svg.chart")
    assert trends.count() == len(expected)
    for chart in (trends.first, page.locator("#staffing-chart"), page.locator("#caseload-chart")):
        box = chart.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100
    hire = page.locator("#trend-HIRE_RATE")
    assert "人力進用率" in (hire.locator("title").text_content() or "")
    hire_rate = next(i for i in expected if i["code"] == "HIRE_RATE")
    labels = hire.locator("text.point-label").all_text_contents()
    assert printed(hire_rate["value"], "rate") in labels
    assert hire.locator("line.target").count() >= 1
    staffing = page.locator("#staffing-chart")
    assert (
        staffing.locator("rect.bar.filled").count() == page.locator("[data-testid=staffing] tbody tr").count()
    )
    # Approved, filled and the threshold; and, where a group falls short, its striped bar named in the key.
    short = page.locator("[data-testid=staffing] .badge.bad").count()
    assert staffing.locator("rect.short").count() == short
    assert len(staffing.locator("text.key").all_text_contents()) == 3 + (1 if short else 0)
    assert page.locator("#caseload-chart rect.bar").count() >= 1

    page.screenshot(path=str(SHOTS / "dashboard-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.locator("[data-testid=trends] svg.chart").first.bounding_box()["width"] <= 390  # type: ignore[index]
    page.screenshot(path=str(SHOTS / "dashboard-390.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("[data-testid=catalogue] tr[data-code=HIRE_RATE] a")
    page.wait_for_selector("[data-testid=monthly] svg.chart")
    assert page.locator("[data-testid=current] [data-field=value]").inner_text() == printed(
        hire_rate["value"], "rate"
    )
    assert page.locator("#trend-monthly text.x-tick").count() == 12
    page.screenshot(path=str(SHOTS / "dashboard-detail-1280.png"), full_page=True)
