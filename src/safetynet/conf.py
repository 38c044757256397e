"""Small validating readers for settings that come from the environment.

Every problem raises `ConfigError` with one line naming the variable, so start-up fails with a
sentence instead of a traceback (see `safetynet.cli`).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A setting from the environment is missing or malformed."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}: expected true or false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}: expected a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}: must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def data_dir(default: Path) -> Path:
    path = Path(env_str("SAFETYNET_DATA_DIR") or default).expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"SAFETYNET_DATA_DIR: cannot create {path}: {exc.strerror}") from exc
    return path


def secret_from_file(path: Path, make: Callable[[], str]) -> str:
    """Read a generated development secret, creating it (mode 600) on first use."""
    if not path.exists():
        path.write_text(make() + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def secret_key(data: Path) -> str:
    return env_str("SAFETYNET_SECRET_KEY") or secret_from_file(
        data / "secret_key", lambda: secrets.token_urlsafe(50)
    )


def database(url: str, data: Path) -> dict[str, Any]:
    """The default database: `DATABASE_URL` when set, else SQLite in the data directory."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(data / "safetynet.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing
                # half-way with "database is locked"; WAL lets readers run beside the writer.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    import dj_database_url

    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ConfigError(
            "DATABASE_URL: expected postgresql://USER@HOST:PORT/NAME or sqlite:///PATH, "
            f"got a URL with scheme {scheme or '(none)'!r}"
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except Exception as exc:  # dj-database-url raises several types for a bad URL
        raise ConfigError(f"DATABASE_URL: cannot parse it ({exc.__class__.__name__})") from exc
    if config["ENGINE"].endswith("postgresql") and not config.get("NAME"):
        raise ConfigError("DATABASE_URL: the database name is missing (…/NAME at the end)")
    return config


def job_queue(redis_url: str, data_dir: Path) -> dict[str, Any]:
    """Huey's settings: Redis at scale, else an SQLite file beside the database."""
    common: dict[str, Any] = {"name": "safetynet", "consumer": {"workers": 1, "worker_type": "thread"}}
    if redis_url:
        if not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError(f"REDIS_URL: expected redis://HOST:PORT/DB, got {redis_url!r}")
        return {**common, "huey_class": "huey.RedisHuey", "connection": {"url": redis_url}}
    return {
        **common,
        "huey_class": "huey.SqliteHuey",
        "connection": {"filename": str(data_dir / "jobs.sqlite3")},
    }


def audit_anchor(text: str, data: Path) -> str:
    """`SAFETYNET_AUDIT_ANCHOR`, checked and normalised: "" (no anchoring), an absolute file path (a
    relative one is taken under the data directory), `syslog:` (the local syslog socket),
    `syslog:/SOCKET` or `syslog:HOST[:PORT]` (UDP)."""
    if not text:
        return ""
    try:
        anchor_destination(text)
    except ValueError as exc:
        raise ConfigError(f"SAFETYNET_AUDIT_ANCHOR: {exc}") from None
    if text.startswith("syslog:"):
        return text
    return str((data / Path(text).expanduser()).resolve())


LOCAL_SYSLOG = "/dev/log"
SYSLOG_PORT = 514


def anchor_destination(text: str) -> tuple[str, str | tuple[str, int]]:
    """("file", PATH), ("syslog", SOCKET) or ("syslog", (HOST, PORT)), from a setting's text."""
    if not text.startswith("syslog:"):
        if "\x00" in text or text.endswith("/"):
            raise ValueError(f"expected a file path or syslog:[HOST[:PORT]], got {text!r}")
        return "file", text
    target = text.removeprefix("syslog:")
    if not target:
        return "syslog", LOCAL_SYSLOG
    if target.startswith("/"):
        return "syslog", target
    host, _, port_text = target.partition(":")
    if not host or (port_text and not port_text.isdigit()) or not 0 < int(port_text or SYSLOG_PORT) < 65536:
        raise ValueError(f"expected syslog:, syslog:/SOCKET or syslog:HOST[:PORT], got {text!r}")
    return "syslog", (host, int(port_text or SYSLOG_PORT))
