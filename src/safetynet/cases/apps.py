from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "safetynet.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from safetynet.cases import models

        # Who changed what on a case, in the same transaction; note texts stay out of the log (encrypted).
        auditlog.register(models.Case, exclude_fields=["plan_goals", "plan_tasks"], m2m_fields={"co_workers"})
        auditlog.register(models.Contact, exclude_fields=["note", "next_step"])
        auditlog.register(models.ContactRevision, exclude_fields=["note", "next_step"])
        auditlog.register(models.Assessment, exclude_fields=["answers", "result"])
        auditlog.register(models.Closure, exclude_fields=["summary"])
        auditlog.register(models.Transfer)
        auditlog.register(models.SupervisionSession, exclude_fields=["notes"], m2m_fields={"attendees"})
        auditlog.register(models.SupervisionCase, exclude_fields=["note"])
        auditlog.register(models.FollowUpRule)
