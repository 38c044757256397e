"""The report's formats: each writes the same `Document` to bytes."""

from __future__ import annotations

from collections.abc import Callable

from safetynet.reporting.document import Document


def writer(format: str) -> Callable[[Document], bytes]:
    if format == "pdf":
        from safetynet.reporting.formats.pdf import write
    elif format == "xlsx":
        from safetynet.reporting.formats.xlsx import write
    elif format == "docx":
        from safetynet.reporting.formats.docx import write
    else:
        raise ValueError(f"unknown report format {format!r}")
    return write
