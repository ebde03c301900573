#!/usr/bin/env bash
# Set up, then lint and run every test (slow end-to-end ones included). CI runs exactly this.
#   scripts/test.sh --fast [pytest args]   the quick loop: ruff + mypy + the tests not marked `slow`
#                                          (unit tests and the bad-input e2e; no action linters)
#   scripts/test.sh [pytest args]          everything, as CI
# Both run the tests on one pytest-xdist worker per core (`-n auto`), a whole test file per
# worker (`--dist loadfile`): the tests of a module share its module fixtures (one run of the
# bot), and later tests of some modules resume what earlier ones left. `-n 0` in the pytest
# args runs them in this process instead.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
FAST=0
if [ "${1:-}" = "--fast" ]; then
  FAST=1
  shift
fi
bash scripts/setup.sh
PARALLEL=(-n auto --dist loadfile)
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy  # src/codeflash_bot, configured in pyproject.toml [tool.mypy]
if [ "$FAST" = 1 ]; then
  exec .venv/bin/python -m pytest -q -p no:cacheprovider "${PARALLEL[@]}" -m "not slow" "$@"
fi
if [ -x .ci/lint-actions ]; then
  bash .ci/lint-actions
fi
.venv/bin/python -m pytest -q -p no:cacheprovider "${PARALLEL[@]}" "$@"
