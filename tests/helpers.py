"""Real-part test helpers: git repos in temp dirs, the bot as a real subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SLOWDEMO = ROOT / "examples" / "slowdemo"
PYTHON = sys.executable  # has pytest + pyinstrument: saves creating a venv per test


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    proc = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return proc.stdout.strip()


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
        target = path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "initial")
    return path


def run_bot(
    *args: str, cwd: Path | None = None, timeout: float = 900, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`codeflash-bot ARGS` as a real subprocess of the installed package (`env` is added)."""
    env = {**{k: v for k, v in os.environ.items() if k != "CODEFLASH_DEBUG"}, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "codeflash_bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


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
