"""Fixtures for the GitHub layer: a fake API on a local HTTP server, real git repos, and
an Action environment pointing at both."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.unit.github.fake_github import FakeGitHub, webhook
from tests.unit.github.gitrepos import Repos, make_repos

TOKEN = "ghs_fakeTOKEN1234567890abcdef"


@pytest.fixture
def fake(httpserver: HTTPServer) -> FakeGitHub:
    gh = FakeGitHub(httpserver)
    gh.permissions.update({"Codertocat": "admin", "octocat": "write", "reader": "read"})
    yield gh
    assert gh.problems == [], "requests not matching GitHub's REST description"


SMALL_FILES = {
    "pyproject.toml": "[project]\nname = 'demo'\nversion = '0.1.0'\n",
    "src/demo/__init__.py": "",
    "src/demo/hot.py": "def f(xs):\n    return [x for x in xs if x in xs]\n",
    "tests/test_hot.py": "from demo.hot import f\n\ndef test_f():\n    assert f([1]) == [1]\n",
}


@pytest.fixture
def repos(tmp_path: Path) -> Repos:
    return make_repos(tmp_path / "git", SMALL_FILES)


EnvFactory = Callable[..., dict[str, str]]


@pytest.fixture
def action_env(tmp_path: Path, fake: FakeGitHub, repos: Repos) -> EnvFactory:
    """env for run_action: an event payload (dict or raw text) written where the runner would."""

    def build(event: str, payload: dict[str, Any] | str, **inputs: str) -> dict[str, str]:
        path = tmp_path / "event.json"
        path.write_text(payload if isinstance(payload, str) else json.dumps(payload))
        env = {
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": event,
            "GITHUB_EVENT_PATH": str(path),
            "GITHUB_REPOSITORY": fake.full_name,
            "GITHUB_WORKSPACE": str(repos.workspace),
            "GITHUB_API_URL": fake.base,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_RUN_ID": "4242",
            "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
            "INPUT_GITHUB-TOKEN": TOKEN,
        }
        env.update({f"INPUT_{k.upper().replace('_', '-')}": v for k, v in inputs.items()})
        return env

    return build


def comment_event(
    body: str,
    *,
    login: str = "Codertocat",
    user_type: str = "User",
    on_pr: bool = False,
    number: int = 1,
) -> dict[str, Any]:
    """issue_comment.created from GitHub's example, with our comment text."""
    payload = webhook("issue_comment.created.json")
    payload["comment"]["body"] = body
    payload["comment"]["user"].update(login=login, type=user_type)
    payload["sender"].update(login=login, type=user_type)
    payload["issue"]["number"] = number
    if on_pr:
        payload["issue"]["pull_request"] = {"url": f"https://api.github.com/x/pulls/{number}"}
    return payload


def outputs(env: dict[str, str]) -> dict[str, str]:
    """Parse GITHUB_OUTPUT's heredoc records."""
    path = Path(env["GITHUB_OUTPUT"])
    if not path.exists():
        return {}
    out: dict[str, str] = {}
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        name, _, delim = lines[i].partition("<<")
        value = []
        i += 1
        while lines[i] != delim:
            value.append(lines[i])
            i += 1
        out[name] = "\n".join(value)
        i += 1
    return out
