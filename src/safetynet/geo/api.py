"""Reference geography: public data (內政部 codes and names), readable without a token."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from safetynet.core.schemas import Detail
from safetynet.geo.models import County

router = Router(tags=["geo"])


class CountyOut(Schema):
    code: str
    name: str
    name_en: str


class TownOut(Schema):
    code: str
    county_code: str
    name: str
    kind: str
    population: int | None


@router.get("/counties", response=list[CountyOut])
def list_counties(request):  # type: ignore[no-untyped-def]
    return County.objects.all()


@router.get("/counties/{code}/towns", response={200: list[TownOut], 404: Detail})
def list_towns(request, code: str):  # type: ignore[no-untyped-def]
    county = get_object_or_404(County, code=code)
    return [
        TownOut(code=t.code, county_code=t.county_id, name=t.name, kind=t.kind, population=t.population)
        for t in county.towns.all()
    ]
