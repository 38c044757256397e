from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "safetynet.org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from safetynet.org import models

        # Who changed the organisation, in the same transaction (the access log names the fields). A
        # unit's kind and towns decide who sees whom; a leave's note may say why, so stays out.
        auditlog.register(models.Agency)
        auditlog.register(models.Unit, m2m_fields={"towns"})
        auditlog.register(models.Role)
        auditlog.register(models.Staff)
        auditlog.register(models.LeavePeriod, exclude_fields=["note"])
