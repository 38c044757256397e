from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "safetynet.workforce"
    verbose_name = _("Workforce")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from safetynet.workforce import models

        auditlog.register(models.Vacancy)
