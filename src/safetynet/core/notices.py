"""Notification texts in the reader's language.

A service writes a notification as an English msgid marked with `gettext_noop` (so `make messages`
finds it) and its values, e.g. `N_("New dispatch: %(name)s (%(route)s)")` with
`{"name": "林柏恩", "route": "SWC"}`. The values are kept as they are (a route as its code) and turned
into words when the notification is read, in the language of the page: a route code into its name
(`words.route_name`), a clock's label and a code list's label into English on an English page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from safetynet.core import words

# How a value is read, by the name it has in the message; any other value is shown as stored.
CONVERTERS: dict[str, Callable[[Any], str]] = {
    "route": words.route_name,
    "clock": words.clock_label,
    "reason": words.term,  # a code list's zh-Hant label (a closure reason, 「全部人員請假…」)
    "status": words.referral_status_name,
}


def _value(name: str, value: Any) -> str:
    convert = CONVERTERS.get(name)
    return convert(value) if convert is not None else str(value)


def render(template: str, params: Mapping[str, Any] | None, *, fallback: str = "") -> str:
    """The message of `template` with `params`, in the active language; `fallback` for a notification
    written before messages had templates, or one whose translation no longer fits its values."""
    if not template:
        return fallback
    values = {name: _value(name, value) for name, value in (params or {}).items()}
    try:
        return gettext(template) % values
    except (KeyError, TypeError, ValueError):
        return fallback or template


def render_zh(template: str, params: Mapping[str, Any] | None) -> str:
    """The zh-Hant text kept in `Notification.message` (the admin, exports and older code read it)."""
    with translation.override("zh-hant"):
        return render(template, params)
