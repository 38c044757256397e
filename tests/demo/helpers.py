"""What the demo tests share."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from safetynet.intake.models import Report

TAIPEI = ZoneInfo("Asia/Taipei")


def demo_end() -> datetime.datetime:
    """The session's demo ends as the day it was built began in Taipei: the midnight after its last
    report (the test session may run on past midnight)."""
    latest = Report.objects.order_by("-received_at").values_list("received_at", flat=True).first()
    assert latest is not None
    day = timezone.localdate(latest) + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(), tzinfo=TAIPEI)
