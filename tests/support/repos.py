"""Small committed git repos in temp dirs, and what a user sees of them afterwards."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from tests.support.git import git

# A tiny project with one slow function and a passing test: the e2e runs' default target.
SMALL = {
    "pyproject.toml": """
        [project]
        name = "small"
        version = "0"
        [tool.pytest.ini_options]
        pythonpath = ["src"]
    """,
    "src/small/__init__.py": "",
    "src/small/core.py": """
        def lowest(xs):
            return sorted(xs)[0]
    """,
    "tests/test_core.py": """
        from small.core import lowest

        def test_lowest():
            assert lowest([(i * 7919) % 3001 + 1 for i in range(3000)]) == 1
    """,
}


def write(root: Path, rel: str, text: str) -> None:
    """Write the dedented `text` at `root/rel`, creating parent directories."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def make_repo(
    path: Path, files: dict[str, str] | None = None, *, copy_from: Path | None = None
) -> Path:
    """A committed git repo at `path` from a directory copy and/or a dict of files."""
    path.mkdir(parents=True, exist_ok=True)
    if copy_from is not None:
        shutil.copytree(
            copy_from,
            path,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.pyc"),
        )
    for rel, text in (files or {}).items():
        write(path, rel, text)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "initial")
    return path


def bot_branch(repo: Path) -> str:
    """The `codeflash/*` branch(es) of `repo`, as `git for-each-ref` names them."""
    return git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/codeflash/")


def branch_file(repo: Path, name: str) -> str:
    """A `.codeflash/` state file as committed on the bot's branch."""
    branch = bot_branch(repo)
    assert branch, "no codeflash branch"
    return git(repo, "show", f"{branch}:.codeflash/{name}")


def snapshot(repo: Path) -> tuple[str, str, str]:
    """What the user sees: branch, HEAD, porcelain status (incl. untracked)."""
    return (
        git(repo, "rev-parse", "--abbrev-ref", "HEAD"),
        git(repo, "rev-parse", "HEAD"),
        git(repo, "status", "--porcelain", "--untracked-files=all"),
    )
