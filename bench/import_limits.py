"""Benchmark: `safetynet import` of hostile files, refused in bounded memory, against a floor.

    .venv/bin/python bench/import_limits.py [--keep]

Builds each file in a temporary folder, migrates a fresh SQLite database there, and runs
`safetynet import persons FILE` in a child process for each; prints the file's size, what it unpacks
to, the command's answer (its last line), seconds, the child's peak memory (ru_maxrss) and its ratio to
the floor:
- floor: a small valid CSV and a small valid XLSX (10 persons each, imported);
- bomb: one shared string of 1.5 GB in an XLSX of about 1.5 MB (refused: unpacks beyond 64 MB);
- 3M rows XLSX: three million rows (refused: unpacks beyond 64 MB);
- 150k rows XLSX: 150,000 rows that unpack to less than 64 MB (refused at row 100,002);
- 3M rows CSV: three million rows (refused at row 100,002);
- small strings: 23 MB of a million distinct short shared strings (just under their 24 MB limit, the
  most openpyxl holds at once) and 150,000 rows: refused at row 100,002;
- long cell XLSX: a cell of 50 million characters (refused: longer than 10,000 characters);
- long cell CSV: a cell of 100,000 characters (refused the same way).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

SAFETYNET = str(Path(sys.executable).with_name("safetynet"))
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER = b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="B1" t="inlineStr"><is><t>sex</t></is></c></row>'
MB = 1024 * 1024


def workbook(path: Path, parts: dict[str, Iterable[bytes]]) -> Path:
    """A real workbook (openpyxl's: header `name, sex`, one person) with parts replaced by the chunks
    given, written as they come (never whole in memory)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["name", "sex"])
    book.active.append(["王小明", "F"])
    template = io.BytesIO()
    book.save(template)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in parts:
                with target.open(info.filename, "w", force_zip64=True) as part:
                    for chunk in parts[info.filename]:
                        part.write(chunk)
            elif info.filename == "[Content_Types].xml" and STRINGS in parts:
                types = source.read(info.filename).replace(b"</Types>", STRINGS_TYPE + b"</Types>")
                target.writestr(info, types)
            else:
                target.writestr(info, source.read(info.filename))
        for name in set(parts) - set(source.namelist()):
            with target.open(name, "w", force_zip64=True) as part:
                for chunk in parts[name]:
                    part.write(chunk)
    return path


