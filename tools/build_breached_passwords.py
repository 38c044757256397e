"""Build `src/safetynet/core/data/breached_passwords.txt.gz`: known-breached passwords, lower-cased.

Django's own common-passwords list (20,000 passwords from breach corpora) plus the obvious local ones:
the product's and the county's names, Taiwanese words and keyboard patterns, each with the suffixes
people add to pass a length rule. Run it again after changing the lists below; the output is sorted,
so a rebuild without changes gives the same file.

    .venv/bin/python tools/build_breached_passwords.py
"""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "src" / "safetynet" / "core" / "data" / "breached_passwords.txt.gz"
DJANGO_LIST = Path(django.__file__).resolve().parent / "contrib" / "auth" / "common-passwords.txt.gz"

# Words someone here reaches for: the product, the county and its towns, the work, the office.
WORDS = [
    "safetynet",
    "safety-net",
    "safety_net",
    "sheanwang",
    "shean",
    "shehui",
    "shegong",
    "shehuiju",
    "socialwork",
    "socialworker",
    "socialwelfare",
    "welfare",
    "fuli",
    "mohw",
    "gov",
    "govtw",
    "chiayi",
    "jiayi",
    "chiayicounty",
    "chiayicity",
    "cyhg",
    "cycg",
    "puzi",
    "putzu",
    "minxiong",
    "minhsiung",
    "taibao",
    "budai",
    "dalin",
    "zhongpu",
    "shuishang",
    "alishan",
    "taiwan",
    "formosa",
    "taipei",
    "taichung",
    "tainan",
    "kaohsiung",
    "roc",
    "tw",
    "password",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "pass",
    "admin",
    "administrator",
    "root",
    "user",
    "guest",
    "test",
    "demo",
    "welcome",
    "changeme",
    "letmein",
    "iloveyou",
    "woaini",
    "aini",
    "qwerty",
    "qwer",
    "asdf",
    "zxcv",
    "abc",
    "abcd",
    "aa",
    "a",
    "supervisor",
    "manager",
    "worker",
    "screener",
    "reviewer",
    "partner",
    "case",
]
SUFFIXES = [
    "",
    "1",
    "12",
    "123",
    "1234",
    "12345",
    "123456",
    "1234567",
    "12345678",
    "123456789",
    "0000",
    "000",
    "888",
    "520",
    "1314",
    "5201314",
    "!",
    "!!",
    "@123",
    "#1",
    "123!",
    "1234!",
    "2020",
    "2021",
    "2022",
    "2023",
    "2024",
    "2025",
    "2026",
    "110",
    "111",
    "112",
    "113",
    "114",
    "115",
    "-demo",
    "_demo",
    "demo",
]
# Keyboard walks and digit runs long enough to pass a 12-character rule.
PATTERNS = [
    "1qaz2wsx",
    "1qaz2wsx3edc",
    "1qaz2wsx3edc4rfv",
    "zaq12wsx",
    "zaq12wsxcde3",
    "qazwsx",
    "qazwsx123",
    "qazwsxedc",
    "qazwsxedcrfv",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1q2w3e4r5t6y",
    "q1w2e3r4",
    "q1w2e3r4t5y6",
    "qwertyuiop",
    "qwertyuiop123",
    "asdfghjkl",
    "asdfghjkl123",
    "zxcvbnm",
    "zxcvbnm123",
    "1234qwer",
    "1234qwerasdf",
    "qwer1234",
    "qwer1234asdf",
    "qwerasdfzxcv",
    "abcd1234",
    "abcd12345678",
    "a12345678",
    "a123456789",
    "aa123456",
    "aa12345678",
    "aa123456789",
    "aa1234567890",
    "a1234567890",
    "abc123456789",
    "1234567890",
    "12345678910",
    "123456789012",
    "1234567890123",
    "0987654321",
    "098765432112",
    "111111111111",
    "000000000000",
    "888888888888",
    "123123123123",
    "112233445566",
    "147258369",
    "147258369147",
    "159357159357",
    "5201314520",
    "52013145201314",
    "iloveyou1314",
    "woaini1314",
    "woaini5201314",
]


def local_passwords() -> set[str]:
    combined = {word + suffix for word, suffix in itertools.product(WORDS, SUFFIXES)}
    return {p.lower() for p in combined | set(PATTERNS) if len(p) >= 6}


def main() -> None:
    with gzip.open(DJANGO_LIST, "rt", encoding="utf-8") as handle:
        common = {line.strip().lower() for line in handle if line.strip()}
    passwords = sorted(common | local_passwords())
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same list gives the same bytes.
    with OUTPUT.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        handle.write(("\n".join(passwords) + "\n").encode("utf-8"))
    print(f"{OUTPUT.relative_to(ROOT)}: {len(passwords)} passwords ({len(passwords) - len(common)} local)")


if __name__ == "__main__":
    main()
