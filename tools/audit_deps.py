"""Known vulnerabilities in the locked dependencies (pip-audit against PyPI's advisory data).

    .venv/bin/python tools/audit_deps.py

Exit 1 when any locked package has a known vulnerability, or when some packages could be looked up
and others not. When none can be looked up — the advisory source is not reachable from this machine
(some networks reach PyPI's package index but not its per-release JSON) — it says so in a warning
that names the packages as NOT audited and exits 0, unless SAFETYNET_AUDIT_REQUIRED=true, so that an
offline install can still be tested while a connected CI proves the audit. No vulnerability is ever
ignored; an `--ignore-vuln ID` added below needs its reason written beside it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORED: dict[str, str] = {}  # vulnerability id → why it does not apply


def main() -> int:
    command = [
        str(ROOT / ".venv" / "bin" / "pip-audit"),
        "-r",
        str(ROOT / "requirements.lock"),
        "--no-deps",
        "--disable-pip",
        "--vulnerability-service",
        "pypi",
        "--progress-spinner",
        "off",
        "--format",
        "json",
        *(arg for vuln in IGNORED for arg in ("--ignore-vuln", vuln)),
    ]
    run = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own venv
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(
            f"audit-deps: pip-audit failed (exit {run.returncode}): {run.stderr.strip()[-500:]}",
            file=sys.stderr,
        )
        return 1
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release"
            print(f"audit-deps: {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    if vulnerable:
        return 1
    if skipped and len(skipped) == len(dependencies):
        required = os.environ.get("SAFETYNET_AUDIT_REQUIRED", "").lower() in {"1", "true", "yes"}
        reason = skipped[0]["skip_reason"].splitlines()[0][:200]
        print(
            f"audit-deps: WARNING: none of the {len(dependencies)} locked packages could be looked up, so "
            f"they are NOT audited (first reason: {reason})",
            file=sys.stderr,
        )
        return 1 if required else 0
    if skipped:
        for dep in skipped:
            print(f"audit-deps: {dep['name']} {dep['version']} could not be looked up: {dep['skip_reason']}")
        return 1
    print(f"audit-deps: {len(dependencies)} locked packages, no known vulnerability")
    return 0


if __name__ == "__main__":
    sys.exit(main())
