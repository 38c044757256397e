"""The `safetynet` command: Django's management commands, with start-up problems as one line.

`safetynet demo`, `safetynet seed-demo`, `safetynet rotate-keys`, `safetynet import KIND FILE` … are
management commands of the apps; anything else Django knows (`migrate`, `runserver`, `shell`) works too.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.db import OperationalError

    from safetynet.conf import ConfigError
    from safetynet.core.crypto import KeyRingError

    try:
        import django

        django.setup()
        from django.core.management import execute_from_command_line

        args = argv[1:]
        if args and not args[0].startswith("-"):
            args[0] = args[0].replace("-", "_")  # `safetynet seed-demo` runs the seed_demo command
        execute_from_command_line(["safetynet", *args])
    except (ConfigError, ImproperlyConfigured, KeyRingError) as exc:
        print(f"safetynet: configuration error: {exc}", file=sys.stderr)
        return 1
    except OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        print(f"safetynet: cannot use the database: {first_line}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
