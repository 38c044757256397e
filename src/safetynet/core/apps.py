from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "safetynet.core"
    verbose_name = _("System")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from safetynet.core import checks  # noqa: F401 - registers the system checks

        user_logged_in.connect(_start_session_clock, dispatch_uid="safetynet.core.session_clock")


def _start_session_clock(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from safetynet.core.middleware import start_session_clock

    if request is not None and hasattr(request, "session"):
        start_session_clock(request)
