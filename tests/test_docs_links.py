"""The README is a short front door and every link in the docs leads somewhere.

The README opens with the two commands other tools rely on (`make run`, `make test`) and points into
docs/; the rest lives there. A relative link or image that names a missing file is a broken promise to
the reader, so each one is checked here.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
README_LIMIT = 6_000  # characters

# [text](target) and ![alt](target), the text possibly wrapped over lines; <img src="target">.
MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_SOURCE = re.compile(r"<(?:img|a)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", re.IGNORECASE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def documents() -> list[Path]:
    return [README, *sorted((ROOT / "docs").rglob("*.md"))]


def relative_targets(path: Path) -> list[str]:
    text = INLINE_CODE.sub("", FENCE.sub("", path.read_text(encoding="utf-8")))
    targets = MARKDOWN_LINK.findall(text) + HTML_SOURCE.findall(text)
    return [t for t in targets if not EXTERNAL.match(t) and not t.startswith("#")]


def test_it_keeps_the_readme_under_six_thousand_characters() -> None:
    assert len(README.read_text(encoding="utf-8")) < README_LIMIT


def test_the_readme_opens_with_the_two_commands() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# SafetyNet (社安網)"
    assert lines[2] == "```sh"
    assert lines[3].startswith("make run ")
    assert lines[4].startswith("make test ")
    assert lines[5] == "```"


def test_every_relative_link_in_the_docs_points_to_a_file() -> None:
    broken = []
    for path in documents():
        for target in relative_targets(path):
            file_part = target.split("#", 1)[0].split("?", 1)[0]
            if not (path.parent / file_part).exists():
                broken.append(f"{path.relative_to(ROOT)}: {target}")
    assert broken == []


def test_the_docs_have_links_to_check() -> None:
    # A pattern that silently matched nothing would pass the test above for the wrong reason.
    assert len(relative_targets(README)) >= 10
    assert (ROOT / "docs" / "README.md").exists()
