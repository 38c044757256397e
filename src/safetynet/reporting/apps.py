from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "safetynet.reporting"
    verbose_name = "行政輔導報告"
