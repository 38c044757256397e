"""Small SVG charts for the indicator pages and the annual report: a trend against its target, and
approved against filled positions with the hire-rate threshold.

Pure: the callers pass the figures, the printed labels and every text (zh-Hant or English); nothing
is read from a database or a stylesheet. The SVG carries its own colours and font, so the same text
renders in a browser and in WeasyPrint. A missing value (None) is a gap, never a zero.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "FONT",
    "Group",
    "Point",
    "format_number",
    "format_percent",
    "nice_ticks",
    "Series",
    "stacked_chart",
    "staffing_chart",
    "trend_chart",
]

FONT = "Noto Sans CJK TC, sans-serif"
INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#d9e2ec"
BAR = "#3182bd"
APPROVED = "#c6dbef"
MET = "#1b7a3d"
NOT_MET = "#a61b1b"
TARGET = "#b44d12"
TARGET_DASH = "6 4"
MARK = 6  # the radius of a point that meets its target or not: room for its tick or cross
FONT_SIZE = 12
SMALL = 11

LEFT, RIGHT, TOP = 52, 16, 30
BOTTOM_PER_LINE = 15


@dataclass(frozen=True)
class Point:
    """One period (or role) of a chart: `label` on the x axis ("\\n" breaks it), `value` drawn (None:
    a gap), `shown` printed beside it, `target` drawn as a dashed step, `met` colours it."""

    label: str
    value: float | None
    shown: str = ""
    target: float | None = None
    met: bool | None = None


@dataclass(frozen=True)
class Group:
    """A group of positions (strategy and funding): approved against filled."""

    label: str
    approved: int
    filled: int


@dataclass(frozen=True)
class Series:
    """One layer of a stacked chart: its name in the key and a count per period."""

    label: str
    values: tuple[int, ...]


# The layers of a stacked chart, in order (colour-blind safe: Okabe-Ito).
LAYERS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#f0e442")


def format_number(value: float) -> str:
    """A tick: 30 → "30", 2.5 → "2.5"."""
    return f"{value:g}"


def format_percent(value: float) -> str:
    """A tick of a rate axis: 0.85 → "85%"."""
    return f"{value * 100:g}%"


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round ticks from 0 to at least `top` (1, 2, 2.5 or 5 times a power of ten apart)."""
    if not math.isfinite(top) or top <= 0:
        return [0.0, 1.0]
    raw = top / count
    if raw <= 0:  # a subnormal top: nothing to scale
        return [0.0, 1.0]
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    # Tolerance: 0.3 / 0.1 is 2.9999999999999996 and must give three steps, not four.
    steps = max(1, math.ceil(top / step - 1e-9))
    return [n * step for n in range(steps + 1)]


