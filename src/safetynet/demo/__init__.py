"""Demo data: an invented county that looks like 嘉義縣 and 嘉義市 to the people who work there.

`safetynet seed-demo` fills an empty database with the agencies, units and staffing plan of the
customer's own reports (seeds 000 and 001), staff hired along that plan, the demo accounts and a few
thousand invented persons in households. Every person and staff member is invented; the generator is
deterministic for a given seed.
"""

from __future__ import annotations

# The password of the demo accounts when SAFETYNET_DEMO_PASSWORD is not set; `make run` prints it.
DEFAULT_DEMO_PASSWORD = "safetynet-demo"  # noqa: S105 - a published demo password, by design


def login_lines() -> list[str]:
    """The demo logins as printed by `safetynet demo` and `seed-demo`: usernames, roles, units."""
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
    return lines
