"""Middleware: the UI language, and a missing field key answered as an installation problem."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

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


class LanguageMiddleware:
    """zh-Hant unless the person chose another language with the switch (the language cookie).

    The browser's Accept-Language is not consulted: staff share machines and kiosks set up in
    English, and the county works in zh-Hant.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
