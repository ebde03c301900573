"""Pushing to origin: only codeflash/* branches, no surprise force-push, and the token only
ever reaches git through one command's environment."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest

from codeflash_bot.errors import BotError
from codeflash_bot.git import Git
from codeflash_bot.github import remote
from tests.support.action import TOKEN
from tests.support.git import git
from tests.support.remotes import Repos


def commit_on(repos: Repos, branch: str, name: str = "x.txt") -> str:
    ws = repos.workspace
    git(ws, "checkout", "-q", "-B", branch)
    (ws / name).write_text(branch + name)
    git(ws, "add", name)
    git(ws, "commit", "-q", "-m", f"{branch} {name}")
    sha = git(ws, "rev-parse", "HEAD")
    git(ws, "checkout", "-q", "master")
    return sha


def test_auth_env_scopes_the_header_to_one_command() -> None:
    env = remote.auth_env(
        TOKEN,
        {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "safe.directory", "GIT_CONFIG_VALUE_0": "/w"},
    )
    assert env["GIT_CONFIG_COUNT"] == "2"
    assert env["GIT_CONFIG_KEY_1"] == "http.extraheader"
    value = env["GIT_CONFIG_VALUE_1"]
    assert value.startswith("AUTHORIZATION: basic ")
    decoded = base64.b64decode(value.split()[-1]).decode()
    assert decoded == f"x-access-token:{TOKEN}"
    assert TOKEN not in " ".join(f"{k}={v}" for k, v in env.items() if k != "GIT_CONFIG_VALUE_1")


def test_when_origin_needs_the_token(repos: Repos) -> None:
    g = Git(repos.workspace)
    assert not remote.origin_needs_token(g)  # a local path
    git(repos.workspace, "remote", "set-url", "origin", "https://github.com/o/r.git")
    assert remote.origin_needs_token(g)
    git(repos.workspace, "config", "http.https://github.com/.extraheader", "AUTHORIZATION: x")
    assert not remote.origin_needs_token(g)  # actions/checkout persisted credentials
    git(repos.workspace, "config", "--unset", "http.https://github.com/.extraheader")
    git(repos.workspace, "remote", "set-url", "origin", "https://u:p@github.com/o/r.git")
    assert not remote.origin_needs_token(g)


def test_token_never_lands_in_git_config_or_files(repos: Repos, tmp_path: Path) -> None:
    commit_on(repos, "codeflash/ds-t")
    remote.push_bot_branch(Git(repos.workspace), "codeflash/ds-t", TOKEN, lease=None)
    assert "codeflash/ds-t" in repos.remote_branches()
    hits = subprocess.run(["grep", "-rl", TOKEN, str(tmp_path)], capture_output=True, text=True)
    assert hits.stdout == ""


def test_only_bot_branches_are_pushed(repos: Repos) -> None:
    commit_on(repos, "feature")
    with pytest.raises(BotError, match="only pushes codeflash/"):
        remote.push_bot_branch(Git(repos.workspace), "feature", TOKEN, lease=None)
    assert repos.remote_branches() == ["master"]


def test_someone_elses_push_is_never_overwritten(repos: Repos) -> None:
    theirs = commit_on(repos, "codeflash/ds-t", "a.txt")
    git(repos.workspace, "push", "-q", "origin", "codeflash/ds-t")
    git(repos.workspace, "branch", "-q", "-D", "codeflash/ds-t")
    commit_on(repos, "codeflash/ds-t", "b.txt")  # diverged local branch, lease unknown
    with pytest.raises(BotError, match="moved while the bot was running"):
        remote.push_bot_branch(Git(repos.workspace), "codeflash/ds-t", TOKEN, lease=None)
    assert repos.remote_refs()["refs/heads/codeflash/ds-t"] == theirs


def test_bot_rewrite_of_its_own_branch_uses_a_lease(repos: Repos) -> None:
    old = commit_on(repos, "codeflash/ds-t", "a.txt")
    git(repos.workspace, "push", "-q", "origin", "codeflash/ds-t")
    git(repos.workspace, "branch", "-q", "-D", "codeflash/ds-t")
    new = commit_on(repos, "codeflash/ds-t", "b.txt")
    remote.push_bot_branch(Git(repos.workspace), "codeflash/ds-t", TOKEN, lease=old)
    assert repos.remote_refs()["refs/heads/codeflash/ds-t"] == new


def test_fetch_bot_branches(repos: Repos) -> None:
    sha = commit_on(repos, "codeflash/mem-1")
    git(repos.workspace, "push", "-q", "origin", "codeflash/mem-1")
    git(repos.workspace, "branch", "-q", "-D", "codeflash/mem-1")
    found = remote.fetch_bot_branches(Git(repos.workspace), TOKEN)
    assert found == {"codeflash/mem-1": sha}
    assert git(repos.workspace, "rev-parse", "codeflash/mem-1") == sha
