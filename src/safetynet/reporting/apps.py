from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "safetynet.reporting"
    verbose_name = "行政輔導報告"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from safetynet.reporting import models

        # Requested, finished or failed; the job's progress is not a change anyone made.
        auditlog.register(models.ReportExport, exclude_fields=["progress", "step"])
