"""Start-up problems reach the user as one line and exit 1, never as a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SAFETYNET = str(Path(sys.executable).with_name("safetynet"))


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update({"SAFETYNET_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(  # noqa: S603 - our own command
        [SAFETYNET, *args], capture_output=True, text=True, env=environment, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL: expected postgresql://"),
        ({"DATABASE_URL": "postgresql://u@127.0.0.1:1/safetynet"}, "cannot use the database"),
        ({"SAFETYNET_FIELD_KEYS": "k1:short"}, "SAFETYNET_FIELD_KEYS"),
        ({"SAFETYNET_FIELD_KEYS": "k1:" + "A" * 43 + "="}, "no 'idx' entry"),
        (
            {"SAFETYNET_PRODUCTION": "true", "SAFETYNET_SECRET_KEY": "x" * 50},
            "SAFETYNET_FIELD_KEYS: required",
        ),
        ({"SAFETYNET_DEBUG": "maybe"}, "SAFETYNET_DEBUG: expected true or false"),
        ({"SAFETYNET_AUDIT_ANCHOR": "syslog:host:port"}, "SAFETYNET_AUDIT_ANCHOR: expected syslog:"),
    ],
)
def test_it_reports_a_bad_setting_in_one_line(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    result = run(tmp_path, "migrate", **env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_it_generates_development_keys_into_the_data_directory(tmp_path: Path) -> None:
    result = run(tmp_path, "check")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "field_keys").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--years", "114-110"], "--years"),
        (["--years", "abc"], "--years"),
        (["--scale", "0"], "--scale"),
    ],
)
def test_it_refuses_bad_seed_demo_options(tmp_path: Path, args: list[str], expected: str) -> None:
    result = run(tmp_path, "seed-demo", *args)
    assert result.returncode == 1
    assert expected in result.stderr


def test_it_refuses_to_serve_data_its_keys_cannot_read(tmp_path: Path) -> None:
    assert run(tmp_path, "migrate", "-v0").returncode == 0
    assert run(tmp_path, "import", "persons", str(_one_person_csv(tmp_path))).returncode == 0
    (tmp_path / "field_keys").unlink()  # a new development key ring is generated on the next start
    result = run(tmp_path, "demo", "--no-serve")
    assert result.returncode == 1
    assert "cannot decrypt value for 'people.Person.national_id' with key 'k1'" in result.stderr
    assert "Traceback" not in result.stderr
    checked = run(tmp_path, "check", "--database", "default")
    assert checked.returncode == 1
    assert "safetynet.E001" in checked.stderr


def _one_person_csv(tmp_path: Path) -> Path:
    path = tmp_path / "one.csv"
    path.write_text("name,sex,national_id\n甲,F,A223456781\n", encoding="utf-8")
    return path
