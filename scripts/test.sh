#!/usr/bin/env bash
# Sets up everything (system packages, venv, PostgreSQL) and runs every check: ruff, mypy, import-linter,
# translations, then the whole pytest suite. This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
export QT_QPA_PLATFORM=offscreen
if [ -z "${OPERATOR_DESK_PG_URL:-}" ] && [ -f scripts/start_postgres.sh ]; then
  # A cluster this run starts is stopped when it ends (one that was already up is left alone).
  if ! bash scripts/start_postgres.sh --running; then trap 'bash scripts/start_postgres.sh --stop' EXIT; fi
  OPERATOR_DESK_PG_URL=$(bash scripts/start_postgres.sh | tail -n 1)
  export OPERATOR_DESK_PG_URL
fi
echo "== ruff"; .venv/bin/ruff check operator_desk tests bench scripts
echo "== mypy"; .venv/bin/mypy
echo "== import-linter"; .venv/bin/lint-imports
echo "== translations"; .venv/bin/python scripts/i18n.py check
echo "== pytest"; .venv/bin/python -m pytest -p no:cacheprovider "$@"
