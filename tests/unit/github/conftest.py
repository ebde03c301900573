"""Fixtures for the GitHub layer: a fake API on a local HTTP server, real git repos, an
Action environment pointing at both, and the optimization loop stubbed (fast)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from codeflash_bot.github import publish
from tests.support.action import SMALL_FILES, TOKEN, EnvFactory
from tests.support.action import action_env as build_env
from tests.support.fake_github import FakeGitHub
from tests.support.fakes import StubLoop
from tests.support.git import git
from tests.support.remotes import Repos, make_repos


@pytest.fixture
def fake(httpserver: HTTPServer) -> Iterator[FakeGitHub]:
    gh = FakeGitHub(httpserver)
    gh.permissions.update({"Codertocat": "admin", "octocat": "write", "reader": "read"})
    yield gh
    assert gh.problems == [], "requests not matching GitHub's REST description"


@pytest.fixture
def repos(tmp_path: Path) -> Repos:
    return make_repos(tmp_path / "git", SMALL_FILES)


@pytest.fixture
def action_env(tmp_path: Path, fake: FakeGitHub, repos: Repos) -> EnvFactory:
    """env for run_action: an event payload (dict or raw text) written where the runner would."""

    def build(event: str, payload: dict[str, Any] | str, **inputs: str) -> dict[str, str]:
        return build_env(
            tmp_path,
            fake,
            repos.workspace,
            event,
            payload,
            token=TOKEN,
            run_id="4242",
            server_url="https://github.com",
            **inputs,
        )

    return build


@pytest.fixture
def loop(monkeypatch: pytest.MonkeyPatch) -> StubLoop:
    stub = StubLoop()
    monkeypatch.setattr(
        publish,
        "draft_pull_request",
        lambda checkout, base, head: SimpleNamespace(
            title="⚡ codeflash: f 2x faster", body="## Summary\nBODY"
        ),
    )
    return stub


@pytest.fixture
def stub_loop(monkeypatch: pytest.MonkeyPatch) -> StubLoop:
    stub = StubLoop()
    monkeypatch.setattr(
        publish,
        "draft_pull_request",
        lambda checkout, base, head: SimpleNamespace(title="⚡ codeflash: f", body="BODY"),
    )
    return stub


@pytest.fixture
def bot_branch(repos: Repos) -> str:
    branch = "codeflash/ds-2020-01-01"
    ws = repos.workspace
    git(ws, "checkout", "-q", "-b", branch)
    (ws / ".codeflash").mkdir()
    (ws / ".codeflash/conventions.md").write_text("# Conventions\n\n## Guard\n\n<!-- none -->\n")
    git(ws, "add", ".codeflash")
    git(ws, "commit", "-q", "-m", "state")
    git(ws, "push", "-q", "origin", branch)
    git(ws, "checkout", "-q", "master")
    git(ws, "branch", "-q", "-D", branch)
    return branch
