from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "safetynet.intake"
    verbose_name = "通報與篩派"
