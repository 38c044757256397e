"""Choropleth maps of a county's towns: figures, suppression, class breaks, projection and SVG.

Pure and data-driven: the callers pass GeoJSON geometries, one figure per town code, markers, gap
codes and the texts to print. The web map (Leaflet) and the report image (SVG) take their colours from
`shade()`, so the page and the image never disagree.

Small counts identify people: a count under `SUPPRESS_BELOW` is never printed (it shows as "<3") and
no rate is computed from it, since a rate and a known population give the count back.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

SUPPRESS_BELOW = 3
SUPPRESSED_TEXT = f"<{SUPPRESS_BELOW}"
NO_DATA_TEXT = "—"

# ColorBrewer Blues: sequential, readable in grey print, and far from the red of the gap outline.
# The lightest blue stays well away from white (no data) and from the grey of suppressed towns.
PALETTE = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
SUPPRESSED_FILL = "#d9d9d9"
SUPPRESSED_HATCH = "#8c8c8c"
NO_DATA_FILL = "#ffffff"
BORDER = "#4a5a68"
GAP_STROKE = "#d62728"
GAP_DASH = "8 4"
MARKER_FILL = "#f28e2b"
MARKER_STROKE = "#5b2c00"
FONT = "Noto Sans CJK TC"


def is_suppressed(count: int) -> bool:
    """The suppression rule: a count of fewer than three people is not shown."""
    return count < SUPPRESS_BELOW


@dataclass(frozen=True)
class Figure:
    """A town's figure: `value` shades the town (None when suppressed or unknown), `shown` is printed."""

    value: float | None
    shown: str
    suppressed: bool = False


SUPPRESSED = Figure(None, SUPPRESSED_TEXT, suppressed=True)
NO_DATA = Figure(None, NO_DATA_TEXT)


def format_number(value: float, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}"


def count_figure(count: int | None, *, suppress: bool = True) -> Figure:
    """A count; `suppress=False` for public statistics such as population."""
    if count is None:
        return NO_DATA
    if suppress and is_suppressed(count):
        return SUPPRESSED
    return Figure(float(count), format_number(count))


def rate_figure(count: int, population: int | None, *, per: int = 1000, decimals: int = 2) -> Figure:
    """`count` per `per` residents; the suppression rule applies to the count before any division."""
    if is_suppressed(count):
        return SUPPRESSED
    if not population:
        return NO_DATA
    rate = count * per / population
    return Figure(rate, format_number(rate, decimals))


# --- classes -------------------------------------------------------------------------------------


def class_breaks(values: Iterable[float], classes: int = len(PALETTE)) -> tuple[float, ...]:
    """Quantile classes: the upper bound of each class, strictly ascending, the last one the maximum.

    Fewer classes than asked when there are fewer distinct values; none without values."""
    ordered = sorted(values)
    if not ordered or classes < 1:
        return ()
    count = min(classes, len(set(ordered)))
    bounds: list[float] = []
    for i in range(1, count + 1):
        bound = ordered[math.ceil(i * len(ordered) / count) - 1]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return tuple(bounds)


def class_of(value: float, breaks: Sequence[float]) -> int:
    """The index of the class holding `value`: the first whose upper bound is not below it."""
    for index, bound in enumerate(breaks):
        if value <= bound:
            return index
    return len(breaks) - 1


