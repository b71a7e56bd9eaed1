#!/usr/bin/env bash
# Run the whole test suite (engine, command line, scenarios, sweeps, browser) after setting up.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
