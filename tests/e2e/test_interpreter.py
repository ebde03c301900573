"""A project whose requires-python excludes the bot's Python runs on a matching one, or stops."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from codeflash_bot.session.interpreter import find_interpreters
from tests.support.cli import run_bot
from tests.support.git import git
from tests.support.repos import SMALL, bot_branch, make_repo, snapshot

pytestmark = pytest.mark.slow

OURS = f"{sys.version_info.major}.{sys.version_info.minor}"
OTHERS = [i for i in find_interpreters() if not i.version.startswith(OURS + ".")]


def project(requires: str) -> dict[str, str]:
    files = dict(SMALL)
    files["pyproject.toml"] = SMALL["pyproject.toml"].replace(
        'version = "0"', f'version = "0"\n        requires-python = "{requires}"'
    )
    return files


@pytest.mark.skipif(not OTHERS, reason="no other Python installed on this machine")
def test_venv_is_built_with_a_python_the_project_accepts(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", project(f"!={OURS}.*"))
    proc = run_bot("optimize", str(repo), "--domain", "cpu", "--max-experiments", "1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    branch = bot_branch(repo)
    setup_md = git(repo, "show", f"{branch}:.codeflash/setup.md")
    python_line = next(line for line in setup_md.splitlines() if line.startswith("- Python:"))
    assert f"- Python: {OURS}." not in python_line
    assert f"requires-python !={OURS}.* excludes the bot's" in python_line
    rows = git(repo, "show", f"{branch}:.codeflash/results.tsv").splitlines()[1:]
    assert any("small.core:lowest" in row for row in rows), rows


def test_no_matching_python_stops_with_one_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", project(">=3.99"))
    before = snapshot(repo)
    proc = run_bot("optimize", str(repo), "--domain", "cpu", "--max-experiments", "1")
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode != 0 and len(lines) == 1, proc.stderr
    assert "requires Python >=3.99" in lines[0]
    assert snapshot(repo) == before
