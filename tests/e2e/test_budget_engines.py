"""A never-ending workload under the memory and async engines is cut at its share, the run goes on.

The memory and async profiles and input capture stop the workload themselves (harness/cf_suite.py
stop) and keep what they saw; the run then prepares and experiments as usual and exits 0.
Asserted on the cut-short lines and the HANDOFF `## Time` table, never on wall time.

Deterministic under load: the profile budget is 1 s (profile-budget-seconds), so the never-ending
workload is always cut, while the run's budget (the default 30 min) leaves every other phase far
more time than it needs on a busy machine (a 1-minute budget flipped: set-up and the baseline
tests could use the whole of it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run_bot
from tests.support.git import git
from tests.support.paths import PYTHON, SLOWDEMO
from tests.support.repos import bot_branch, make_repo, snapshot

pytestmark = pytest.mark.slow

MEMORY_FOREVER = """
import itertools

from slowdemo.memory import column_total

for n in itertools.cycle((2000, 4000)):
    column_total([f"{i},x,{i % 13}" for i in range(n)], 2)
"""
ASYNC_FOREVER = """
import asyncio
import itertools

from slowdemo.aio import fetch_all

for n in itertools.cycle((3, 5)):
    asyncio.run(fetch_all(list(range(n))))
"""
CASES = {
    "memory": (MEMORY_FOREVER, "memory profile"),
    "async": (ASYNC_FOREVER, "async profile"),
}


def time_rows(repo: Path) -> dict[str, str]:
    """The HANDOFF `## Time` table of the bot's branch, row text by phase."""
    text = git(repo, "show", f"{bot_branch(repo)}:.codeflash/HANDOFF.md")
    section = text.split("## Time", 1)[1].splitlines()
    return {row.split("|")[1].strip(): row for row in section if row.startswith("| ")}


@pytest.mark.parametrize("domain", list(CASES))
def test_a_never_ending_workload_is_cut_at_each_share_and_the_run_completes(
    tmp_path: Path, domain: str
) -> None:
    workload, profile = CASES[domain]
    pyproject = (SLOWDEMO / "pyproject.toml").read_text(encoding="utf-8")
    pyproject += "\n[tool.codeflash-bot]\nprofile-budget-seconds = 1\n"
    files = {"bench/forever.py": workload, "pyproject.toml": pyproject}
    repo = make_repo(tmp_path / "r", files, copy_from=SLOWDEMO)
    before = snapshot(repo)
    proc = run_bot(
        "optimize",
        str(repo),
        *("--domain", domain, "--python", PYTHON),
        *("--workload", "python bench/forever.py"),
        *("--max-experiments", "2"),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    said = " ".join((proc.stdout + proc.stderr).split())
    assert f"cut short: {profile}: stopped at the 1 s budget" in said
    assert f"{domain} profile failed" not in said and "profiling failed" not in said
    rows = time_rows(repo)
    assert f"cut short: {profile}: stopped at the" in rows["profile"]
    # the profile kept what it saw: the run went on to capture inputs, itself cut at its share
    assert "cut short: capture: stopped at the" in rows["prepare"]
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert snapshot(repo) == before
