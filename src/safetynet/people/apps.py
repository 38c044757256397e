from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "safetynet.people"
    verbose_name = _("Persons & households")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from safetynet.people import models

        sensitive = ["national_id", "national_id_index", "phones", "address"]
        auditlog.register(models.Person, exclude_fields=sensitive)
        auditlog.register(models.Household, exclude_fields=["address"])
        auditlog.register(models.HouseholdMember)
        auditlog.register(models.Relation)
        auditlog.register(models.RegistryEntry, exclude_fields=["national_id", "national_id_index"])