def colours(count: int) -> tuple[str, ...]:
    """`count` colours of the palette, spread from lightest to darkest."""
    if count <= 0:
        return ()
    if count == 1:
        return (PALETTE[len(PALETTE) // 2],)
    last = len(PALETTE) - 1
    return tuple(PALETTE[round(i * last / (count - 1))] for i in range(count))


@dataclass(frozen=True)
class LegendEntry:
    fill: str
    label: str


@dataclass(frozen=True)
class Shading:
    breaks: tuple[float, ...]
    fills: Mapping[str, str]
    classes: tuple[LegendEntry, ...]
    any_suppressed: bool
    any_missing: bool


def shade(figures: Mapping[str, Figure], *, decimals: int = 0, classes: int = len(PALETTE)) -> Shading:
    """Each town's fill and the legend's classes, from the figures of the towns."""
    values = [f.value for f in figures.values() if f.value is not None]
    breaks = class_breaks(values, classes)
    ramp = colours(len(breaks))
    fills: dict[str, str] = {}
    for code, figure in figures.items():
        if figure.suppressed:
            fills[code] = SUPPRESSED_FILL
        elif figure.value is None:
            fills[code] = NO_DATA_FILL
        else:
            fills[code] = ramp[class_of(figure.value, breaks)]
    return Shading(
        breaks=breaks,
        fills=fills,
        classes=tuple(
            LegendEntry(ramp[i], label) for i, label in enumerate(class_labels(values, breaks, decimals))
        ),
        any_suppressed=any(f.suppressed for f in figures.values()),
        any_missing=any(f.value is None and not f.suppressed for f in figures.values()),
    )


def class_labels(values: Sequence[float], breaks: Sequence[float], decimals: int = 0) -> list[str]:
    """ "low–high" per class; whole-number classes start one above the previous bound."""
    if not breaks:
        return []
    whole = decimals == 0 and all(float(v).is_integer() for v in values)
    labels = []
    low = min(values)
    for index, high in enumerate(breaks):
        if index:
            low = breaks[index - 1] + 1 if whole else breaks[index - 1]
        if format_number(low, decimals) == format_number(high, decimals):
            labels.append(format_number(high, decimals))
        else:
            labels.append(f"{format_number(low, decimals)}–{format_number(high, decimals)}")
    return labels


# --- projection ----------------------------------------------------------------------------------

Point = tuple[float, float]


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    def contains(self, point: Point, tolerance: float = 1e-6) -> bool:
        x, y = point
        return (
            self.x - tolerance <= x <= self.x + self.width + tolerance
            and self.y - tolerance <= y <= self.y + self.height + tolerance
        )


@dataclass(frozen=True)
class Bounds:
    west: float
    south: float
    east: float
    north: float


def rings(geometry: Mapping[str, Any]) -> Iterator[Sequence[Sequence[float]]]:
    """Every ring of a GeoJSON Polygon or MultiPolygon (outer rings and holes)."""
    kind = geometry.get("type")
    if kind == "Polygon":
        yield from geometry["coordinates"]
    elif kind == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def bounds_of(geometries: Iterable[Mapping[str, Any]]) -> Bounds | None:
    lons: list[float] = []
    lats: list[float] = []
    for geometry in geometries:
        for ring in rings(geometry):
            for position in ring:
                lons.append(float(position[0]))
                lats.append(float(position[1]))
    if not lons:
        return None
    return Bounds(min(lons), min(lats), max(lons), max(lats))


@dataclass(frozen=True)
class Projection:
    """Equirectangular with longitudes shrunk by cos(latitude) at the centre, fitted into a box."""

    bounds: Bounds
    scale: float
    x0: float
    y0: float
    shrink: float

    def __call__(self, lon: float, lat: float) -> Point:
        return (
            self.x0 + (lon - self.bounds.west) * self.shrink * self.scale,
            self.y0 + (self.bounds.north - lat) * self.scale,
        )


def fit(bounds: Bounds, box: Box) -> Projection:
    """The largest projection of `bounds` that fits in `box`, centred in it."""
    shrink = math.cos(math.radians((bounds.north + bounds.south) / 2))
    span_x = (bounds.east - bounds.west) * shrink
    span_y = bounds.north - bounds.south
    scales = [
        s for s in (box.width / span_x if span_x > 0 else 0, box.height / span_y if span_y > 0 else 0) if s
    ]
    scale = min(scales) if scales else 1.0
    return Projection(
        bounds=bounds,
        scale=scale,
        x0=box.x + (box.width - span_x * scale) / 2,
        y0=box.y + (box.height - span_y * scale) / 2,
        shrink=shrink,
    )


# --- SVG -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Marker:
    longitude: float
    latitude: float
    label: str


@dataclass(frozen=True)
class Texts:
    """What the image prints, in the report's language; an empty text leaves its line out."""

    title: str
    subtitle: str = ""
    legend_title: str = ""
    suppressed: str = ""
    no_data: str = ""
    gap: str = ""
    marker: str = ""
    gap_list: str = ""
    none_missing: str = ""
    note: str = ""


WIDTH = 960
MAP_BOX = Box(16, 92, 624, 572)  # the most the map may take; the image is cut to what it uses
PANEL_X = 664
PANEL_CHARS = 17  # full-width characters per legend line at 14px in the 280px panel
MARGIN = 16
HATCH_ID = "suppressed-hatch"


def _attr(value: object) -> str:
    return escape(str(value), {'"': "&quot;"})


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _path(geometry: Mapping[str, Any], project: Projection) -> str:
    parts = []
    for ring in rings(geometry):
        points = [project(float(p[0]), float(p[1])) for p in ring]
        if points:
            parts.append("M" + "L".join(f"{_num(x)},{_num(y)}" for x, y in points) + "Z")
    return "".join(parts)


def label_point(geometry: Mapping[str, Any]) -> Point | None:
    """The centroid of the largest outer ring, where a town's name goes (lon, lat)."""
    outers: list[Sequence[Sequence[float]]] = []
    if geometry.get("type") == "Polygon" and geometry["coordinates"]:
        outers = [geometry["coordinates"][0]]
    elif geometry.get("type") == "MultiPolygon":
        outers = [polygon[0] for polygon in geometry["coordinates"] if polygon]
    best: tuple[float, Point] | None = None
    for ring in outers:
        area = cx = cy = 0.0
        for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:], strict=False):
            cross = x1 * y2 - x2 * y1
            area += cross
            cx += (x1 + x2) * cross
            cy += (y1 + y2) * cross
        if area == 0:
            continue
        point = (cx / (3 * area), cy / (3 * area))
        if best is None or abs(area) > best[0]:
            best = (abs(area), point)
    return best[1] if best else None


