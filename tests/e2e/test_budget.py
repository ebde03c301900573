"""--budget-minutes bounds the whole run: each phase gets a share, a spent budget stops cleanly.

No wall-clock asserts here (benchmarks/run_budget.py measures the overrun); these tests check
the stop reason, the phase report and that the user's checkout is untouched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codeflash_bot.session.state import parse_results
from tests.support.cli import run_bot
from tests.support.git import git
from tests.support.paths import PYTHON
from tests.support.repos import SMALL, bot_branch, make_repo, snapshot

pytestmark = pytest.mark.slow

FOREVER = """
    import itertools
    from small.core import lowest

    for n in itertools.cycle((2000, 4000)):
        lowest([(i * 7919) % (n + 1) + 1 for i in range(n)])
"""


def handoff(repo: Path) -> tuple[str, str]:
    branch = bot_branch(repo)
    return branch, git(repo, "show", f"{branch}:.codeflash/HANDOFF.md")


def rows_on(repo: Path, branch: str) -> list:
    """results.tsv of the branch (absent until a first experiment is recorded)."""
    if "results.tsv" not in git(repo, "ls-tree", "--name-only", f"{branch}:.codeflash").split():
        return []
    return parse_results(git(repo, "show", f"{branch}:.codeflash/results.tsv") + "\n")


def test_an_endless_workload_ends_at_the_budget_with_a_phase_report(tmp_path: Path) -> None:
    """Three minutes leave set-up and the one-test baseline ample time on a loaded machine (one
    minute did not: the profile phase was reached with too little left to go on to capture);
    the endless workload is then always cut, in the profile and in capture."""
    repo = make_repo(tmp_path / "r", {**SMALL, "bench/forever.py": FOREVER})
    before = snapshot(repo)
    proc = run_bot(
        "optimize",
        str(repo),
        "--domain",
        "cpu",
        "--python",
        PYTHON,
        "--workload",
        "python bench/forever.py",
        "--budget-minutes",
        "3",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = " ".join(proc.stdout.split())
    # the experiment may finish in the time left, or be stopped by the end of the budget
    assert "stopped: time budget used" in console or "stopped: every applicable rule" in console
    assert "time: setup " in console and "of the 3.0 min budget" in console
    assert "cut short: CPU profile: stopped at the" in " ".join(proc.stderr.split())
    branch, text = handoff(repo)
    section = text.split("## Time", 1)[1].splitlines()
    time_rows = {row.split("|")[1].strip(): row for row in section if row.startswith("|")}
    # the profile stopped within its share and still found the hot function; capture kept inputs
    assert "cut short: CPU profile: stopped at the" in time_rows["profile"]
    assert "- Funnel: 1 own function in the profile" in text
    assert "cut short: capture: stopped at the" in time_rows["prepare"]
    assert "experiments" in time_rows
    # nothing half-done: no experiment stopped by the budget is recorded, every keep committed
    rows = rows_on(repo, branch)
    assert all(r.status.value != "crash" for r in rows), rows
    for r in rows:
        if r.status.value == "keep":
            assert git(repo, "cat-file", "-t", r.commit) == "commit"
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert snapshot(repo) == before


def test_tests_that_outlast_the_baseline_share_stop_the_run_cleanly(tmp_path: Path) -> None:
    files = dict(SMALL)
    files["tests/test_slow.py"] = """
        import time

        def test_waits():
            time.sleep(3600)
    """
    repo = make_repo(tmp_path / "r", files)
    before = snapshot(repo)
    proc = run_bot(
        "optimize", str(repo), "--domain", "cpu", "--python", PYTHON, "--budget-minutes", "0.2"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = " ".join(proc.stdout.split())
    assert "stopped: time budget used (baseline: the baseline tests did not finish in" in console
    assert "time: setup " in console and "baseline " in console
    assert "(cut short: the baseline tests did not finish" in console
    _, text = handoff(repo)
    assert "| baseline | 20% |" in text
    assert "Not reached: profile, prepare, experiments." in text
    assert snapshot(repo) == before


def test_an_experiment_the_budget_stops_is_not_recorded_and_not_committed(tmp_path: Path) -> None:
    """The guard hangs once the candidate is on disk: the end of the budget stops it unjudged.

    The budget leaves set-up, baseline, profile and capture of this one-test repo ample time on
    a loaded machine (half a minute did not: the run stopped before any experiment); the
    hanging guard then always meets the end of the budget."""
    repo = make_repo(tmp_path / "r", SMALL)
    before = snapshot(repo)
    original = (repo / "src/small/core.py").read_text()
    guard = (
        f'{PYTHON} -c "import inspect, time, small.core;'
        f" 'min(' in inspect.getsource(small.core) and time.sleep(3600)\""
    )
    proc = run_bot(
        "optimize",
        str(repo),
        "--domain",
        "cpu",
        "--python",
        PYTHON,
        "--guard",
        guard,
        "--budget-minutes",
        "2",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = " ".join(proc.stdout.split())
    assert (
        "stopped: time budget used (experiments: small.core:lowest (CPU103) stopped unjudged,"
        " not recorded)" in console
    )
    assert "experiments " in console.split("time: ", 1)[1]
    branch, text = handoff(repo)
    assert "| experiments | 30% |" in text and "stopped unjudged" in text
    assert rows_on(repo, branch) == []
    assert git(repo, "show", f"{branch}:src/small/core.py") == original.strip()
    assert "⚡" not in git(repo, "log", "--format=%s", branch)
    assert snapshot(repo) == before
