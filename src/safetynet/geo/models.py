"""Counties and towns with the 內政部 codes; the reference data ships with the project."""

from __future__ import annotations

from django.db import models


class County(models.Model):
    code = models.CharField("縣市代碼", max_length=5, primary_key=True)
    name = models.CharField("名稱", max_length=10, unique=True)
    name_en = models.CharField("英文名稱", max_length=40)

    class Meta:
        verbose_name = "縣市"
        verbose_name_plural = "縣市"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TownKind(models.TextChoices):
    DISTRICT = "district", "區"
    CITY = "city", "縣轄市"
    URBAN_TOWNSHIP = "urban_township", "鎮"
    TOWNSHIP = "township", "鄉"
    MOUNTAIN = "mountain", "山地原住民鄉(區)"


class TownQuerySet(models.QuerySet["Town"]):
    def in_county(self, county: County | str) -> TownQuerySet:
        code = county.code if isinstance(county, County) else county
        return self.filter(county_id=code)


class Town(models.Model):
    code = models.CharField("鄉鎮市區代碼", max_length=8, primary_key=True)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="towns", verbose_name="縣市")
    name = models.CharField("名稱", max_length=10)
    kind = models.CharField("類別", max_length=20, choices=TownKind.choices)
    population = models.PositiveIntegerField("人口數", null=True, blank=True)
    population_as_of = models.DateField("人口統計日期", null=True, blank=True)

    objects = TownQuerySet.as_manager()

    class Meta:
        verbose_name = "鄉鎮市區"
        verbose_name_plural = "鄉鎮市區"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        return f"{self.county.name}{self.name}"
