from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "safetynet.indicators"
    verbose_name = _("Performance indicators")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from safetynet.indicators import models

        auditlog.register(models.ReportedValue)
