"""kill -9 in the middle of a run, then run again: nothing half-applied, nothing redone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codeflash_bot.session.state import parse_results

from ..helpers import PYTHON, SLOWDEMO, git, make_repo, run_bot, snapshot

pytestmark = pytest.mark.slow


def mirror_rows(repo: Path) -> int:
    files = list((repo / ".git" / "codeflash" / "state").glob("*/.codeflash/results.tsv"))
    return max((len(f.read_text().splitlines()) - 1 for f in files), default=0)


def test_kill_9_then_resume(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", copy_from=SLOWDEMO)
    before = snapshot(repo)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "codeflash_bot",
            "optimize",
            str(repo),
            "--domain",
            "cpu",
            "--python",
            PYTHON,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 600
    while mirror_rows(repo) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_at = mirror_rows(repo)
    assert snapshot(repo) == before  # the user's checkout never saw the bot

    again = run_bot("optimize", str(repo), "--domain", "cpu", "--python", PYTHON)
    assert again.returncode == 0, again.stderr[-2000:]
    branch = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/codeflash/")
    rows = parse_results(git(repo, "show", f"{branch}:.codeflash/results.tsv") + "\n")
    ideas = [(r.target, r.description.split()[0]) for r in rows]
    assert len(ideas) == len(set(ideas)), "an idea was tried twice"
    assert len(rows) >= killed_at
    kept = {r.commit for r in rows if r.status.value == "keep"}
    optimizations = [
        line.split()[0]
        for line in git(repo, "log", "--format=%h %s", f"main..{branch}").splitlines()
        if " ⚡ " in f" {line.split(' ', 1)[1]}"
    ]
    assert sorted(optimizations) == sorted(kept)  # one commit per kept row, none lost or doubled
    assert snapshot(repo) == before
