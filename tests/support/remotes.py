"""Real git repositories for the GitHub-layer tests: a bare `origin` and a checkout of it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.support.git import git


@dataclass
class Repos:
    origin: Path
    workspace: Path

    def remote_refs(self) -> dict[str, str]:
        out = git(self.origin, "for-each-ref", "--format=%(refname) %(objectname)")
        pairs = (line.split(" ", 1) for line in out.splitlines() if line)
        return {ref: sha for ref, sha in pairs}

    def remote_branches(self) -> list[str]:
        return sorted(
            ref.removeprefix("refs/heads/")
            for ref in self.remote_refs()
            if ref.startswith("refs/heads/")
        )

    def show(self, ref: str, path: str) -> str:
        return git(self.origin, "show", f"{ref}:{path}")

    def workspace_state(self) -> tuple[str, str, str]:
        """HEAD, status and branch list of the checkout: unchanged means "no write"."""
        return (
            git(self.workspace, "rev-parse", "HEAD"),
            git(self.workspace, "status", "--porcelain", "--untracked-files=all"),
            git(self.workspace, "branch", "--list"),
        )


def make_repos(
    tmp: Path,
    files: dict[str, str],
    *,
    branch: str = "master",
    extra_branches: dict[str, dict[str, str]] | None = None,
) -> Repos:
    """Seed a repo with `files` on `branch` (plus other branches), publish it to a bare
    origin, and clone it as actions/checkout would (origin = the bare repo)."""
    seed = tmp / "seed"
    seed.mkdir(parents=True)
    git(seed, "init", "-q", "-b", branch)
    for rel, text in files.items():
        path = seed / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "initial")
    for name, more in (extra_branches or {}).items():
        git(seed, "checkout", "-q", "-b", name)
        for rel, text in more.items():
            path = seed / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        git(seed, "add", "-A")
        git(seed, "commit", "-q", "-m", f"on {name}")
        git(seed, "checkout", "-q", branch)
    origin = tmp / "origin.git"
    git(tmp, "clone", "-q", "--bare", str(seed), str(origin))
    workspace = tmp / "workspace"
    git(tmp, "clone", "-q", "--branch", branch, str(origin), str(workspace))
    return Repos(origin, workspace)
