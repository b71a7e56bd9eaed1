#!/usr/bin/env bash
# Start the game in the browser (http://127.0.0.1:8765 by default) after setting up.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/negotiation serve "$@"
