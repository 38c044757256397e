from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "safetynet.intake"
    verbose_name = _("Reports and screening")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from safetynet.intake import models

        # The narrative and the reporter are encrypted and stay out of the change log.
        auditlog.register(models.Report, exclude_fields=["narrative", "reporter"])
        auditlog.register(models.RouteService)