def _text_width(text: str, size: float) -> float:
    """An estimate of the drawn width: CJK characters are square, Latin ones about half."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.58 for ch in text)


def _attr(value: str) -> str:
    return quoteattr(value)


def _id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text) or "chart"


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _label(x: float, y: float, text: str, *, size: int = SMALL, anchor: str = "middle", **extra: str) -> str:
    """A text of one or more lines ("\\n"), the first on `y`."""
    attrs = "".join(f" {k.rstrip('_').replace('_', '-')}={_attr(v)}" for k, v in extra.items())
    lines = text.split("\n")
    if len(lines) == 1:
        return (
            f'<text x="{_fmt(x)}" y="{_fmt(y)}" font-size="{size}" text-anchor="{anchor}"{attrs}>'
            f"{escape(text)}</text>"
        )
    spans = "".join(
        f'<tspan x="{_fmt(x)}" dy="{0 if i == 0 else size + 2}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text x="{_fmt(x)}" y="{_fmt(y)}" font-size="{size}" text-anchor="{anchor}"{attrs}>{spans}</text>'
    )


def _frame(chart_id: str, width: float, height: float, title: str, description: str, body: list[str]) -> str:
    ident = _id(chart_id)
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id={_attr(ident)} '
            f'width="{_fmt(width)}" height="{_fmt(height)}" viewBox="0 0 {_fmt(width)} {_fmt(height)}" '
            f'role="img" aria-labelledby="{ident}-title {ident}-desc" '
            f'font-family="{FONT}" fill="{INK}">',
            f'<title id="{ident}-title">{escape(title)}</title>',
            f'<desc id="{ident}-desc">{escape(description)}</desc>',
            # White stripes laid over a bar that falls short: told by its pattern, not by its red alone.
            f'<defs><pattern id="{ident}-short" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><line x1="1.5" y1="0" x2="1.5" y2="6" stroke="#ffffff" '
            f'stroke-width="2"/></pattern></defs>',
            f'<rect x="0" y="0" width="{_fmt(width)}" height="{_fmt(height)}" fill="#ffffff"/>',
            *body,
            "</svg>",
        ]
    )


def _mark(x: float, y: float, met: bool, index: int | None = None) -> str:
    """A point's tick (met) or cross (not met), white on its coloured disc: its shape says it, not its
    colour alone (WCAG 1.4.1); the same in a browser, in print and in greyscale."""
    if met:
        d = f"M{_fmt(x - 3)} {_fmt(y + 0.2)}L{_fmt(x - 0.9)} {_fmt(y + 2.4)}L{_fmt(x + 3.1)} {_fmt(y - 2.3)}"
    else:
        a = 2.3
        d = (
            f"M{_fmt(x - a)} {_fmt(y - a)}L{_fmt(x + a)} {_fmt(y + a)}"
            f"M{_fmt(x + a)} {_fmt(y - a)}L{_fmt(x - a)} {_fmt(y + a)}"
        )
    where = "" if index is None else f' data-index="{index}"'
    return (
        f'<path class="mark {"met" if met else "not-met"}"{where} d="{d}" fill="none" stroke="#ffffff" '
        f'stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>'
    )


def _hatch(chart_id: str, x: float, y: float, width: float, height: float, index: int | None = None) -> str:
    """The stripes over a bar that falls short (see `_frame`), or over its swatch in the key."""
    what = "swatch" if index is None else f'short" data-index="{index}'
    return (
        f'<rect class="{what}" x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(width)}" '
        f'height="{_fmt(height)}" fill="url(#{_id(chart_id)}-short)"/>'
    )


KEY_ROW = 18  # the height of a row of the key, above the plot


def _met_key_width(met_label: str, not_met_label: str) -> float:
    return sum(16 + _text_width(text, SMALL) + 14 for text in (met_label, not_met_label))


def _met_key(chart_id: str, x: float, row: int, kind: str, met_label: str, not_met_label: str) -> list[str]:
    """The key of met and not met from `x` on the key's `row` (0: the first): a disc with its tick or
    cross for points, a plain or a striped bar for bars."""
    top = 6 + KEY_ROW * row
    parts = []
    for met, text in ((True, met_label), (False, not_met_label)):
        colour = MET if met else NOT_MET
        if kind == "line":
            parts.append(f'<circle cx="{_fmt(x + 6)}" cy="{top + 6}" r="{MARK}" fill="{colour}"/>')
            parts.append(_mark(x + 6, top + 6, met))
        else:
            parts.append(f'<rect x="{_fmt(x)}" y="{top}" width="12" height="12" fill="{colour}"/>')
            if not met:
                parts.append(_hatch(chart_id, x, top, 12, 12))
        parts.append(_label(x + 16, top + 10, text, anchor="start", class_="key"))
        x += 16 + _text_width(text, SMALL) + 14
    return parts


def _empty(chart_id: str, width: float, height: float, title: str, description: str, text: str) -> str:
    return _frame(
        chart_id,
        width,
        height,
        title,
        description,
        [
            f'<rect x="0.5" y="0.5" width="{_fmt(width - 1)}" height="{_fmt(height - 1)}" fill="none" '
            f'stroke="{GRID}"/>',
            _label(width / 2, height / 2 + 5, text, size=FONT_SIZE, fill=MUTED, class_="empty"),
        ],
    )


def _slots(labels: Sequence[str], minimum: float, width: int | None) -> tuple[float, float]:
    """The width of one x slot and of the whole chart: wide enough for the longest label line."""
    widest = max((_text_width(line, SMALL) for label in labels for line in label.split("\n")), default=0)
    slot = max(minimum, widest + 10)
    if width is not None:
        slot = max(slot, (width - LEFT - RIGHT) / max(len(labels), 1))
    return slot, LEFT + RIGHT + slot * len(labels)


def _axes(
    plot_left: float,
    plot_right: float,
    top: float,
    bottom: float,
    ticks: list[float],
    scale: Callable[[float], float],
    tick_format: Callable[[float], str],
    x_label: str,
    y_label: str,
    height: float,
) -> list[str]:
    parts = []
    for tick in ticks:
        y = scale(tick)
        parts.append(
            f'<line class="gridline" x1="{_fmt(plot_left)}" x2="{_fmt(plot_right)}" y1="{_fmt(y)}" y2="{_fmt(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_label(plot_left - 6, y + 4, tick_format(tick), anchor="end", fill=MUTED, class_="tick"))
    parts.append(
        f'<line x1="{_fmt(plot_left)}" x2="{_fmt(plot_right)}" y1="{_fmt(bottom)}" y2="{_fmt(bottom)}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    if y_label:
        parts.append(_label(6, 14, y_label, anchor="start", fill=MUTED, class_="y-label"))
    if x_label:
        parts.append(_label(plot_right, height - 6, x_label, anchor="end", fill=MUTED, class_="x-label"))
    return parts


def trend_chart(
    points: Sequence[Point],
    *,
    title: str,
    description: str,
    empty_text: str,
    x_label: str = "",
    y_label: str = "",
    target_label: str = "",
    met_label: str = "",
    not_met_label: str = "",
    kind: Literal["line", "bar"] = "line",
    tick_format: Callable[[float], str] = format_number,
    y_max: float | None = None,
    chart_id: str = "chart",
    width: int | None = None,
    height: int = 190,
    slot: float = 44,
) -> str:
    """Values by period (or by role) as a line or bars, each target as a dashed step over its slot,
    each value printed beside its point. `y_max` is the least top of the axis (1.0 for a rate). A point
    that meets its target or not says so by a tick or a cross, a bar that does not by its stripes, both
    named in the key by `met_label` and `not_met_label` (on a row of their own when the first is full)."""
    lines_below = max((p.label.count("\n") + 1 for p in points), default=1)
    bottom_margin = 10 + BOTTOM_PER_LINE * lines_below + (16 if x_label else 0)
    values = [p.value for p in points if p.value is not None]
    if not values:
        return _empty(chart_id, width or 320, height, title, description, empty_text)
    step, total_width = _slots([p.label for p in points], slot, width)
    targets = [p.target for p in points if p.target is not None]
    low = min(0.0, *values, *targets)
    high = max([*values, *targets, y_max or 0.0])
    ticks = nice_ticks(high - low) if low == 0 else nice_ticks(high)
    top_value = ticks[-1] if ticks[-1] > 0 else 1.0
    # The key's row: the axis's name, the target, met and not met; what does not fit goes on a second row.
    key = 6 + (_text_width(y_label, SMALL) + 16 if y_label else 0)
    target_key = key if targets and target_label else None
    if target_key is not None:
        key += 26 + _text_width(target_label, SMALL) + 14
    marked = any(p.met is not None and p.value is not None for p in points)
    met_key: tuple[float, int] | None = None
    if marked and met_label and not_met_label:
        fits = key + _met_key_width(met_label, not_met_label) <= total_width - RIGHT
        met_key = (key, 0) if fits else (6, 1)
    below = KEY_ROW if met_key and met_key[1] else 0
    height += below
    # Room above the top tick for a value's label under the key.
    plot_top, plot_bottom = TOP + 8 + below, height - bottom_margin
    plot_left, plot_right = LEFT, total_width - RIGHT

    def scale(v: float) -> float:
        return plot_bottom - (v - low) / (top_value - low) * (plot_bottom - plot_top)

    def centre(i: int) -> float:
        return plot_left + step * (i + 0.5)

    body = _axes(
        plot_left, plot_right, plot_top, plot_bottom, ticks, scale, tick_format, x_label, y_label, height
    )
    for i, p in enumerate(points):
        body.append(_label(centre(i), plot_bottom + 15, p.label, class_="x-tick", data_index=str(i)))

    def colour(p: Point) -> str:
        return {True: MET, False: NOT_MET, None: BAR}[p.met]

    if kind == "bar":
        bar = min(step * 0.6, 36)
        for i, p in enumerate(points):
            if p.value is None:
                continue
            y = scale(p.value)
            top, tall = min(y, scale(0)), abs(scale(0) - y)
            body.append(
                f'<rect class="bar" data-index="{i}" x="{_fmt(centre(i) - bar / 2)}" y="{_fmt(top)}" '
                f'width="{_fmt(bar)}" height="{_fmt(tall)}" fill="{colour(p)}"/>'
            )
            if p.met is False:
                body.append(_hatch(chart_id, centre(i) - bar / 2, top, bar, tall, i))
    else:
        runs: list[list[tuple[float, float]]] = [[]]
        for i, p in enumerate(points):
            if p.value is None:
                if runs[-1]:
                    runs.append([])
                continue
            runs[-1].append((centre(i), scale(p.value)))
        for run in runs:
            if len(run) > 1:
                coords = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in run)
                body.append(
                    f'<polyline class="trend" points="{coords}" fill="none" stroke="{BAR}" stroke-width="2"/>'
                )
        for i, p in enumerate(points):
            if p.value is not None:
                x, y = centre(i), scale(p.value)
                body.append(
                    f'<circle class="point" data-index="{i}" cx="{_fmt(x)}" cy="{_fmt(y)}" '
                    f'r="{4 if p.met is None else MARK}" fill="{colour(p)}" stroke="#ffffff" stroke-width="1.5"/>'
                )
                if p.met is not None:
                    body.append(_mark(x, y, p.met, i))
    body += _target_steps(points, step, plot_left, scale)
    for i, p in enumerate(points):
        if p.value is None:
            if p.shown:
                body.append(
                    _label(
                        centre(i), plot_bottom - 6, p.shown, fill=MUTED, class_="gap-label", data_index=str(i)
                    )
                )
            continue
        if p.shown:
            y = scale(p.value) - ((8 if p.met is None else MARK + 5) if kind == "line" else 5)
            body.append(
                _label(
                    centre(i), max(y, 11), p.shown, class_="point-label", data_index=str(i), font_weight="600"
                )
            )
    if target_key is not None:
        body.append(
            f'<line x1="{_fmt(target_key)}" x2="{_fmt(target_key + 22)}" y1="12" y2="12" stroke="{TARGET}" '
            f'stroke-width="2" stroke-dasharray="{TARGET_DASH}"/>'
        )
        body.append(_label(target_key + 26, 16, target_label, anchor="start", fill=TARGET, class_="key"))
    if met_key is not None:
        body += _met_key(chart_id, *met_key, kind, met_label, not_met_label)
    return _frame(chart_id, total_width, height, title, description, body)


def _target_steps(
    points: Sequence[Point], step: float, left: float, scale: Callable[[float], float]
) -> list[str]:
    """Each run of equal targets as one dashed horizontal line over its slots."""
    parts = []
    i = 0
    while i < len(points):
        target = points[i].target
        if target is None:
            i += 1
            continue
        j = i
        while j + 1 < len(points) and points[j + 1].target == target:
            j += 1
        y = scale(target)
        parts.append(
            f'<line class="target" data-from="{i}" data-to="{j}" x1="{_fmt(left + step * i + 3)}" '
            f'x2="{_fmt(left + step * (j + 1) - 3)}" y1="{_fmt(y)}" y2="{_fmt(y)}" stroke="{TARGET}" '
            f'stroke-width="2" stroke-dasharray="{TARGET_DASH}"/>'
        )
        i = j + 1
    return parts


def staffing_chart(
    groups: Sequence[Group],
    *,
    title: str,
    description: str,
    empty_text: str,
    threshold: float,
    approved_label: str,
    filled_label: str,
    threshold_label: str,
    short_label: str = "",
    y_label: str = "",
    chart_id: str = "staffing",
    width: int | None = None,
    height: int = 230,
) -> str:
    """Approved and filled positions side by side for each group; a dashed line over each pair at
    `threshold` × approved: the filled bar must reach it (red and striped when it does not, named in the
    key by `short_label`, on a row of its own when the first is full)."""
    lines_below = max((g.label.count("\n") + 1 for g in groups), default=1)
    bottom_margin = 12 + BOTTOM_PER_LINE * lines_below
    if not groups or not any(g.approved or g.filled for g in groups):
        return _empty(chart_id, width or 320, height, title, description, empty_text)
    step, total_width = _slots([g.label for g in groups], 72, width)
    ticks = nice_ticks(max(max(g.approved, g.filled) for g in groups))
    # The key's row: the axis's name, approved, filled, the threshold; then "short", on a second row
    # when the first is full.
    key = 6 + (_text_width(y_label, SMALL) + 16 if y_label else 0)
    key += sum(16 + _text_width(text, SMALL) + 14 for text in (approved_label, filled_label))
    key += 24 + _text_width(threshold_label, SMALL) + 14
    short_key: tuple[float, float] | None = None
    if short_label and any(g.filled < threshold * g.approved for g in groups):
        fits = key + 16 + _text_width(short_label, SMALL) <= total_width - RIGHT
        short_key = (key, 6) if fits else (6, 6 + KEY_ROW)
    below = KEY_ROW if short_key and short_key[1] > 6 else 0
    height += below
    plot_top, plot_bottom = TOP + 4 + below, height - bottom_margin
    plot_left, plot_right = LEFT, total_width - RIGHT

    def scale(v: float) -> float:
        return plot_bottom - v / ticks[-1] * (plot_bottom - plot_top)

    body = _axes(
        plot_left, plot_right, plot_top, plot_bottom, ticks, scale, format_number, "", y_label, height
    )
    bar = min(step * 0.32, 28)
    for i, g in enumerate(groups):
        centre = plot_left + step * (i + 0.5)
        body.append(_label(centre, plot_bottom + 15, g.label, class_="x-tick", data_index=str(i)))
        required = threshold * g.approved
        short = g.filled < required
        for kind, value, x, fill in (
            ("approved", g.approved, centre - bar - 1, APPROVED),
            ("filled", g.filled, centre + 1, NOT_MET if short else MET),
        ):
            y = scale(value)
            body.append(
                f'<rect class="bar {kind}" data-index="{i}" x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(bar)}" '
                f'height="{_fmt(plot_bottom - y)}" fill="{fill}"/>'
            )
            if kind == "filled" and short:
                body.append(_hatch(chart_id, x, y, bar, plot_bottom - y, i))
            body.append(_label(x + bar / 2, y - 4, str(value), class_=f"value {kind}", data_index=str(i)))
        if g.approved:
            y = scale(required)
            body.append(
                f'<line class="threshold" data-index="{i}" x1="{_fmt(centre - bar - 5)}" '
                f'x2="{_fmt(centre + bar + 5)}" y1="{_fmt(y)}" y2="{_fmt(y)}" stroke="{TARGET}" '
                f'stroke-width="2" stroke-dasharray="4 3"/>'
            )
    legend = [(approved_label, APPROVED), (filled_label, MET)]
    # The key starts on the left, after the axis's name: a chart wider than a phone scrolls from there.
    legend_x = 6 + (_text_width(y_label, SMALL) + 16 if y_label else 0)
    for text, swatch in legend:
        body.append(f'<rect x="{_fmt(legend_x)}" y="6" width="12" height="12" fill="{swatch}"/>')
        body.append(_label(legend_x + 16, 16, text, anchor="start", class_="key"))
        legend_x += 16 + _text_width(text, SMALL) + 14
    body.append(
        f'<line x1="{_fmt(legend_x)}" x2="{_fmt(legend_x + 20)}" y1="12" y2="12" stroke="{TARGET}" '
        f'stroke-width="2" stroke-dasharray="4 3"/>'
    )
    body.append(_label(legend_x + 24, 16, threshold_label, anchor="start", fill=TARGET, class_="key"))
    if short_key is not None:
        x, y = short_key
        body.append(f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="12" height="12" fill="{NOT_MET}"/>')
        body.append(_hatch(chart_id, x, y, 12, 12))
        body.append(_label(x + 16, y + 10, short_label, anchor="start", class_="key"))
    return _frame(chart_id, total_width, height, title, description, body)


def stacked_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    empty_text: str,
    y_label: str = "",
    chart_id: str = "stacked",
    width: int | None = None,
    height: int = 220,
    slot: float = 44,
) -> str:
    """Counts per period (`labels`) as bars stacked by series, each total printed over its bar, the
    series named in a key above the plot (wrapping onto more lines when it is wide)."""
    totals = [sum(s.values[i] for s in series if i < len(s.values)) for i in range(len(labels))]
    if not labels or not any(totals):
        return _empty(chart_id, width or 320, height, title, description, empty_text)
    step, total_width = _slots(labels, slot, width)
    # The key: swatch and name per series, as many lines as the width needs.
    key_rows: list[list[tuple[float, Series, str]]] = [[]]
    x = 6.0
    for index, layer in enumerate(series):
        need = 16 + _text_width(layer.label, SMALL) + 14
        if key_rows[-1] and x + need > total_width:
            key_rows.append([])
            x = 6.0
        key_rows[-1].append((x, layer, LAYERS[index % len(LAYERS)]))
        x += need
    key_height = 18 * len(key_rows)
    lines_below = max(label.count("\n") + 1 for label in labels)
    plot_top = key_height + 22 + (14 if y_label else 0)
    plot_bottom = height + key_height - 10 - BOTTOM_PER_LINE * lines_below
    ticks = nice_ticks(max(*totals, 4))
    if any(t != int(t) for t in ticks):  # counts: whole ticks (0, 2.5, 5 … becomes 0, 5, 10)
        ticks = nice_ticks(ticks[-1], count=2)
    plot_left, plot_right = LEFT, total_width - RIGHT

    def scale(v: float) -> float:
        return plot_bottom - v / ticks[-1] * (plot_bottom - plot_top)

    body = _axes(plot_left, plot_right, plot_top, plot_bottom, ticks, scale, format_number, "", "", height)
    if y_label:
        body.append(_label(6, key_height + 14, y_label, anchor="start", fill=MUTED, class_="y-label"))
    for row, entries in enumerate(key_rows):
        for left, layer, colour in entries:
            y = 6 + 18 * row
            body.append(f'<rect x="{_fmt(left)}" y="{y}" width="12" height="12" fill="{colour}"/>')
            body.append(_label(left + 16, y + 10, layer.label, anchor="start", class_="key"))
    bar = min(step * 0.6, 36)
    for i, label in enumerate(labels):
        centre = plot_left + step * (i + 0.5)
        body.append(_label(centre, plot_bottom + 15, label, class_="x-tick", data_index=str(i)))
        base = 0.0
        for index, layer in enumerate(series):
            value = layer.values[i] if i < len(layer.values) else 0
            if not value:
                continue
            top, bottom = scale(base + value), scale(base)
            body.append(
                f'<rect class="bar" data-index="{i}" data-series="{index}" x="{_fmt(centre - bar / 2)}" '
                f'y="{_fmt(top)}" width="{_fmt(bar)}" height="{_fmt(bottom - top)}" '
                f'fill="{LAYERS[index % len(LAYERS)]}"/>'
            )
            base += value
        if totals[i]:
            body.append(
                _label(
                    centre,
                    scale(totals[i]) - 4,
                    str(totals[i]),
                    class_="total",
                    data_index=str(i),
                    font_weight="600",
                )
            )
    return _frame(chart_id, total_width, height + key_height, title, description, body)
