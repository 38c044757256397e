"""Password rules beyond Django's: refuse passwords known from breaches.

The list (`core/data/breached_passwords.txt.gz`, built by `tools/build_breached_passwords.py`) holds
Django's common passwords and the obvious local ones ("safetynet", "chiayi123", "qwer1234" …), lower-cased.
Validators run where a person chooses a password (password forms, `changepassword`), not where the demo
seeder or a test sets one.
"""

from __future__ import annotations

import functools
import gzip
import re
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BREACHED_LIST = Path(__file__).resolve().parent / "data" / "breached_passwords.txt.gz"
# "password2025!" is "password" with a suffix: the suffix adds almost nothing against a guessing attack.
TRAILING_DIGITS_AND_SYMBOLS = re.compile(r"[\d\W_]+$")
SHORTEST_STEM = 4


@functools.cache
def breached_passwords(path: Path = BREACHED_LIST) -> frozenset[str]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def is_breached(password: str, path: Path = BREACHED_LIST) -> bool:
    """On the list, case-insensitively, with or without the digits and symbols added at the end."""
    known = breached_passwords(path)
    text = password.strip().lower()
    stem = TRAILING_DIGITS_AND_SYMBOLS.sub("", text)
    return text in known or (len(stem) >= SHORTEST_STEM and stem in known)


class BreachedPasswordValidator:
    def __init__(self, password_list_path: str | Path = BREACHED_LIST) -> None:
        self.path = Path(password_list_path)

    def validate(self, password: str, user: Any = None) -> None:
        if is_breached(password, self.path):
            raise ValidationError(
                _(
                    "This password appears in lists of passwords leaked from other sites, which attackers "
                    "try first. Choose another, such as a few unrelated words."
                ),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _(
            "Your password can’t be one known from data breaches, even with digits or symbols added at the end."
        )
