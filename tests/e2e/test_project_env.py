"""The project's own environment is the one used: its `.venv` in the user's checkout, a relative
`python =`, the active virtualenv; the bot's tools go into it only with consent."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import one_line_error, run_bot
from tests.support.git import git
from tests.support.repos import SMALL, bot_branch, make_repo, snapshot

pytestmark = pytest.mark.slow

CONSENT = "\n[tool.codeflash-bot]\ninstall-tools = true\n"


def _venv(path: Path) -> Path:
    """A venv that has pytest (from the base interpreter's site-packages) but not pyinstrument."""
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(path)], check=True)
    python = path / "bin" / "python"
    probe = subprocess.run([python, "-c", "import pytest"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("the base interpreter has no pytest to share with the venv")
    return python


def _has(python: Path, module: str) -> bool:
    code = f"import {module}"
    return subprocess.run([python, "-c", code], capture_output=True, check=False).returncode == 0


def _repo(tmp_path: Path, pyproject_extra: str = "") -> Path:
    files = dict(SMALL)
    files["pyproject.toml"] = SMALL["pyproject.toml"] + pyproject_extra
    files[".gitignore"] = ".venv/\n"
    return make_repo(tmp_path / "r", files)


def _setup_md(repo: Path) -> str:
    branch = bot_branch(repo)
    return git(repo, "show", f"{branch}:.codeflash/setup.md")


def test_the_repos_venv_is_used_and_never_installed_into_without_consent(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    python = _venv(repo / ".venv")
    if _has(python, "pyinstrument"):
        pytest.skip("the base interpreter already has pyinstrument")
    before = snapshot(repo)
    line = one_line_error(run_bot("optimize", str(repo), "--domain", "cpu"))
    assert str(repo / ".venv" / "bin" / "python") in line
    assert "pyinstrument" in line and "install-tools = true" in line
    assert not _has(python, "pyinstrument")  # nothing installed into the user's environment
    assert not (repo / ".git" / "codeflash" / "venvs").exists()  # and no venv of our own
    assert snapshot(repo) == before


def test_relative_python_is_resolved_against_the_repository_root(tmp_path: Path) -> None:
    repo = _repo(tmp_path, CONSENT + 'python = ".venv/bin/python"\n')
    python = _venv(repo / ".venv")
    before = snapshot(repo)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    args = ("optimize", str(repo), "--domain", "cpu", "--max-experiments", "2")
    proc = run_bot(*args, cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr[-2000:]
    setup_md = _setup_md(repo)
    assert "configured (`.venv/bin/python`)" in setup_md
    assert str(repo / ".venv" / "bin" / "python") in setup_md
    assert "pyinstrument" in setup_md.split("Installed into the environment by the bot:")[1]
    assert _has(python, "pyinstrument")  # consented
    assert not (repo / ".git" / "codeflash" / "venvs").exists()
    assert snapshot(repo) == before


def test_the_repos_venv_is_found_from_the_bots_worktree(tmp_path: Path) -> None:
    repo = _repo(tmp_path, CONSENT)
    _venv(repo / ".venv")
    proc = run_bot("optimize", str(repo), "--domain", "cpu", "--max-experiments", "1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"reused the repo's .venv in {repo}" in _setup_md(repo)
    assert not (repo / ".git" / "codeflash" / "venvs").exists()


def test_the_active_virtualenv_is_used(tmp_path: Path) -> None:
    repo = _repo(tmp_path, CONSENT)
    active = tmp_path / "active"
    _venv(active)
    proc = run_bot(
        "optimize",
        str(repo),
        "--domain",
        "cpu",
        "--max-experiments",
        "1",
        env={"VIRTUAL_ENV": str(active)},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"the active virtualenv ({active})" in _setup_md(repo)
    assert not (repo / ".git" / "codeflash" / "venvs").exists()