def text_width(text: str) -> float:
    """Width in full-width characters: CJK and full-width punctuation 1, ASCII about half."""
    return sum(0.55 if ord(c) < 0x2E80 else 1.0 for c in text)


BREAK_AFTER = "、，。；：）) "


def wrap(text: str, width: float) -> list[str]:
    """Lines no wider than `width`, broken after punctuation where possible (CJK has no spaces)."""
    lines: list[str] = []
    line = ""
    last_break = -1
    for char in text:
        if text_width(line + char) > width and line:
            if last_break >= 0 and last_break < len(line) - 1:
                lines.append(line[: last_break + 1])
                line = line[last_break + 1 :]
            else:
                lines.append(line)
                line = ""
            last_break = max((i for i, c in enumerate(line) if c in BREAK_AFTER), default=-1)
        line += char
        if char in BREAK_AFTER:
            last_break = len(line) - 1
    if line:
        lines.append(line)
    return [x.strip() for x in lines if x.strip()]


def render_svg(
    features: Sequence[Mapping[str, Any]],
    figures: Mapping[str, Figure],
    *,
    texts: Texts,
    gaps: Iterable[str] = (),
    markers: Sequence[Marker] = (),
    decimals: int = 0,
) -> str:
    """The map as a standalone SVG document: one path per town, gap outlines, markers, legend.

    `features` are GeoJSON features whose properties carry `code` and `name`. The map is fitted to
    the width of its box; the image is as tall as the map or the legend needs."""
    gap_codes = set(gaps)
    shading = shade(figures, decimals=decimals)
    bounds = bounds_of(f["geometry"] for f in features) or Bounds(0, 0, 1, 1)
    used = fit(bounds, MAP_BOX)
    map_height = (bounds.north - bounds.south) * used.scale
    project = fit(bounds, Box(MAP_BOX.x, MAP_BOX.y, MAP_BOX.width, max(map_height, 1.0)))
    legend, legend_bottom = _legend(shading, texts, gap_codes, features, bool(markers))
    height = math.ceil(max(MAP_BOX.y + map_height, legend_bottom) + MARGIN)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" font-family="{FONT}" role="img" aria-label="{_attr(texts.title)}">',
        f"<title>{escape(texts.title)}</title>",
        f'<defs><pattern id="{HATCH_ID}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{SUPPRESSED_FILL}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{SUPPRESSED_HATCH}" stroke-width="1.5"/></pattern></defs>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="{MARGIN}" y="40" font-size="24" font-weight="700" fill="#1f2933">{escape(texts.title)}</text>',
    ]
    if texts.subtitle:
        out.append(f'<text x="{MARGIN}" y="68" font-size="15" fill="#52606d">{escape(texts.subtitle)}</text>')

    # Gap towns last, so that their outline lies on top of their neighbours' borders.
    ordered = sorted(features, key=lambda f: f["properties"]["code"] in gap_codes)
    out.append(f'<g stroke-linejoin="round" fill-rule="evenodd" stroke="{BORDER}" data-part="towns">')
    for feature in ordered:
        code = str(feature["properties"]["code"])
        name = str(feature["properties"].get("name", code))
        figure = figures.get(code, NO_DATA)
        fill = f"url(#{HATCH_ID})" if figure.suppressed else shading.fills.get(code, NO_DATA_FILL)
        stroke = (
            f' stroke="{GAP_STROKE}" stroke-width="3" stroke-dasharray="{GAP_DASH}"'
            if code in gap_codes
            else ' stroke-width="0.8"'
        )
        out.append(
            f'<path data-code="{_attr(code)}" class="town{" gap" if code in gap_codes else ""}" '
            f'fill="{fill}"{stroke} d="{_path(feature["geometry"], project)}">'
            f"<title>{escape(f'{name}：{figure.shown}')}</title></path>"
        )
    out.append("</g>")

    if markers:
        out.append(f'<g fill="{MARKER_FILL}" stroke="{MARKER_STROKE}" stroke-width="1" data-part="markers">')
        for marker in markers:
            x, y = project(marker.longitude, marker.latitude)
            if MAP_BOX.contains((x, y)):
                out.append(
                    f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4.5"><title>{escape(marker.label)}</title></circle>'
                )
        out.append("</g>")

    # Names above the markers: a report's reader must be able to tell the towns apart. Each label is
    # drawn twice, a white halo under the dark text (WeasyPrint ignores paint-order).
    labels = []
    for feature in features:
        where = label_point(feature["geometry"])
        if where is None:
            continue
        x, y = project(*where)
        code = str(feature["properties"]["code"])
        name = str(feature["properties"].get("name", code))
        shown = figures.get(code, NO_DATA).shown
        labels.append(
            f'<text x="{_num(x)}" y="{_num(y - 2)}">{escape(name)}</text>'
            f'<text x="{_num(x)}" y="{_num(y + 12)}" font-size="11">{escape(shown)}</text>'
        )
    out.append(
        '<g font-size="12" text-anchor="middle" fill="#ffffff" stroke="#ffffff" stroke-width="2.5" '
        'stroke-linejoin="round" aria-hidden="true" data-part="halo">'
    )
    out.extend(labels)
    out.append("</g>")
    out.append('<g font-size="12" text-anchor="middle" fill="#1f2933" data-part="labels">')
    out.extend(labels)
    out.append("</g>")
    out.extend(legend)
    out.append("</svg>")
    return "\n".join(out)


