#!/usr/bin/env bash
# Set up, then lint and run every test (slow end-to-end ones included). CI runs exactly this.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
if [ -x .ci/lint-actions ]; then
  bash .ci/lint-actions
fi
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