def one_shared_string(size: int) -> Iterator[bytes]:
    yield b"<sst " + MAIN + b"><si><t>"
    chunk = b"a" * MB
    for _ in range(size // MB):
        yield chunk
    yield b"</t></si></sst>"


def small_shared_strings(count: int) -> Iterator[bytes]:
    yield b"<sst " + MAIN + b">"
    for start in range(0, count, 10_000):
        yield b"".join(b"<si><t>%d</t></si>" % n for n in range(start, min(start + 10_000, count)))
    yield b"</sst>"


def rows(count: int, *, shared: int = 0, cell: bytes = b"") -> Iterator[bytes]:
    """Sheet XML: the header, then `count` rows of a name (inline, or shared string n % shared) and a sex."""
    yield b"<worksheet " + MAIN + b"><sheetData>" + HEADER
    if cell:
        yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
        for start in range(0, len(cell), MB):
            yield cell[start : start + MB]
        yield b'</t></is></c><c r="B2" t="inlineStr"><is><t>F</t></is></c></row>'
    for start in range(2, count + 2, 10_000):
        batch = []
        for n in range(start, min(start + 10_000, count + 2)):
            name = (
                b'<c r="A%d" t="s"><v>%d</v></c>' % (n, n % shared)
                if shared
                else b'<c r="A%d" t="inlineStr"><is><t>x</t></is></c>' % n
            )
            batch.append(b'<row r="%d">%s<c r="B%d" t="inlineStr"><is><t>F</t></is></c></row>' % (n, name, n))
        yield b"".join(batch)
    yield b"</sheetData></worksheet>"


def unpacked(path: Path) -> int:
    if path.suffix != ".xlsx":
        return path.stat().st_size
    with zipfile.ZipFile(path) as archive:
        return sum(i.file_size for i in archive.infolist())


def build(folder: Path) -> list[tuple[str, Path]]:
    valid = "name,sex\n" + "".join(f"王{i},F\n" for i in range(10))
    (folder / "floor.csv").write_text(valid, encoding="utf-8")
    import openpyxl

    book = openpyxl.Workbook()
    for line in valid.splitlines():
        book.active.append(line.split(","))
    book.save(folder / "floor.xlsx")
    (folder / "rows.csv").write_text("name,sex\n" + "x,F\n" * 3_000_000, encoding="utf-8")
    (folder / "cell.csv").write_text("name,sex\n" + "長" * 100_000 + ",F\n", encoding="utf-8")
    return [
        ("floor CSV", folder / "floor.csv"),
        ("floor XLSX", folder / "floor.xlsx"),
        (
            "bomb: 1.5 GB shared string",
            workbook(folder / "bomb.xlsx", {STRINGS: one_shared_string(1536 * MB)}),
        ),
        ("3M rows XLSX", workbook(folder / "rows3m.xlsx", {SHEET: rows(3_000_000)})),
        ("150k rows XLSX", workbook(folder / "rows150k.xlsx", {SHEET: rows(150_000)})),
        ("3M rows CSV", folder / "rows.csv"),
        (
            "1M small shared strings, 150k rows",
            workbook(
                folder / "strings.xlsx",
                {STRINGS: small_shared_strings(1_000_000), SHEET: rows(150_000, shared=1_000_000)},
            ),
        ),
        (
            "long cell XLSX (50M chars)",
            workbook(folder / "cell.xlsx", {SHEET: rows(0, cell=b"a" * 50_000_000)}),
        ),
        ("long cell CSV (100k chars)", folder / "cell.csv"),
    ]


def run(path: Path, environment: dict[str, str]) -> tuple[int, str, float, float]:
    """Exit code, the last line said, seconds and peak memory (MiB) of `safetynet import persons`."""
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - our own command
        [SAFETYNET, "import", "persons", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=environment,
    )
    assert child.stdout is not None  # noqa: S101 - piped above
    output = child.stdout.read().decode(errors="replace")
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    lines = [line for line in output.splitlines() if line.strip()]
    said = lines[-2] + " / " + lines[-1] if len(lines) >= 2 and "nothing imported" in lines[-1] else lines[-1]
    return (
        os.waitstatus_to_exitcode(status),
        said.replace(str(path.parent) + "/", ""),
        seconds,
        usage.ru_maxrss / 1024,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--only", default="", help="run the floors and the cases whose name has this")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="import-limits-"))
    environment = {**os.environ, "SAFETYNET_DATA_DIR": str(folder / "data")}
    environment.pop("DATABASE_URL", None)
    try:
        subprocess.run([SAFETYNET, "migrate", "-v", "0"], env=environment, check=True)  # noqa: S603
        started = time.perf_counter()
        cases = build(folder)
        print(f"files built in {time.perf_counter() - started:.1f} s in {folder}")
        floor = 0.0
        print(
            f"{'case':38} {'file':>9} {'unpacked':>10} {'exit':>4} {'s':>6} {'peak MiB':>9} {'× floor':>8}  answer"
        )
        for name, path in cases:
            if args.only and not name.startswith("floor") and args.only not in name:
                continue
            code, said, seconds, peak = run(path, environment)
            floor = max(floor, peak) if name.startswith("floor") else floor
            ratio = f"{peak / floor:.2f}" if floor else "-"
            size, whole = path.stat().st_size / MB, unpacked(path) / MB
            print(
                f"{name:38} {size:8.1f}M {whole:9.1f}M {code:>4} {seconds:6.1f} {peak:9.0f} {ratio:>8}  {said}"
            )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
