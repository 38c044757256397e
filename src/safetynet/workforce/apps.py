from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "safetynet.workforce"
    verbose_name = "人力"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from safetynet.workforce import models

        auditlog.register(models.Vacancy)
