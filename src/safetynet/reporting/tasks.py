"""Jobs of the reporting app, run by the Huey worker (`safetynet run_huey`)."""

from __future__ import annotations

import contextlib

from huey.contrib.djhuey import db_task

from safetynet.reporting import services


@db_task()  # type: ignore[untyped-decorator]
def generate_report(export_id: int) -> None:
    """Generate a requested report; a failure is recorded on its row (and logged) by the service."""
    with contextlib.suppress(Exception):
        services.generate_to_store(export_id)
