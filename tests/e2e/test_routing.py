"""Routing on slowdemo: `auto` with no hint profiles every engine and says why; words route."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run_bot
from tests.support.git import git
from tests.support.paths import PYTHON, SLOWDEMO
from tests.support.repos import bot_branch, make_repo, snapshot

pytestmark = pytest.mark.slow


def test_auto_picks_cpu_for_slowdemo_and_says_why(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", copy_from=SLOWDEMO)
    before = snapshot(repo)
    proc = run_bot("optimize", str(repo), "--python", PYTHON, "--max-experiments", "1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    branch = bot_branch(repo)
    assert branch.startswith("codeflash/ds-")
    domain_line = next(
        line
        for line in git(repo, "show", f"{branch}:.codeflash/HANDOFF.md").splitlines()
        if line.startswith("- Domain:")
    )
    assert domain_line.startswith("- Domain: cpu (auto picked cpu:")
    assert "share/matches: cpu " in domain_line  # the numbers the decision was made on
    for engine in ("cpu:", "memory:", "async:", "structure:"):
        assert engine in domain_line  # every estimate is written down
    assert "domain cpu: " in proc.stderr  # the choice and its reason, on the console
    assert snapshot(repo) == before


def test_request_words_route_to_memory(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", copy_from=SLOWDEMO)
    proc = run_bot(
        "optimize",
        str(repo),
        "--python",
        PYTHON,
        "--max-experiments",
        "1",
        "--request",
        "our worker runs out of RAM",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    branch = bot_branch(repo)
    assert branch.startswith("codeflash/mem-")
    handoff = git(repo, "show", f"{branch}:.codeflash/HANDOFF.md")
    assert "- Domain: memory (the request mentions memory words)" in handoff
