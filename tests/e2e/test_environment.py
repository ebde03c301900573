"""The default path of a new user: no interpreter given, no venv in the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..helpers import git, make_repo, run_bot, snapshot
from .test_bad_input import SMALL

pytestmark = pytest.mark.slow


def test_bot_creates_the_project_environment_and_reuses_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", SMALL)
    before = snapshot(repo)
    proc = run_bot("optimize", str(repo), "--domain", "cpu", "--max-experiments", "3")
    assert proc.returncode == 0, proc.stderr[-2000:]
    branch = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/codeflash/")
    setup_md = git(repo, "show", f"{branch}:.codeflash/setup.md")
    assert "created by the bot" in setup_md
    venvs = list((repo / ".git" / "codeflash" / "venvs").iterdir())
    assert len(venvs) == 1 and (venvs[0] / "bin" / "python").exists()
    rows = git(repo, "show", f"{branch}:.codeflash/results.tsv").splitlines()
    assert any("\tkeep\t" in row and "small.core:lowest" in row for row in rows)
    assert snapshot(repo) == before
    # a second run reuses the environment instead of building another
    again = run_bot("status", str(repo))
    assert again.returncode == 0
    assert list((repo / ".git" / "codeflash" / "venvs").iterdir()) == venvs
