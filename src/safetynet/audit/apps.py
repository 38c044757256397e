from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "safetynet.audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from safetynet.audit import receivers  # noqa: F401  (connects the change and login signals)
        from safetynet.audit.redact import install_on_gunicorn

        install_on_gunicorn()
