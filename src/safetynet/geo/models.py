"""Counties and towns with the 內政部 codes; the reference data ships with the project."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class County(models.Model):
    code = models.CharField(_("county code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=10, unique=True)
    name_en = models.CharField(_("English name"), max_length=40)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TownKind(models.TextChoices):
    DISTRICT = "district", _("District")
    CITY = "city", _("County-administered city")
    URBAN_TOWNSHIP = "urban_township", _("Urban township")
    TOWNSHIP = "township", _("Rural township")
    MOUNTAIN = "mountain", _("Mountain indigenous township")


class TownQuerySet(models.QuerySet["Town"]):
    def in_county(self, county: County | str) -> TownQuerySet:
        code = county.code if isinstance(county, County) else county
        return self.filter(county_id=code)


class Town(models.Model):
    code = models.CharField(_("town code"), max_length=8, primary_key=True)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="towns", verbose_name=_("county")
    )
    name = models.CharField(_("name"), max_length=10)
    kind = models.CharField(_("kind"), max_length=20, choices=TownKind.choices)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_as_of = models.DateField(_("population as of"), null=True, blank=True)

    objects = TownQuerySet.as_manager()

    class Meta:
        verbose_name = _("town")
        verbose_name_plural = _("towns")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        return f"{self.county.name}{self.name}"
