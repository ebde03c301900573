"""PR mode's checks before any run: input off, bots, closed PRs, forks, permissions, and a PR
that changes no function. Real payloads, the fake API, real git repos; the loop never starts
in these cases (the e2e test in tests/e2e/test_pr_mode.py runs it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from codeflash_bot.github.action import run_action
from codeflash_bot.github.pr_mode import FORK_INTRO, NO_FUNCTIONS
from codeflash_bot.models import Domain
from tests.support.action import PR_HOT, SMALL_FILES, EnvFactory, comment_event
from tests.support.fake_github import FakeGitHub, webhook
from tests.support.fakes import StubLoop
from tests.support.remotes import Repos, make_repos


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
    assert FORK_INTRO in body and "never runs a fork's code" in body
    assert "git push" not in body  # never tells a maintainer to run unreviewed fork code
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
    contributor = repos.remote_refs()["refs/heads/changes"]
    payload = opened()
    payload["pull_request"]["head"]["sha"] = contributor
    env = action_env("pull_request", payload, pr_mode="true")
    env["GITHUB_WORKSPACE"] = str(repos.workspace)
    assert run_action(env) == 0
    body = fake.comments[2][0]["body"]
    assert NO_FUNCTIONS in body and '"state": "done"' in body
    assert repos.remote_refs()["refs/heads/changes"] == contributor
    assert [c.method for c in fake.calls if c.method == "POST" and "pulls" in c.path] == []


def test_comment_pr_runs_pr_mode_on_that_pull_request(
    tmp_path: Path, fake: FakeGitHub, action_env: EnvFactory, stub_loop: StubLoop
) -> None:
    repos = make_repos(
        tmp_path / "pr", SMALL_FILES, extra_branches={"changes": {"src/demo/hot.py": PR_HOT}}
    )
    head = repos.remote_refs()["refs/heads/changes"]
    fake.add_pull(2, "changes", "master", sha=head)
    env = action_env("issue_comment", comment_event("/codeflash pr", on_pr=True, number=2))
    env["GITHUB_WORKSPACE"] = str(repos.workspace)
    assert run_action(env, optimize=stub_loop) == 0
    [request] = stub_loop.requests
    assert stub_loop.started_at == [head]
    assert request.changed_since == repos.remote_refs()["refs/heads/master"]  # the merge-base
    assert request.domain is Domain.CPU and request.budget_minutes == 10.0
    created = [c.body for c in fake.calls if c.method == "POST" and c.path.endswith("/pulls")]
    assert [(c["head"], c["base"]) for c in created] == [("codeflash/ds-pr2", "changes")]
    [review] = fake.reviews[2]
    assert review["commit_id"] == head
    [comment] = review["comments"]
    assert (comment["path"], comment["line"], comment["side"]) == ("src/demo/hot.py", 2, "RIGHT")
    assert "```suggestion\n    return list(xs)\n```" in comment["body"]
    assert repos.remote_refs()["refs/heads/changes"] == head
    sticky = fake.comments[2][-1]["body"]
    assert "Stacked pull request: https://github.com/Codertocat/Hello-World/pull/101" in sticky
    assert "One-click suggestions:" in sticky


def test_comment_pr_on_an_issue_says_it_needs_a_pull_request(
    fake: FakeGitHub, action_env: EnvFactory, stub_loop: StubLoop
) -> None:
    assert (
        run_action(action_env("issue_comment", comment_event("/codeflash pr")), optimize=stub_loop)
        == 0
    )
    assert "works on pull requests only" in fake.comments[1][-1]["body"]
    assert stub_loop.requests == []
