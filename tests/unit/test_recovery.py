"""Repair of what a killed run left, on real git repos (no bot subprocess: fast)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codeflash_bot.errors import BotError
from codeflash_bot.git import Git
from codeflash_bot.session.recovery import (
    WORKTREES,
    bot_dir,
    claim_branch,
    claims,
    ensure_idle,
    interrupted_branch,
    note_written,
    release_branch,
    remove_leftovers,
    repair,
    safe,
)
from codeflash_bot.session.state import State
from tests.support.git import git
from tests.support.repos import make_repo


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def killed_claim(bot: Path, branch: str, checkout: Path, *, in_place: bool = False) -> None:
    """A claim as a SIGKILLed run leaves it: its process is gone."""
    (bot / "runs").mkdir(parents=True, exist_ok=True)
    claim = {
        "branch": branch,
        "checkout": str(checkout),
        "in_place": in_place,
        "pid": dead_pid(),
        "started": "",
        "created": 0.0,
    }
    (bot / "runs" / f"{safe(branch)}.json").write_text(json.dumps(claim))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", {"a.py": "x = 1\n"})


def bot_worktree(repo: Path, branch: str) -> Path:
    path = repo / ".git" / "codeflash" / WORKTREES / safe(branch)
    path.parent.mkdir(parents=True, exist_ok=True)
    git(repo, "worktree", "add", "-q", "-b", branch, str(path))
    return path


def test_locked_half_added_worktree_of_a_killed_run_is_removed(repo: Path) -> None:
    branch = "codeflash/ds-x"
    path = bot_worktree(repo, branch)
    admin = next((repo / ".git" / "worktrees").iterdir())
    (admin / "locked").write_text("initializing")
    (admin / "index.lock").write_text("")
    killed_claim(repo / ".git" / "codeflash", branch, path)

    notes = repair(Git(repo))

    assert any("interrupted run" in n for n in notes)
    assert not path.exists() and not admin.exists()
    git(repo, "worktree", "add", "-q", str(path), branch)  # the branch is free again


def test_a_missing_worktree_dir_still_releases_the_branch(repo: Path) -> None:
    branch = "codeflash/ds-x"
    path = bot_worktree(repo, branch)
    subprocess.run(["rm", "-rf", str(path)], check=True)
    repair(Git(repo))
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1


def test_the_users_worktrees_and_locks_are_left_alone(repo: Path, tmp_path: Path) -> None:
    git(repo, "worktree", "add", "-q", str(tmp_path / "mine"), "-b", "feature")
    git(repo, "worktree", "add", "-q", str(tmp_path / "gone"), "-b", "elsewhere")
    subprocess.run(["rm", "-rf", str(tmp_path / "gone")], check=True)
    (repo / ".git" / "index.lock").write_text("")
    listed = git(repo, "worktree", "list", "--porcelain")

    repair(Git(repo))
    remove_leftovers(Git(repo))

    assert git(repo, "worktree", "list", "--porcelain") == listed
    assert (repo / ".git" / "index.lock").exists()


def test_a_live_claim_blocks_a_second_run_and_cleanup(repo: Path) -> None:
    bot = bot_dir(Git(repo))
    claim_branch(bot, "codeflash/ds-x", repo, in_place=False)  # this process: alive
    (held,) = claims(bot)
    assert held.pid == os.getpid() and held.alive()
    with pytest.raises(BotError, match="still working"):
        ensure_idle(Git(repo))
    release_branch(bot, "codeflash/ds-x")
    assert claims(bot) == []


def test_the_branch_of_an_interrupted_run_is_resumed(repo: Path) -> None:
    bot = repo / ".git" / "codeflash"
    killed_claim(bot, "codeflash/ds-2026-11-29", repo / "wt")
    assert interrupted_branch(bot, "codeflash/ds-") == "codeflash/ds-2026-11-29"
    assert interrupted_branch(bot, "codeflash/mem-") is None


def test_in_place_files_are_restored_only_if_still_the_bots(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "codeflash/ds-x")
    bot = repo / ".git" / "codeflash"
    mirror = State(bot / "state" / safe("codeflash/ds-x"))
    note_written(mirror, {"a.py": "x = 2\n", "b.py": "y = 1\n"})
    (repo / "a.py").write_text("x = 2\n")  # what the bot wrote
    (repo / "b.py").write_text("y = 'edited by the user'\n")
    (repo / ".git" / "index.lock").write_text("")  # left by the run's killed git
    killed_claim(bot, "codeflash/ds-x", repo, in_place=True)

    repair(Git(repo))

    assert (repo / "a.py").read_text() == "x = 1\n"
    assert (repo / "b.py").read_text() == "y = 'edited by the user'\n"
    assert not (repo / ".git" / "index.lock").exists()


def test_cleanup_removes_stale_bot_ref_locks_only(repo: Path) -> None:
    git(repo, "branch", "codeflash/ds-x")
    git(repo, "branch", "feature")
    heads = repo / ".git" / "refs" / "heads"
    bots, users = heads / "codeflash" / "ds-x.lock", heads / "feature.lock"
    for lock in (bots, users):
        lock.write_text("")
        os.utime(lock, (0, 0))  # long untouched: no git holds it
    remove_leftovers(Git(repo))
    assert not bots.exists() and users.exists()
