"""Thin, shell-free wrapper over the git CLI: every argument is a list element, never a string.

Branch names and paths may come from untrusted events, so nothing here goes through a shell
and refs are validated with `git check-ref-format` before use.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from codeflash_bot.errors import BotError
from codeflash_bot.session.child_env import git_env

BOT_BRANCH_PREFIX = "codeflash/"
GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    # `git status` must not take the user's index.lock (a kill would leave it behind)
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_AUTHOR_NAME": "codeflash-bot",
    "GIT_AUTHOR_EMAIL": "codeflash-bot@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "codeflash-bot",
    "GIT_COMMITTER_EMAIL": "codeflash-bot@users.noreply.github.com",
}


# The repository's code may have run (tests, installs) and rewritten .git/config or .git/hooks:
# the bot's own git commands never run hooks or an fsmonitor the checkout configures.
NO_REPO_HOOKS = ("-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false")


class GitError(BotError):
    """A git command failed; the message carries git's own last line."""


class Git:
    """Runs git in one directory (a checkout or a worktree)."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = Path(cwd)

    def run(
        self,
        *args: str,
        check: bool = True,
        input: str | None = None,
        extra_config: Sequence[str] = (),
    ) -> subprocess.CompletedProcess[str]:
        """Run `git <args>`; `extra_config` entries become `-c key=value` for this call only."""
        cmd = ["git", *NO_REPO_HOOKS]
        for item in extra_config:
            cmd += ["-c", item]
        cmd += list(args)
        env = {**git_env(), **GIT_ENV}
        proc = subprocess.run(
            cmd, cwd=self.cwd, env=env, input=input, capture_output=True, text=True, check=False
        )
        if check and proc.returncode != 0:
            last = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
            raise GitError(f"git {args[0]} failed: {last[-1] if last else proc.returncode}")
        return proc

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.strip()

    # --- queries ---------------------------------------------------------------------------
    def toplevel(self) -> Path:
        return Path(self.out("rev-parse", "--show-toplevel"))

    def common_dir(self) -> Path:
        """The shared .git directory (the same for every worktree)."""
        path = Path(self.out("rev-parse", "--git-common-dir"))
        return path if path.is_absolute() else (self.cwd / path).resolve()

    def head_sha(self, ref: str = "HEAD") -> str:
        return self.out("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")

    def short_sha(self, ref: str = "HEAD") -> str:
        return self.out("rev-parse", "--short", ref)

    def current_branch(self) -> str | None:
        proc = self.run("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
        return proc.stdout.strip() or None

    def has_commits(self) -> bool:
        return self.run("rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode == 0

    def branch_exists(self, name: str) -> bool:
        ref = f"refs/heads/{name}"
        return self.run("show-ref", "--verify", "--quiet", ref, check=False).returncode == 0

    def ref_exists(self, ref: str) -> bool:
        proc = self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        return proc.returncode == 0

    def worktree_branches(self) -> dict[str, Path]:
        """Branch name -> path for every worktree that has a branch checked out."""
        out: dict[str, Path] = {}
        path: Path | None = None
        for line in self.out("worktree", "list", "--porcelain").splitlines():
            if line.startswith("worktree "):
                path = Path(line.removeprefix("worktree "))
            elif line.startswith("branch refs/heads/") and path is not None:
                out[line.removeprefix("branch refs/heads/")] = path
        return out

    # --- changes ---------------------------------------------------------------------------
    def commit_paths(self, message: str, paths: Sequence[str]) -> str:
        """Stage exactly `paths` and commit them; returns the new short sha."""
        self.run("add", "--", *paths)
        self.run("commit", "--no-verify", "--quiet", "-m", message, "--", *paths)
        return self.short_sha()

    def restore_paths(self, paths: Sequence[str]) -> None:
        """Put `paths` back exactly as HEAD has them (tracked) or remove them (untracked)."""
        for rel in paths:
            if self.run("ls-files", "--error-unmatch", "--", rel, check=False).returncode == 0:
                self.run("checkout", "HEAD", "--", rel)
            else:
                (self.cwd / rel).unlink(missing_ok=True)

    def add_worktree(self, path: Path, branch: str, *, create_from: str | None = None) -> None:
        """Check `branch` out at `path`; with `create_from`, create the branch from that ref."""
        if create_from is not None:
            self.run("worktree", "add", "--quiet", "-b", branch, str(path), create_from)
        else:
            self.run("worktree", "add", "--quiet", str(path), branch)

    def add_detached_worktree(self, path: Path, ref: str) -> None:
        self.run("worktree", "add", "--quiet", "--detach", str(path), ref)

    def remove_worktree(self, path: Path) -> None:
        """Unregister and delete the worktree at `path`, even locked or with its directory gone;
        never a repository-wide `worktree prune` (that would drop the user's stale worktrees)."""
        self.run("worktree", "remove", "--force", "--force", str(path), check=False)


def validate_branch_name(name: str) -> str:
    """Reject anything git would not accept as a branch name (names may come from events)."""
    proc = subprocess.run(
        ["git", "check-ref-format", "--branch", name], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0 or name.startswith("-"):
        raise BotError(f"not a valid branch name: {name!r}")
    return name


def open_repo(path: Path) -> Git:
    """A Git for the checkout containing `path`, or a one-line error if there is none."""
    path = Path(path)
    if not path.exists():
        raise BotError(f"{path}: no such directory")
    if not path.is_dir():
        raise BotError(f"{path}: not a directory")
    proc = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=path,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise BotError(f"{path.resolve()}: not a git repository (run `git init` and commit first)")
    git = Git(Path(proc.stdout.strip()))
    if not git.has_commits():
        raise BotError(f"{git.cwd}: the repository has no commits yet; commit your code first")
    return git
