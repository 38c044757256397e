from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "safetynet.reporting"
    verbose_name = _("Administrative-guidance report")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from safetynet.reporting import models

        # Requested, finished or failed; the job's progress is not a change anyone made.
        auditlog.register(models.ReportExport, exclude_fields=["progress", "step"])
