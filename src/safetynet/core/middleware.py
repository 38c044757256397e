"""A missing field key is an installation problem: answer 503 with one sentence, not a 500 trace."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from safetynet.core.crypto import DecryptionError, KeyRingError

logger = logging.getLogger("safetynet")


class FieldKeyErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, KeyRingError | DecryptionError):
            return None
        logger.error("field encryption: %s", exception)  # key ids only, never values
        return HttpResponse(
            "資料加密金鑰設定有誤，無法讀取受保護的資料，請通知系統管理員。"
            " / The field encryption keys cannot read the stored data; tell the system administrator.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
