.PHONY: setup run test test-postgres lint audit-deps format messages migrations-check clean

setup:
	@tools/setup.sh

run: setup
	.venv/bin/safetynet demo

test: setup
	.venv/bin/pytest

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy src

# Known vulnerabilities in the locked dependencies (pip-audit, PyPI's advisory data; see the script for
# what happens where that source cannot be reached). No vulnerability is ignored without a reason.
audit-deps: setup
	.venv/bin/python tools/audit_deps.py

format: setup
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

messages: setup
	cd src/safetynet && ../../.venv/bin/safetynet makemessages -l zh_Hant -l en --no-obsolete && ../../.venv/bin/safetynet compilemessages

migrations-check: setup
	.venv/bin/safetynet makemigrations --check --dry-run

clean:
	rm -rf var/safetynet.sqlite3* var/static var/geo
