from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safetynet.core"
    verbose_name = "系統"
