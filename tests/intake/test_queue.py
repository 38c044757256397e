from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from safetynet.intake.services import receive_report

pytestmark = pytest.mark.django_db


def report(hours_ago: float, area: str = "10010") -> dict[str, object]:
    received = timezone.localtime() - datetime.timedelta(hours=hours_ago)
    town = "10010020" if area == "10010" else "10020010"
    return {
        "received_at": received.isoformat(),
        "area": area,
        "source": "113",
        "subjects": [{"ref": "c", "role": "victim", "types": ["CP"], "town": town}],
    }


def test_it_lists_the_countys_reports_most_urgent_first_with_time_left(as_user) -> None:  # type: ignore[no-untyped-def]
    screener = get_user_model().objects.get(username="screener")
    fresh = receive_report(report(1), by=screener).report
    late = receive_report(report(30), by=screener).report
    receive_report(report(2, area="10020"), by=screener)  # another county's desk
    response = as_user("screener").get("/intake/queue/")
    rows = [r for r in response.context["rows"] if r["report"] in (late, fresh)]  # the demo's own wait too
    assert [r["report"] for r in rows] == [late, fresh]
    assert [r["urgency"] for r in rows] == ["bad", "ok"]
    html = response.content.decode()
    assert "逾期" in html and "家防中心" in html and "兒少保護" in html
