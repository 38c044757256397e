"""Middleware: the methods pages answer, the UI language, a missing field key answered as an
installation problem, the idle session time-out, and the second sign-in step."""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

from safetynet.core.crypto import DecryptionError, KeyRingError

logger = logging.getLogger("safetynet")


# Pages are read with GET (HEAD follows it) and changed with POST; the API's operations use PATCH too.
# Each view narrows these further (`require_GET`, `require_POST`, ninja's own routing).
PAGE_METHODS = ("GET", "HEAD", "POST")
API_METHODS = ("GET", "HEAD", "POST", "PATCH")


class PageMethodsMiddleware:
    """405 for any method outside those the pages or the API serve, before anything else runs.

    OPTIONS and TRACE would otherwise reach a view written for GET and get its page, with no entry in
    the access log (which judges reads by the method) and no CSRF check (which skips them); PUT,
    DELETE and PATCH would reach the views' GET branch the same way. So no page, no person.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        served = API_METHODS if request.path.startswith("/api/") else PAGE_METHODS
        if request.method not in served:
            return HttpResponseNotAllowed(served)
        return self.get_response(request)


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


# The session's last request, in Unix seconds; rewritten at most once a minute, so that a page full of
# HTMX requests does not write the session each time.
LAST_SEEN = "last_seen"
STAMP_EVERY = 60


def start_session_clock(request: HttpRequest) -> None:
    """At login: the idle clock starts, and the session ends SESSION_COOKIE_AGE from now however active."""
    request.session[LAST_SEEN] = int(time.time())
    request.session.set_expiry(timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE))


def send_to(request: HttpRequest, url: str, *, come_back: bool = True) -> HttpResponse:
    """Redirect to `url`, with `?next=` the page asked for; HTMX requests get HX-Redirect (a whole page)."""
    if come_back and request.method == "GET":
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class IdleTimeoutMiddleware:
    """A session without a request for IDLE_MINUTES is logged out, and its next request sent to log in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(LAST_SEEN)
            minutes = settings.IDLE_MINUTES
            if isinstance(seen, int) and now - seen > minutes * 60:
                logout(request)
                messages.info(
                    request,
                    ngettext(
                        "You were logged out after %(minutes)d minute without activity. Log in again to go on.",
                        "You were logged out after %(minutes)d minutes without activity. Log in again to go on.",
                        minutes,
                    )
                    % {"minutes": minutes},
                )
                return send_to(request, reverse("login"))
            if not isinstance(seen, int) or now - seen >= STAMP_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """An account that needs the second sign-in step reaches no page until it has passed it.

    It is sent to the code page, or to enrol an authenticator app if it has none. Exempt: logging in
    and out, the second step's own pages, the language switch, the health check, static files, and the
    API (bearer tokens, no session).
    """

    EXEMPT_PREFIXES = ("/api/", "/i18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._exempt: set[str] | None = None

    def exempt(self, path: str) -> bool:
        if self._exempt is None:
            names = ("login", "logout", "health", "two_factor", "two_factor_setup")
            self._exempt = {reverse(name) for name in names}
        return path in self._exempt or path.startswith((*self.EXEMPT_PREFIXES, settings.STATIC_URL))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from safetynet.core import two_factor

        user: Any = request.user
        if (
            user.is_authenticated
            and not self.exempt(request.path)
            and two_factor.requires_two_factor(user)
            and not two_factor.is_verified(user)
        ):
            step = "two_factor" if two_factor.totp_device(user) else "two_factor_setup"
            return send_to(request, reverse(step))
        return self.get_response(request)
