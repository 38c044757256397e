"""Scheduled jobs of the audit app, run by the Huey worker (`safetynet run_huey`)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from safetynet.audit import anchors, services


@db_periodic_task(crontab(minute="0"))  # type: ignore[untyped-decorator]
def anchor_chain_head() -> None:
    """Every hour, where the county set `SAFETYNET_AUDIT_ANCHOR`: the access log's head, noted outside
    the database. A destination that cannot be written fails the job (the worker logs it)."""
    if anchors.configured():
        anchors.anchor_head()


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def watch_access_log() -> int:
    """Every five minutes: the access log's new entries against the alert rules; alerts opened and the
    readers' supervisors notified."""
    return services.watch_access_log()
