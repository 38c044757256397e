from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "safetynet.indicators"
    verbose_name = "績效指標"
