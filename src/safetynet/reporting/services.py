"""Generating the report: every export is logged first (who, when, which area, year, format and
edition), then built and written; the row carries the job's progress and, once done, the file's size
and digest. The internal edition (workers' names) is for managers only.

`request_export` checks the request and logs it in one transaction; `generate` does the work and is
run by the job worker for the web page and directly by `safetynet report`.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.audit.models import Action
from safetynet.audit.services import record
from safetynet.core.access import aggregates_visible_to, staff_of
from safetynet.core.errors import DomainError
from safetynet.geo.models import County
from safetynet.indicators.services import check_plan_year
from safetynet.org.models import AccessKind
from safetynet.reporting.build import Request, build, default_referral_years
from safetynet.reporting.formats import writer
from safetynet.reporting.models import Edition, ExportStatus, Format, ReportExport

logger = logging.getLogger(__name__)
INTERNAL_KINDS = (AccessKind.MANAGER,)
Progress = Callable[[int, str], None]


def may_export_internal(user: Any) -> bool:
    staff = staff_of(user)
    return staff is not None and staff.left_on is None and staff.role.kind in INTERNAL_KINDS


@transaction.atomic
def request_export(
    *,
    area: str,
    year: int,
    format: str,
    edition: str,
    by: Any | None,
    referrals: tuple[int, int] | None = None,
    channel: str = "web",
) -> ReportExport:
    """Check a report request and log it. From the web, `by` must be allowed the area's aggregates;
    the internal edition needs a manager (from the command line too, named with --by)."""
    county = County.objects.filter(code=area).first()
    if county is None:
        raise DomainError(_("No county has the code %(code)s.") % {"code": repr(area)}, field="area")
    check_plan_year(year, "year")
    if format not in Format.values:
        raise DomainError(
            _("The format is one of %(formats)s.") % {"formats": ", ".join(Format.values)}, field="format"
        )
    if edition not in Edition.values:
        raise DomainError(
            _("The edition is one of %(editions)s.") % {"editions": ", ".join(Edition.values)},
            field="edition",
        )
    if channel == "web" and (by is None or area not in aggregates_visible_to(by)):
        raise DomainError(_("You may not generate the report of this county."), field="area")
    if edition == Edition.INTERNAL and (by is None or not may_export_internal(by)):
        raise DomainError(
            _("Only a manager may generate the internal edition (with the workers' names)."), field="edition"
        )
    first, last = referrals or default_referral_years(year)
    if first > last:
        raise DomainError(_("The referral statistics cannot start after they end."), field="referrals")
    if last > year or first < year - 20:
        raise DomainError(
            _("The referral statistics fall between %(first)s and %(last)s.")
            % {"first": year - 20, "last": year},
            field="referrals",
        )
    return ReportExport.objects.create(
        area=county,
        year=year,
        format=format,
        edition=edition,
        referrals_from=first,
        referrals_to=last,
        requested_by=by,
        channel=channel,
    )


def _record(export: ReportExport, **fields: Any) -> None:
    """Progress is written at once, outside any transaction, so the page polling it sees it."""
    ReportExport.objects.filter(pk=export.pk).update(**fields)
    for name, value in fields.items():
        setattr(export, name, value)


def generate(
    export: ReportExport, *, today: datetime.date | None = None, progress: Progress | None = None
) -> bytes:
    """Build and write the report of a logged request; the row ends done (size, digest) or failed."""
    _record(export, status=ExportStatus.RUNNING, progress=1, step="開始")

    def step(percent: int, label: str) -> None:
        _record(export, progress=percent, step=label[:80])
        if progress:
            progress(percent, label)

    try:
        document = build(
            Request(
                area=export.area,
                year=export.year,
                edition=export.edition,
                referrals=(export.referrals_from, export.referrals_to),
                today=today or timezone.localdate(),
            ),
            step,
        )
        step(90, f"輸出 {export.get_format_display()}")
        data = writer(export.format)(document)
    except Exception:
        logger.exception("report %s failed", export.pk)
        _record(
            export,
            status=ExportStatus.FAILED,
            error="產製失敗，請通知系統管理員。",
            finished_at=timezone.now(),
        )
        raise
    _record(
        export,
        status=ExportStatus.DONE,
        progress=100,
        step="完成",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        file_name=download_name(export),
        finished_at=timezone.now(),
    )
    record(
        Action.EXPORT,
        user=export.requested_by,
        username="cli" if export.requested_by is None else "",
        target=export,
        persons=[],
        detail=_export_detail(export),
    )
    step(100, "完成")
    return data


def _export_detail(export: ReportExport) -> dict[str, str | int]:
    return {
        "step": "generated",
        "area": export.area_id,
        "year": export.year,
        "format": export.format,
        "edition": export.edition,
        "sha256": export.sha256,
    }


def record_download(export: ReportExport, by: Any) -> None:
    record(
        Action.EXPORT,
        user=by,
        target=export,
        persons=[],
        detail={**_export_detail(export), "step": "downloaded"},
    )


def generate_to_store(export_id: int) -> None:
    """The job: generate and keep the file for its download link."""
    export = ReportExport.objects.select_related("area").get(pk=export_id)
    data = generate(export)
    path = stored_path(export)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def stored_path(export: ReportExport) -> Path:
    """The export's file in REPORTS_DIR, named by its key and format only: nothing typed names a file."""
    if export.pk is None or export.format not in Format.values:
        raise ValueError(f"no stored file for an export of format {export.format!r}")
    return Path(settings.REPORTS_DIR) / f"{int(export.pk)}.{export.format}"


def download_name(export: ReportExport) -> str:
    """ASCII, for every browser: area code, year, edition and the export's number."""
    return f"safetynet-report-{export.area_id}-{export.year}-{export.edition}-{export.pk}.{export.format}"
