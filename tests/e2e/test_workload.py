"""--workload: profile and capture a script's calls instead of the tests' (the tests still gate)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run_bot
from tests.support.git import git
from tests.support.paths import PYTHON
from tests.support.repos import SMALL, bot_branch, make_repo, snapshot

pytestmark = pytest.mark.slow

WORKLOAD = """
    from small.core import lowest

    for n in (2000, 4000):
        lowest([(i * 7919) % (n + 1) + 1 for i in range(n)])
"""


def test_workload_inputs_drive_the_run(tmp_path: Path) -> None:
    files = dict(SMALL)
    files["tests/test_core.py"] = """
        from small.core import lowest

        def test_lowest_small():
            assert lowest([3, 1, 2]) == 1
    """
    files["bench/workload.py"] = WORKLOAD
    repo = make_repo(tmp_path / "r", files)
    before = snapshot(repo)
    proc = run_bot(
        "optimize",
        str(repo),
        "--domain",
        "cpu",
        "--python",
        PYTHON,
        "--workload",
        "python bench/workload.py",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    branch = bot_branch(repo)
    rows = git(repo, "show", f"{branch}:.codeflash/results.tsv").splitlines()
    kept = [row for row in rows if "\tkeep\t" in row and "small.core:lowest" in row]
    assert kept, rows
    log = git(repo, "log", "--format=%B", "-1", kept[0].split("\t")[0])
    assert "list[4,000]" in log  # measured on the workload's large input, not the tests' tiny one
    assert snapshot(repo) == before


def test_bad_workload_is_one_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", SMALL)
    before = snapshot(repo)
    proc = run_bot(
        "optimize", str(repo), "--domain", "cpu", "--python", PYTHON, "--workload", "python nope.py"
    )
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode != 0 and len(lines) == 1
    assert "--workload must name a Python script in the repo" in lines[0]
    assert snapshot(repo) == before
