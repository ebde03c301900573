"""The default path of a new user: no interpreter given, no venv in the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run_bot
from tests.support.git import git
from tests.support.repos import SMALL, bot_branch, make_repo, snapshot

pytestmark = pytest.mark.slow


def test_bot_creates_the_project_environment_and_reuses_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", SMALL)
    before = snapshot(repo)
    proc = run_bot("optimize", str(repo), "--domain", "cpu", "--max-experiments", "3")
    assert proc.returncode == 0, proc.stderr[-2000:]
    branch = bot_branch(repo)
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


def test_undeclared_test_dependencies_are_installed_into_the_bots_env(tmp_path: Path) -> None:
    """idna-style: the tests import a package and addopts name a plugin no metadata declares."""
    files = dict(SMALL)
    files["pyproject.toml"] = SMALL["pyproject.toml"] + '    addopts = "--timeout=120"\n'
    files["tests/test_core.py"] = """
        import six
        from small.core import lowest

        def test_lowest():
            assert six.PY3
            assert lowest([(i * 7919) % 3001 + 1 for i in range(3000)]) == 1
    """
    repo = make_repo(tmp_path / "r", files)
    before = snapshot(repo)
    proc = run_bot("optimize", str(repo), "--domain", "cpu", "--max-experiments", "2")
    assert proc.returncode == 0, proc.stderr[-2000:]
    branch = bot_branch(repo)
    setup_md = git(repo, "show", f"{branch}:.codeflash/setup.md")
    installed = next(line for line in setup_md.splitlines() if "Installed into" in line)
    assert "six" in installed and "pytest-timeout" in installed
    assert snapshot(repo) == before
