"""The flow's figures: data/report_flow.csv, read and checked line by line."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from safetynet.demo.staffing import PlanDataError
from safetynet.domain.triage import default_rule_set

DATA = Path(__file__).resolve().parent.parent / "data" / "report_flow.csv"


class FlowDataError(PlanDataError):
    """A row of data/report_flow.csv is inconsistent; the message names the line."""


@dataclass(frozen=True)
class RouteTiming:
    assess_days: float
    serve_days: float
    not_opened: float  # share, 0-1


@dataclass(frozen=True)
class FlowData:
    volumes: dict[tuple[str, int], float]
    types: dict[str, float]
    sources: dict[str, dict[str, float]]
    routes: dict[str, RouteTiming]


def load_flow(path: Path = DATA) -> FlowData:
    """Read report_flow.csv (comment lines start with #); every problem names its line."""
    codes = default_rule_set().codes
    volumes: dict[tuple[str, int], float] = {}
    types: dict[str, float] = {}
    sources: dict[str, dict[str, float]] = defaultdict(dict)
    timing: dict[str, dict[str, float]] = defaultdict(dict)
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [(n, line) for n, line in enumerate(handle, start=1) if not line.startswith("#")]
    rows = csv.DictReader(line for _, line in lines)
    for (number, _), row in zip(lines[1:], rows, strict=True):
        where = f"{path.name} line {number}"
        try:
            value = float(row["value"])
        except ValueError:
            raise FlowDataError(f"{where}: value {row['value']!r} is not a number") from None
        if not (math.isfinite(value) and value >= 0):
            raise FlowDataError(f"{where}: value must be 0 or more")
        section, code, item = row["section"], row["code"], row["item"]
        if section == "volume":
            if not (row["area"].isdigit() and row["year"].isdigit()):
                raise FlowDataError(f"{where}: a volume needs a county code and a plan year")
            volumes[(row["area"], int(row["year"]))] = value
        elif section == "type" and code in codes.types:
            types[code] = value
        elif section == "source" and code in codes.types and item in codes.sources:
            sources[code][item] = value
        elif (
            section == "route"
            and code in codes.routes
            and item in ("assess_days", "serve_days", "not_opened")
        ):
            timing[code][item] = value
        else:
            raise FlowDataError(f"{where}: unknown section, code or item ({section} {code} {item})")
    for code in types:
        if not sources.get(code):
            raise FlowDataError(f"{path.name}: report type {code} has no source row")
    routes = {}
    for code, items in timing.items():
        if len(items) != 3:
            raise FlowDataError(f"{path.name}: route {code} needs assess_days, serve_days and not_opened")
        routes[code] = RouteTiming(items["assess_days"], items["serve_days"], items["not_opened"] / 100)
    return FlowData(volumes, types, dict(sources), routes)
