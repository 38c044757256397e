"""Demo data: an invented county that looks like 嘉義縣 and 嘉義市 to the people who work there.

`safetynet seed-demo` fills an empty database with the agencies, units and staffing plan of the
customer's own reports (seeds 000 and 001), staff hired along that plan, the demo accounts and a few
thousand invented persons in households. Every person and staff member is invented; the generator is
deterministic for a given seed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# The password of the demo accounts when SAFETYNET_DEMO_PASSWORD is not set; `make run` prints it.
DEFAULT_DEMO_PASSWORD = "safetynet-demo"  # noqa: S105 - a published demo password, by design


def login_lines() -> list[str]:
    """The demo logins as printed by `safetynet demo` and `seed-demo`: usernames, roles, units, and
    how to pass the second sign-in step."""
    import os

    from safetynet.demo.generator import PERSONAS
    from safetynet.org.models import Staff

    from_env = bool(os.environ.get("SAFETYNET_DEMO_PASSWORD"))
    password = "the value of SAFETYNET_DEMO_PASSWORD" if from_env else DEFAULT_DEMO_PASSWORD
    usernames = [p.username for p in PERSONAS]
    staff = {
        s.user.username: s  # type: ignore[union-attr]  # filtered on user__username
        for s in Staff.objects.filter(user__username__in=usernames).select_related("user", "role", "unit")
    }
    lines = [f"Demo logins (password: {password}):"]
    for username in usernames:
        member = staff.get(username)
        lines.append(
            f"  {username:<11} {member.role.name} · {member.unit.name}"
            if member
            else f"  {username:<11} (missing)"
        )
    return lines + second_step_lines([staff[u].user for u in usernames if u in staff])


def second_step_lines(users: list[Any]) -> list[str]:
    """For the accounts that sign in with a code as well: the authenticator app's key and backup codes.

    The demo is invented, and this is its own login sheet; a real account's key is shown once, to its
    owner, when they enrol.
    """
    from django_otp.plugins.otp_static.models import StaticToken

    from safetynet.core import two_factor

    lines: list[str] = []
    for user in users:
        device = two_factor.totp_device(user)
        if device is None or not two_factor.requires_two_factor(user):
            continue
        codes = (
            StaticToken.objects.filter(device__user=user).order_by("pk").values_list("token", flat=True)[:3]
        )
        lines.append(
            f"  {user.username:<11} key {two_factor.base32_secret(device.key)}"
            f"  backup codes {', '.join(two_factor.show_backup_code(c) for c in codes) or '(none left)'}"
        )
    if not lines:
        return []
    return [
        "Second step (supervisor, manager, admin, reviewer): after the password, type the six-digit code",
        "of an authenticator app given the key below (add an account, enter a key, time-based), or one",
        "backup code (each works once):",
        *lines,
    ]


def write_login_sheet(lines: list[str]) -> Path:
    """The printed logins, kept in the data directory (readable by its owner only) for later."""
    from django.conf import settings

    path = Path(settings.DEMO_LOGINS_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
