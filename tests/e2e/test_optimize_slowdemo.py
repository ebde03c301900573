"""The whole bot on examples/slowdemo, as a user runs it (a real subprocess, a real repo)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codeflash_bot.models import Reason
from codeflash_bot.session.state import parse_results
from tests.support.cli import run_bot
from tests.support.git import git
from tests.support.paths import PYTHON, SLOWDEMO
from tests.support.repos import bot_branch, make_repo, snapshot

pytestmark = pytest.mark.slow

HOT = {
    "common_tags": "CPU101",
    "unique_in_order": "CPU102",
    "cheapest": "CPU103",
    "top_scores": "CPU104",
    "bfs_order": "CPU106",
    "count_errors": "CPU107",
    "word_counts": "CPU108",
    "grid_paths": "CPU109",
    "has_negative": "CPU110",
    "doubled": "CPU114",
    "repeated_items": "CPU118",
}


NOISY = Reason.NOISY.value  # results.tsv says why: "… — measurement too noisy to decide: …"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory):
    repo = make_repo(tmp_path_factory.mktemp("slowdemo") / "repo", copy_from=SLOWDEMO)
    before = snapshot(repo)
    proc = run_bot("optimize", str(repo), "--domain", "cpu", "--python", PYTHON)
    branch = bot_branch(repo)
    return repo, before, proc, branch


def results(repo: Path, branch: str):
    return parse_results(git(repo, "show", f"{branch}:.codeflash/results.tsv") + "\n")


def test_run_succeeds_and_leaves_the_user_checkout_alone(demo_run) -> None:
    repo, before, proc, branch = demo_run
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert branch.startswith("codeflash/ds-")
    assert snapshot(repo) == before
    assert git(repo, "worktree", "list").count("\n") == 0  # the bot's worktree is gone


def test_every_anti_pattern_is_kept_with_a_speedup(demo_run) -> None:
    """Each is kept, unless the bot said the machine was too noisy to decide: on a loaded runner
    the A/A machinery refuses to keep on noise (never a real win called "not faster")."""
    repo, _, _, branch = demo_run
    rows = results(repo, branch)
    # A function may be kept more than once: a second rule can apply on top of the first
    # (doubled: CPU114 makes the loop an append loop, which CPU127 makes a comprehension).
    kept = {
        r.target.split(":")[1]: r
        for r in rows
        if r.status.value == "keep"
        and r.description.startswith(HOT.get(r.target.split(":")[1], "-"))
    }
    noisy = {r.target.split(":")[1] for r in rows if NOISY in r.description}
    assert len(HOT.keys() & kept.keys()) >= len(HOT) - 2, sorted(HOT.keys() - kept.keys())
    for func, rule in HOT.items():
        if func in noisy and func not in kept:
            continue
        assert func in kept, f"{func} ({rule}) not kept"
        assert kept[func].candidate < kept[func].baseline / 1.1


def test_nothing_kept_in_the_optimal_module(demo_run) -> None:
    repo, _, _, branch = demo_run
    assert not [
        r for r in results(repo, branch) if "optimal" in r.target and r.status.value == "keep"
    ]


def test_traps_are_discarded(demo_run) -> None:
    repo, _, _, branch = demo_run
    rows = [r for r in results(repo, branch) if ".traps:" in r.target]
    assert {r.target.split(":")[1] for r in rows} >= {"total_squares", "last_longest", "overlap"}
    assert all(r.status.value != "keep" for r in rows)
    by = {r.target.split(":")[1]: r for r in rows}
    assert "behaviour differs" in by["last_longest"].description
    assert "behaviour differs" in by["overlap"].description


def test_branch_head_passes_the_slowdemo_tests(demo_run, tmp_path: Path) -> None:
    repo, _, _, branch = demo_run
    wt = tmp_path / "head"
    git(repo, "worktree", "add", "--detach", str(wt), branch)
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


def test_results_handoff_and_commits_agree(demo_run) -> None:
    repo, _, _, branch = demo_run
    rows = [r for r in results(repo, branch) if r.status.value != "skip"]  # skip: no experiment
    kept = [r for r in rows if r.status.value == "keep"]
    handoff = git(repo, "show", f"{branch}:.codeflash/HANDOFF.md")
    assert f"Experiments: {len(rows)} (kept {len(kept)}," in handoff
    log = git(repo, "log", "--format=%h %s", f"main..{branch}")
    for r in kept:
        line = next(x for x in log.splitlines() if x.startswith(r.commit))
        assert r.target in line and r.description.split()[0] in line
        changed = git(repo, "show", "--name-only", "--format=", r.commit).split()
        assert changed == ["src/slowdemo/" + r.target.split(":")[0].split(".")[-1] + ".py"]
    for r in rows:
        if r.status.value != "keep":
            assert r.commit == "-"


def test_status_shows_the_results(demo_run) -> None:
    repo, _, _, branch = demo_run
    proc = run_bot("status", str(repo))
    assert proc.returncode == 0, proc.stderr
    assert branch in proc.stdout and "keep" in proc.stdout


def test_rerun_resumes_without_redoing_work(demo_run) -> None:
    repo, before, _, branch = demo_run
    rows_before = results(repo, branch)
    proc = run_bot("optimize", str(repo), "--domain", "cpu", "--python", PYTHON)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows_after = results(repo, branch)
    assert [r for r in rows_after if r.status.value == "keep"] == [
        r for r in rows_before if r.status.value == "keep"
    ]
    assert len(rows_after) == len(rows_before)
    assert snapshot(repo) == before


def test_cleanup_keeps_learnings_and_results(demo_run) -> None:
    repo, before, _, branch = demo_run
    proc = run_bot("cleanup", str(repo))
    assert proc.returncode == 0, proc.stderr
    files = git(repo, "ls-tree", "--name-only", f"{branch}:.codeflash").split()
    assert sorted(files) == ["learnings.md", "results.tsv"]
    assert snapshot(repo) == before