def _legend(
    shading: Shading, texts: Texts, gap_codes: set[str], features: Sequence[Mapping[str, Any]], markers: bool
) -> tuple[list[str], float]:
    """The legend's elements, and how far down it reaches."""
    x = PANEL_X
    y = MAP_BOX.y + 8
    out = ['<g font-size="14" fill="#1f2933" data-part="legend">']

    def line(text: str, step: float = 22, extra: str = "") -> None:
        nonlocal y
        out.append(f'<text x="{x}" y="{_num(y + 14)}"{extra}>{escape(text)}</text>')
        y += step

    def swatch(fill: str, label: str, stroke: str = f'stroke="{BORDER}" stroke-width="0.8"') -> None:
        nonlocal y
        out.append(f'<rect x="{x + 1}" y="{y}" width="22" height="16" fill="{fill}" {stroke}/>')
        for i, text in enumerate(wrap(label, PANEL_CHARS - 2)):
            if i:
                y += 20
            out.append(f'<text x="{x + 32}" y="{_num(y + 13)}">{escape(text)}</text>')
        y += 24

    for text in wrap(texts.legend_title, PANEL_CHARS):
        line(text, extra=' font-weight="700"')
    y += 4
    for entry in shading.classes:
        swatch(entry.fill, entry.label)
    if shading.any_suppressed and texts.suppressed:
        swatch(f"url(#{HATCH_ID})", texts.suppressed)
    if shading.any_missing and texts.no_data:
        swatch(NO_DATA_FILL, texts.no_data)
    if texts.gap:
        swatch("none", texts.gap, f'stroke="{GAP_STROKE}" stroke-width="3" stroke-dasharray="6 3"')
    if markers and texts.marker:
        out.append(
            f'<circle cx="{x + 12}" cy="{y + 8}" r="4.5" fill="{MARKER_FILL}" stroke="{MARKER_STROKE}"/>'
        )
        for i, text in enumerate(wrap(texts.marker, PANEL_CHARS - 2)):
            if i:
                y += 20
            out.append(f'<text x="{x + 32}" y="{_num(y + 13)}">{escape(text)}</text>')
        y += 24
    if texts.gap_list:
        y += 12
        for text in wrap(texts.gap_list, PANEL_CHARS):
            line(text, extra=' font-weight="700"')
        names = [
            str(f["properties"].get("name", f["properties"]["code"]))
            for f in sorted(features, key=lambda f: str(f["properties"]["code"]))
            if f["properties"]["code"] in gap_codes
        ]
        for text in wrap("、".join(names) if names else texts.none_missing, PANEL_CHARS):
            line(text, step=20)
    if texts.note:
        y += 16
        for text in wrap(texts.note, PANEL_CHARS + 3):
            out.append(
                f'<text x="{x}" y="{_num(y + 12)}" font-size="12" fill="#52606d">{escape(text)}</text>'
            )
            y += 17
    out.append("</g>")
    return out, y
