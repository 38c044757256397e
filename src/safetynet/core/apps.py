from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safetynet.core"
    verbose_name = "系統"

    def ready(self) -> None:
        from safetynet.core import checks  # noqa: F401 - registers the system checks
