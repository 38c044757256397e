"""Scheduled jobs of the cases app, run by the Huey worker (`safetynet run_huey`)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from safetynet.cases import services


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def mark_overdue_clocks() -> int:
    """Every five minutes: clocks past due are marked, and their worker and supervisors notified."""
    return services.mark_overdue()
