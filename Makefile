.PHONY: setup run test test-postgres lint format messages migrations-check clean

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

format: setup
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

messages: setup
	cd src/safetynet && ../../.venv/bin/safetynet makemessages -l zh_Hant -l en --no-obsolete && ../../.venv/bin/safetynet compilemessages

migrations-check: setup
	.venv/bin/safetynet makemigrations --check --dry-run

clean:
	rm -rf var/safetynet.sqlite3* var/static var/geo
