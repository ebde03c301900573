"""PR mode's checks before any run: input off, bots, closed PRs, forks, permissions, and a PR
that changes no function. Real payloads, the fake API, real git repos; the loop never starts
in these cases (the e2e test in tests/e2e/test_pr_mode.py runs it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from codeflash_bot.github.action import run_action
from codeflash_bot.github.pr_mode import FORK_INTRO, NO_FUNCTIONS
from tests.unit.github.conftest import SMALL_FILES, EnvFactory
from tests.unit.github.fake_github import FakeGitHub, webhook
from tests.unit.github.gitrepos import Repos, make_repos


def opened(**pr: Any) -> dict[str, Any]:
    payload = webhook("pull_request.opened.json")
    payload["pull_request"].update(pr)
    return payload


def test_off_unless_the_pr_mode_input_is_true(fake: FakeGitHub, action_env: EnvFactory) -> None:
    assert run_action(action_env("pull_request", opened())) == 0
    assert fake.calls == []


def test_bad_pr_mode_input_is_one_clear_error(
    fake: FakeGitHub, action_env: EnvFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_action(action_env("pull_request", opened(), pr_mode="yes")) != 0
    assert "input pr-mode: expected true or false" in capsys.readouterr().err
    assert fake.calls == []


@pytest.mark.parametrize("event", ["pull_request", "pull_request_target"])
def test_fork_gets_one_status_comment_and_nothing_is_checked_out(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, event: str
) -> None:
    before = repos.workspace_state()
    payload = opened()
    payload["pull_request"]["head"]["repo"]["full_name"] = "mallory/Hello-World"
    assert run_action(action_env(event, payload, pr_mode="true")) == 0
    assert fake.summary() == ["GET R/issues/2/comments", "POST R/issues/2/comments"]
    body = fake.comments[2][0]["body"]
    assert FORK_INTRO in body and "git push origin HEAD:refs/heads/codeflash-input/pr-2" in body
    assert repos.workspace_state() == before and repos.remote_branches() == ["master"]
    fake.calls.clear()
    assert run_action(action_env(event, payload, pr_mode="true")) == 0  # next push: edited
    assert fake.summary() == ["GET R/issues/2/comments", "PATCH R/issues/comments/9001"]


def test_fork_with_a_read_only_token_warns_instead_of_failing(
    fake: FakeGitHub, action_env: EnvFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = opened()
    payload["pull_request"]["head"]["repo"]["full_name"] = "mallory/Hello-World"
    fake.fail("POST", r"/issues/2/comments$", 403, {"message": "Resource not accessible"})
    assert run_action(action_env("pull_request", payload, pr_mode="true")) == 0
    assert "pull_request_target" in capsys.readouterr().out


def test_bots_closed_prs_and_the_bots_own_prs_are_ignored(
    fake: FakeGitHub, action_env: EnvFactory
) -> None:
    bot = opened()
    bot["sender"].update(login="dependabot[bot]", type="Bot")
    assert run_action(action_env("pull_request", bot, pr_mode="true")) == 0
    assert run_action(action_env("pull_request", opened(state="closed"), pr_mode="true")) == 0
    own = opened()
    own["pull_request"]["head"]["ref"] = "codeflash/ds-2026-01-01"
    assert run_action(action_env("pull_request", own, pr_mode="true")) == 0
    assert fake.calls == []


def test_sender_without_write_access_starts_nothing(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory
) -> None:
    before = repos.workspace_state()
    payload = opened()
    payload["sender"]["login"] = "reader"
    assert run_action(action_env("pull_request", payload, pr_mode="true")) == 0
    assert fake.summary() == ["GET R/collaborators/reader/permission"]
    assert repos.workspace_state() == before


def test_a_pr_that_changes_no_function_says_so(
    tmp_path: Path, fake: FakeGitHub, action_env: EnvFactory
) -> None:
    repos = make_repos(
        tmp_path / "other",
        SMALL_FILES,
        extra_branches={"changes": {"README.md": "docs only\n", "src/demo/hot.py": "# c\n"}},
    )
    env = action_env("pull_request", opened(), pr_mode="true")
    env["GITHUB_WORKSPACE"] = str(repos.workspace)
    contributor = repos.remote_refs()["refs/heads/changes"]
    assert run_action(env) == 0
    body = fake.comments[2][0]["body"]
    assert NO_FUNCTIONS in body and '"state": "done"' in body
    assert repos.remote_refs()["refs/heads/changes"] == contributor
    assert [c.method for c in fake.calls if c.method == "POST" and "pulls" in c.path] == []
