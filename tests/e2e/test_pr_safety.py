"""What prepare-pr leaves behind: benchmark tests that never break the project's suite, PR body
drafts only on the bot's branch, and a `cleanup` that removes every file the bot made."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..helpers import bot_branch, git, make_repo, run_bot, snapshot
from .test_bad_input import SMALL

pytestmark = pytest.mark.slow


@dataclass
class Prepared:
    repo: Path
    branch: str
    python: Path  # the venv the bot made (pytest-benchmark only once prepare-pr ran)
    before: tuple[str, str, str]
    stdout: str


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    """A project whose environment has no pytest-benchmark: optimize, then prepare-pr on main."""
    repo = make_repo(tmp_path_factory.mktemp("pr") / "r", SMALL)
    run = run_bot("optimize", str(repo), "--domain", "cpu", "--max-experiments", "3")
    assert run.returncode == 0, run.stderr[-2000:]
    (python,) = (repo / ".git" / "codeflash" / "venvs").glob("*/bin/python")
    probe = subprocess.run([python, "-c", "import pytest_benchmark"], capture_output=True)
    assert probe.returncode != 0, "the bot's venv must not have pytest-benchmark for this test"
    before = snapshot(repo)
    prep = run_bot("prepare-pr", cwd=repo)
    assert prep.returncode == 0, prep.stderr[-2000:]
    branch = bot_branch(repo)
    return Prepared(repo, branch, python, before, prep.stdout)


def _suite(python: Path, where: Path) -> dict[str, int]:
    proc = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=where,
        capture_output=True,
        text=True,
        check=False,
    )
    summary = proc.stdout.strip().splitlines()[-1]
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", summary)}
    assert proc.returncode == 0, proc.stdout[-2000:]
    return counts


def test_generated_benchmarks_skip_and_the_suite_stays_green(
    prepared: Prepared, tmp_path: Path
) -> None:
    files = git(prepared.repo, "ls-tree", "-r", "--name-only", prepared.branch).splitlines()
    benches = [f for f in files if re.search(r"tests/benchmarks/test_benchmark_\w+\.py$", f)]
    assert benches, files
    # prepare-pr installs pytest-benchmark into the venv it manages (to run compare); a
    # maintainer's environment may not have it, and there the benchmarks must skip
    subprocess.run(
        [prepared.python, "-m", "pip", "uninstall", "--yes", "--quiet", "pytest-benchmark"],
        capture_output=True,
        check=True,
    )
    at_base = _suite(prepared.python, prepared.repo)
    head = tmp_path / "head"
    git(prepared.repo, "worktree", "add", "--quiet", "--detach", str(head), prepared.branch)
    try:
        at_head = _suite(prepared.python, head)
    finally:
        git(prepared.repo, "worktree", "remove", "--force", str(head))
    assert at_head.get("passed") == at_base.get("passed")
    assert "error" not in at_head and "errors" not in at_head and "failed" not in at_head
    assert at_head.get("skipped", 0) == at_base.get("skipped", 0) + len(benches)


def test_prepare_pr_writes_only_on_the_bots_branch(prepared: Prepared) -> None:
    assert snapshot(prepared.repo) == prepared.before  # nothing untracked in the user's checkout
    assert not (prepared.repo / ".codeflash").exists()
    drafts = git(prepared.repo, "ls-tree", "--name-only", prepared.branch, ".codeflash/")
    assert ".codeflash/pr-body.md" in drafts.splitlines()
    assert f"committed on {prepared.branch}: .codeflash/pr-body.md" in prepared.stdout


def test_pr_body_states_what_was_checked(prepared: Prepared) -> None:
    body = git(prepared.repo, "show", f"{prepared.branch}:.codeflash/pr-body.md")
    # SMALL's one test calls lowest() once: one captured call, and the body says what it is worth
    assert "`small.core:lowest` on 1 call captured from the repository's tests" in body
    assert "weak evidence" in body
    assert "ruled out" not in body
    # the test counts come from the baseline section of the branch's setup.md
    assert "no new failures and no fewer tests than at baseline" in body
    assert "At baseline: 1 collected, 1 passed, 0 failed, 0 skipped." in body
    # reproduce steps from what the README installs, and how to run the skipped benchmarks
    assert "pip install codeflash-bot" not in body
    assert "pip install . (or uv tool install .)" in body
    assert "python -m pip install pytest-benchmark && python -m pytest tests/benchmarks" in body


def test_cleanup_removes_the_drafts_and_all_removes_the_caches(prepared: Prepared) -> None:
    repo = prepared.repo
    # a draft an older version left untracked in the user's checkout goes too
    (repo / ".codeflash").mkdir()
    (repo / ".codeflash" / "pr-body.md").write_text("old draft\n", encoding="utf-8")
    proc = run_bot("cleanup", str(repo))
    assert proc.returncode == 0, proc.stderr
    left = git(repo, "ls-tree", "--name-only", prepared.branch, ".codeflash/").splitlines()
    assert not [p for p in left if "pr-body" in p or p.endswith(("HANDOFF.md", "setup.md"))]
    assert ".codeflash/results.tsv" in left
    assert snapshot(repo)[2] == ""  # the untracked draft is gone
    venvs = repo / ".git" / "codeflash" / "venvs"
    assert venvs.is_dir()  # plain cleanup keeps the bot's venvs (a cache)
    proc = run_bot("cleanup", "--all", str(repo))
    assert proc.returncode == 0, proc.stderr
    assert "codeflash/venvs" in proc.stdout
    bot_dir = repo / ".git" / "codeflash"
    assert not bot_dir.exists() or not any(bot_dir.iterdir())
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
