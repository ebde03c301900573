"""What a run says is what it saw: why no experiment ran, who never called a target, whose rows."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.support.cli import run_bot
from tests.support.git import git
from tests.support.paths import PYTHON
from tests.support.repos import SMALL, bot_branch, make_repo, snapshot

pytestmark = pytest.mark.slow

NO_RULE = {
    **SMALL,
    "src/small/core.py": """
        def lowest(xs):
            best = xs[0]
            for x in xs:
                if x < best:
                    best = x
            return best
    """,
    "tests/test_core.py": """
        from small.core import lowest

        def test_lowest():
            xs = [(i * 7919) % 30001 + 1 for i in range(30000)]
            for n in range(300):  # ~1 s in `lowest`: hundreds of 1 ms samples, even under load
                assert lowest(xs) == 1
    """,
}


def test_no_rule_applies_is_said_with_the_count(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", NO_RULE)
    before = snapshot(repo)
    proc = run_bot("optimize", str(repo), "--python", PYTHON, "--domain", "cpu")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "0 experiments" in proc.stdout
    assert "no rule applies to the 1 own function in the profile" in " ".join(proc.stdout.split())
    assert "every applicable rule was tried" not in proc.stdout
    handoff = git(repo, "show", f"{bot_branch(repo)}:.codeflash/HANDOFF.md")
    assert "- Funnel: 1 own function in the profile, 0 a proposer can rewrite" in handoff
    assert snapshot(repo) == before


def test_a_target_the_workload_never_calls_names_the_workload(tmp_path: Path) -> None:
    files = {**SMALL, "bench/workload.py": "print('does not call lowest')\n"}
    repo = make_repo(tmp_path / "r", files)
    before = snapshot(repo)
    proc = run_bot(
        "optimize",
        str(repo),
        "--python",
        PYTHON,
        "--domain",
        "cpu",
        "--workload",
        "python bench/workload.py",
        "--target",
        "small.core:lowest",
    )
    lines = [line for line in proc.stderr.splitlines() if line.startswith("codeflash-bot: error")]
    assert proc.returncode != 0 and len(lines) == 1, proc.stderr
    assert "the workload `python bench/workload.py` never calls small.core:lowest" in lines[0]
    assert "the tests never call" not in proc.stderr
    assert snapshot(repo) == before


def test_a_rerun_never_reports_rows_of_a_deleted_same_named_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", SMALL)
    args = ("optimize", str(repo), "--python", PYTHON, "--domain", "cpu")
    first = run_bot(*args)
    assert first.returncode == 0, first.stderr[-2000:]
    branch = bot_branch(repo)
    assert "\tkeep\t" in git(repo, "show", f"{branch}:.codeflash/results.tsv")
    git(repo, "branch", "-D", branch)
    # the code changes in between: the old keep no longer applies (and its commit is gone)
    (repo / "src/small/core.py").write_text(textwrap.dedent(NO_RULE["src/small/core.py"]))
    git(repo, "commit", "-qam", "hand-written min")
    second = run_bot(*args)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "0 kept" in second.stdout
    files = git(repo, "ls-tree", "--name-only", f"{bot_branch(repo)}:.codeflash").splitlines()
    # no experiment ran, so no results.tsv: nothing was carried over from the deleted branch
    assert "results.tsv" not in files, git(
        repo, "show", f"{bot_branch(repo)}:.codeflash/results.tsv"
    )
    assert "0 experiments" in second.stdout
