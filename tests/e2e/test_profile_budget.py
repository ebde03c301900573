"""A suite large enough to need the profiling budget: the profile is a spread sample, says so,
and still finds (and optimizes) the hot function. The budget is set in the repo's config."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.cli import run_bot
from tests.support.git import git
from tests.support.paths import PYTHON
from tests.support.repos import bot_branch, make_repo

pytestmark = pytest.mark.slow

FILES, TESTS = 24, 25


def budgeted_suite() -> dict[str, str]:
    files = {
        "pyproject.toml": """
            [project]
            name = "small"
            version = "0"
            [tool.pytest.ini_options]
            pythonpath = ["src"]
            [tool.codeflash-bot]
            profile-budget-seconds = 0.001
        """,
        "src/small/__init__.py": "",
        "src/small/core.py": """
            import functools


            def lowest(xs):
                return sorted(xs)[0]


            @functools.cache
            def data(n=50_000):
                return [(i * 7919) % (n + 1) + 1 for i in range(n)]
        """,
    }
    for f in range(FILES):
        body = "from small.core import data, lowest\n"
        for t in range(TESTS):
            body += (
                f"\n\ndef test_{t}():\n    for _ in range(5):\n        assert lowest(data()) == 1\n"
            )
        files[f"tests/test_part_{f:02d}.py"] = body
    return files


def test_profile_is_cut_to_a_sample_says_so_and_finds_the_hot_function(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", budgeted_suite())
    proc = run_bot(
        "optimize", str(repo), "--python", PYTHON, "--domain", "cpu", "--max-experiments", "2"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout + proc.stderr
    said = re.search(r"CPU profile: .*? a spread sample ran: (\d+) of (\d+) tests", out)
    assert said, out[-3000:]
    ran, collected = int(said[1]), int(said[2])
    assert collected == FILES * TESTS and 1 <= ran < collected
    branch = bot_branch(repo)
    learnings = git(repo, "show", f"{branch}:.codeflash/learnings.md")
    hot = re.search(r"`small\.core:lowest` \(.*?\): ([\d.]+) ms in the profile", learnings)
    assert hot and float(hot[1]) > 0, learnings
    rows = git(repo, "show", f"{branch}:.codeflash/results.tsv").splitlines()
    assert any("\tkeep\t" in row and "small.core:lowest" in row for row in rows), rows
