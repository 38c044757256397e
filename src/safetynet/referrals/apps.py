from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "safetynet.referrals"
    verbose_name = _("Referrals & partner network")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from safetynet.referrals import models

        # Who changed a referral, in the same transaction; reasons and outcomes stay out of the log.
        auditlog.register(models.Referral, exclude_fields=["reason", "outcome"])
        auditlog.register(models.Organization)
        auditlog.register(models.Service, m2m_fields={"categories", "towns"})
        auditlog.register(models.Location)
        # The rest of the directory and the reference data the Django admin edits.
        for model in (
            models.ServiceCategory,
            models.Holiday,
            models.PartnerContact,
            models.Phone,
            models.Schedule,
            models.ServiceAtLocation,
        ):
            auditlog.register(model)
