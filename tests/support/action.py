"""The GitHub Action's inputs and outputs as tests build and read them: the runner's
environment, webhook payloads with our text, GITHUB_OUTPUT records, an API context."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codeflash_bot.github.client import make_client
from codeflash_bot.github.context import Context
from tests.support.fake_github import FakeGitHub, webhook

TOKEN = "ghs_fakeTOKEN1234567890abcdef"
R = "/repos/Codertocat/Hello-World"
COMMENT_ID = 492700400

SMALL_FILES = {
    "pyproject.toml": "[project]\nname = 'demo'\nversion = '0.1.0'\n",
    "src/demo/__init__.py": "",
    "src/demo/hot.py": "def f(xs):\n    return [x for x in xs if x in xs]\n",
    "tests/test_hot.py": "from demo.hot import f\n\ndef test_f():\n    assert f([1]) == [1]\n",
}
PR_HOT = "def f(xs):\n    return [x for x in xs if x in xs]  # the PR's version\n"

EnvFactory = Callable[..., dict[str, str]]


def action_env(
    tmp: Path,
    fake: FakeGitHub,
    workspace: Path,
    event: str,
    payload: dict[str, Any] | str,
    *,
    token: str,
    run_id: str,
    server_url: str | None = None,
    **inputs: str,
) -> dict[str, str]:
    """The runner's environment for one event: the payload (dict or raw text) written to
    `tmp/event.json` where GITHUB_EVENT_PATH points, `inputs` as INPUT_<NAME> variables."""
    path = tmp / "event.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload))
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event,
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_REPOSITORY": fake.full_name,
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_API_URL": fake.base,
        "GITHUB_RUN_ID": run_id,
        "GITHUB_OUTPUT": str(tmp / "output.txt"),
        "GITHUB_STEP_SUMMARY": str(tmp / "summary.md"),
        "INPUT_GITHUB-TOKEN": token,
    }
    if server_url is not None:
        env["GITHUB_SERVER_URL"] = server_url
    env.update({f"INPUT_{k.upper().replace('_', '-')}": v for k, v in inputs.items()})
    return env


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


def review_event(branch: str, body: str, login: str = "Codertocat") -> dict[str, Any]:
    """pull_request_review_comment.created on `branch`, with our comment text."""
    payload = webhook("pull_request_review_comment.created.json")
    payload["pull_request"]["head"]["ref"] = branch
    payload["comment"]["body"] = body
    payload["comment"]["line"] = 12
    payload["sender"]["login"] = login
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


def make_ctx(fake: FakeGitHub, run_id: str = "4242") -> Context:
    """An API context talking to the fake, as the Action would build it."""
    return Context(
        gh=make_client(TOKEN, fake.base),
        full_name=fake.full_name,
        workspace=Path("."),
        token=TOKEN,
        api_url=fake.base,
        run_id=run_id,
    )
