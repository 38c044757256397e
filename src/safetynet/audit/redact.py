"""Paths as they may be written down: a secret a path carries replaced by "…".

A single-use referral link (`/referrals/answer/<token>/`) lets whoever holds it read the referral's
person and answer once. Its token must not outlive the page it was shown on: not in the access log's
path, not in the server's request lines, not in Django's warnings about a 404 or a 410. The access log
stores `redact_path(request.path)`; `RedactSecrets` is a logging filter on the loggers that print
request lines (settings LOGGING for Django's, `install_on_gunicorn` for gunicorn's access log).

No Django import: settings LOGGING loads this module before the apps are ready.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

REDACTED = "…"

# Each secret-bearing route: its fixed part, then the secret up to the next "/", "?", space or quote.
# tests/audit/test_redaction.py checks every such route of the URL conf against this list.
SECRET_PATHS = re.compile(r"(/referrals/answer/)[^/?#\s\"']+")


def redact_path(text: str) -> str:
    """`text` (a path, a request line, a URL) with every secret path segment replaced by "…"."""
    return SECRET_PATHS.sub(rf"\g<1>{REDACTED}", text)


def _redact(value: Any) -> Any:
    return redact_path(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """Rewrites a log record's message and arguments so that no secret path reaches a handler.

    On a logger (not a handler), so the record is clean for every handler it propagates to."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_path(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact(arg) for arg in record.args)
        elif isinstance(record.args, Mapping):
            # gunicorn's atoms: a dict subclass that answers "-" for a missing key; kept, values redacted.
            atoms: Any = record.args
            for key, value in list(atoms.items()):
                if isinstance(value, str):
                    atoms[key] = redact_path(value)
        return True


GUNICORN_LOGGERS = ("gunicorn.access", "gunicorn.error")


def install_on_gunicorn() -> None:
    """gunicorn's loggers are set up by gunicorn before Django starts: configuring them through
    LOGGING would take away their handlers, so the filter is added to them as they are."""
    for name in GUNICORN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
