from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "safetynet.cases"
    verbose_name = "個案"
