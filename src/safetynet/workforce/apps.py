from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "safetynet.workforce"
    verbose_name = "人力"
