#!/usr/bin/env bash
# Installs what SafetyNet needs and is missing: Debian packages (as root), the Python virtualenv from
# requirements.lock, and the front-end packages from package-lock.json. Safe to run again: each step
# is skipped when its inputs have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PYTHON=$candidate; break
    fi
  done
fi

# Debian packages: fonts and Pango for PDF reports, Chromium for browser tests, Node/npm to fetch
# front-end packages, python3-venv for the virtualenv.
packages=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium nodejs npm poppler-utils)
[ -z "$PYTHON" ] && packages+=(python3 python3-venv)
if [ -n "$PYTHON" ] && ! "$PYTHON" -c 'import ensurepip' >/dev/null 2>&1; then packages+=(python3-venv); fi
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    case "$p" in
      nodejs|npm) command -v "${p/nodejs/node}" >/dev/null 2>&1 && continue ;;
    esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: these Debian packages are missing; install them as root, then run make again:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi
if [ -z "$PYTHON" ]; then PYTHON=python3; fi
"$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || {
  echo "setup: SafetyNet needs Python 3.11 (Django 5.2 LTS); found $("$PYTHON" --version 2>&1)." >&2; exit 1; }

stamp=.venv/.installed
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $("$PYTHON" --version)"
  "$PYTHON" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ requirements.lock -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python packages from requirements.lock"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps -e .
  touch "$stamp"
fi

if [ ! -f node_modules/.installed ] || [ package-lock.json -nt node_modules/.installed ]; then
  echo "setup: fetching front-end packages (npm ci)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  touch node_modules/.installed
fi
