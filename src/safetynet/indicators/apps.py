from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "safetynet.indicators"
    verbose_name = "績效指標"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from safetynet.indicators import models

        auditlog.register(models.ReportedValue)
