"""Where things are on disk, and the interpreter the tests hand to the bot."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
FIXTURES = TESTS / "fixtures"
SLOWDEMO = ROOT / "examples" / "slowdemo"
PYTHON = sys.executable  # has pytest + pyinstrument: saves creating a venv per test
