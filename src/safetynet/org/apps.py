from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "safetynet.org"
    verbose_name = "組織"
