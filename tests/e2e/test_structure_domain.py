"""The structure domain through the real loop on a fresh copy of examples/slowdemo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codeflash_bot.config import Config
from codeflash_bot.loop import optimize
from codeflash_bot.models import Domain, Request, Status
from codeflash_bot.session.state import parse_results

from ..helpers import PYTHON, SLOWDEMO, git, make_repo, snapshot

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def struct_run(tmp_path_factory: pytest.TempPathFactory):
    repo = make_repo(tmp_path_factory.mktemp("slowdemo-struct") / "repo", copy_from=SLOWDEMO)
    before = snapshot(repo)
    summary = optimize(Request(repo=repo, domain=Domain.STRUCTURE), Config(python=PYTHON))
    rows = parse_results(git(repo, "show", f"{summary.branch}:.codeflash/results.tsv") + "\n")
    return repo, before, summary, {r.target: r for r in rows}


def test_the_run_leaves_the_checkout_alone(struct_run) -> None:
    repo, before, summary, _ = struct_run
    assert summary.branch.startswith("codeflash/struct-")
    assert snapshot(repo) == before


def test_heavy_import_becomes_lazy_with_a_measured_gain(struct_run) -> None:
    repo, _, _, rows = struct_run
    row = rows["slowdemo.report:<module>"]
    assert row.status is Status.KEEP
    assert row.description.startswith("STR401")
    assert row.metric == "import_seconds"
    assert row.baseline is not None and row.candidate is not None
    assert row.candidate < row.baseline / 3  # the heavy module no longer loads with report
    code = git(repo, "show", f"{row.commit}:src/slowdemo/report.py")
    assert "\nfrom slowdemo import _heavy\n" not in code
    assert '    """One glyph per value' in code and "    from slowdemo import _heavy\n" in code
    changed = git(repo, "show", "--name-only", "--format=", row.commit).split()
    assert changed == ["src/slowdemo/report.py"]


def test_nothing_else_changes_beyond_import_moves(struct_run) -> None:
    repo, _, _, rows = struct_run
    for row in rows.values():
        if row.status is Status.KEEP:
            diff = git(repo, "show", "--format=", "-U0", row.commit)
            changed = [
                line[1:].strip()
                for line in diff.splitlines()
                if line[:1] in "+-" and not line.startswith(("+++", "---"))
            ]
            assert all(line.startswith(("import ", "from ")) or not line for line in changed)


def test_branch_head_passes_the_slowdemo_tests(struct_run, tmp_path: Path) -> None:
    repo, _, summary, _ = struct_run
    wt = tmp_path / "head"
    git(repo, "worktree", "add", "--detach", str(wt), summary.branch)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=wt,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout[-2000:]
    finally:
        git(repo, "worktree", "remove", "--force", str(wt))
