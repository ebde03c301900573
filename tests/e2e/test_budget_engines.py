"""A never-ending workload under the memory and async engines is cut at its share, the run goes on.

The memory and async profiles and input capture stop the workload themselves (harness/cf_suite.py
stop) and keep what they saw; the run then prepares and experiments as usual and exits 0.
Asserted on the cut-short lines and the HANDOFF `## Time` table, never on wall time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..helpers import PYTHON, SLOWDEMO, bot_branch, git, make_repo, run_bot, snapshot

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
    repo = make_repo(tmp_path / "r", {"bench/forever.py": workload}, copy_from=SLOWDEMO)
    before = snapshot(repo)
    proc = run_bot(
        "optimize",
        str(repo),
        *("--domain", domain, "--python", PYTHON),
        *("--workload", "python bench/forever.py"),
        *("--budget-minutes", "1", "--max-experiments", "2"),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    said = " ".join((proc.stdout + proc.stderr).split())
    assert f"cut short: {profile}: stopped at the" in said
    assert f"{domain} profile failed" not in said and "profiling failed" not in said
    rows = time_rows(repo)
    assert f"cut short: {profile}: stopped at the" in rows["profile"]
    # the profile kept what it saw: the run went on to capture inputs, itself cut at its share
    assert "cut short: capture: stopped at the" in rows["prepare"]
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert snapshot(repo) == before
