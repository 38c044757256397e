from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safetynet.audit"
    verbose_name = "稽核"

    def ready(self) -> None:
        from safetynet.audit import receivers  # noqa: F401  (connects the change and login signals)
        from safetynet.audit.redact import install_on_gunicorn

        install_on_gunicorn()
