"""The administrative-guidance report (行政輔導報告) of one area and year, built from records in the
seeds' order: 執行特色 (`features`), 展望與規劃 (`outlook`), 困境與建議 (`difficulties`).

Every figure comes from the indicator engine (`indicators.engine`, through `presentation.Values`) and
the workforce, referral and map services, the same calls the pages make; nothing is typed in. A year
with no records says so table by table. The public edition is built from the same tables with small
cells suppressed and without anyone's name; only the internal edition names workers.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation

from safetynet.domain import rocdate
from safetynet.reporting.build import difficulties, features, outlook
from safetynet.reporting.build.context import Context, Progress, Request, default_referral_years
from safetynet.reporting.document import Document, Section, Table
from safetynet.reporting.models import Edition

LANGUAGE = "zh-hant"  # the report is the central government's: zh-Hant whatever the reader's language
# What the cover adds to the edition's name.
EDITION_NOTES = {Edition.INTERNAL: "（含個人姓名，限機關內部使用）"}

__all__ = ["Request", "build", "default_referral_years"]


def _noop(percent: int, step: str) -> None:
    return None


def build(request: Request, progress: Progress = _noop) -> Document:
    report = Context(request)
    steps: list[tuple[str, Callable[[Context], Section]]] = [
        ("執行特色", features.chapter),
        ("展望與規劃", outlook.chapter),
        ("困境與建議", difficulties.chapter),
    ]
    sections = []
    with translation.override(LANGUAGE):
        edition = Edition(request.edition)
        edition_label = f"{edition.label}{EDITION_NOTES.get(edition, '')}"
        progress(5, "計算績效指標")
        report.catalogue(report.year)
        for index, (label, step) in enumerate(steps):
            progress(10 + index * 25, label)
            sections.append(step(report))
    if report.public:
        for section in sections:
            section.blocks = [b.suppressed() if isinstance(b, Table) else b for b in section.blocks]
    as_of = report.on
    phase = report.phase
    return Document(
        title="強化社會安全網 地方政府行政輔導報告",
        area_code=report.area.code,
        area_name=report.area.name,
        year=report.year,
        edition=edition,
        edition_label=edition_label,
        report_day=request.today,
        as_of=as_of,
        sections=sections,
        summary=[
            f"計畫年度：{report.year}年（{phase.name if phase else '未屬任何計畫期程'}）",
            f"人力與案量計算日：{rocdate.format(as_of)}",
            f"轉介統計期間：{request.referrals[0]}-{request.referrals[1]}年",
            f"產製日期：{rocdate.format(request.today)}；所有數值由系統紀錄計算，非人工填列。",
        ],
    )
