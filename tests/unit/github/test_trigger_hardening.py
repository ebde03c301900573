"""Triggers from the right people, on the code they saw (issue 12, item 3)."""

from __future__ import annotations

from codeflash_bot.github.action import run_action
from codeflash_bot.github.sticky import MARKER, RunState
from codeflash_bot.github.trust import REFUSED_MARKER
from tests.support.action import EnvFactory, comment_event
from tests.support.fake_github import FakeGitHub, webhook
from tests.support.fakes import StubLoop
from tests.support.git import git
from tests.support.remotes import Repos

R = "/repos/Codertocat/Hello-World"


def pushed_branch(repos: Repos, name: str) -> str:
    git(repos.workspace, "checkout", "-q", "-b", name)
    (repos.workspace / "NEW.md").write_text("pr work\n")
    git(repos.workspace, "add", "NEW.md")
    git(repos.workspace, "commit", "-q", "-m", "pr work")
    head = git(repos.workspace, "rev-parse", "HEAD")
    git(repos.workspace, "push", "-q", "origin", name)
    git(repos.workspace, "checkout", "-q", "master")
    git(repos.workspace, "branch", "-q", "-D", name)
    return head


def test_an_unauthorised_user_is_answered_once_per_issue(
    fake: FakeGitHub,
    action_env: EnvFactory,
    loop: StubLoop,
) -> None:
    env = action_env("issue_comment", comment_event("/codeflash", login="reader"))
    assert run_action(env, optimize=loop) == 0
    assert run_action(env, optimize=loop) == 0
    posts = [c for c in fake.calls if c.method == "POST"]
    assert len(posts) == 1
    assert REFUSED_MARKER.format(login="reader") in posts[0].body["body"]
    other = action_env("issue_comment", comment_event("/codeflash", login="mallory"))
    assert run_action(other, optimize=loop) == 0  # someone else still gets their one answer
    assert len([c for c in fake.calls if c.method == "POST"]) == 2
    assert loop.requests == []


def test_a_refusal_marker_written_by_someone_else_does_not_silence_the_bot(
    fake: FakeGitHub,
    action_env: EnvFactory,
    loop: StubLoop,
) -> None:
    fake.add_comment(1, REFUSED_MARKER.format(login="reader"), {"login": "reader", "type": "User"})
    assert (
        run_action(
            action_env("issue_comment", comment_event("/codeflash", login="reader")), optimize=loop
        )
        == 0
    )
    assert [c.method for c in fake.calls].count("POST") == 1


def test_bot_authored_pull_requests_are_refused_unless_the_workflow_opts_in(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    loop: StubLoop,
) -> None:
    head = pushed_branch(repos, "deps")
    payload = webhook("pull_request.labeled.json")
    payload["label"]["name"] = "codeflash"
    payload["pull_request"]["head"]["ref"] = "deps"
    payload["pull_request"]["head"]["sha"] = head
    payload["pull_request"]["user"] = {"login": "dependabot[bot]", "type": "Bot"}
    assert run_action(action_env("pull_request", payload), optimize=loop) == 0
    assert loop.requests == []
    reply = fake.calls[-1].body["body"]
    assert "opened by a bot (`dependabot[bot]`)" in reply and "allow-bot-prs" in reply

    assert run_action(action_env("pull_request", payload, allow_bot_prs="true"), optimize=loop) == 0
    assert loop.started_at == [head]


def test_a_pull_request_that_moved_after_the_trigger_is_not_run(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    loop: StubLoop,
) -> None:
    seen = pushed_branch(repos, "changes")
    git(repos.workspace, "checkout", "-q", "-b", "changes", "origin/changes")
    (repos.workspace / "LATER.md").write_text("pushed after the label\n")
    git(repos.workspace, "add", "LATER.md")
    git(repos.workspace, "commit", "-q", "-m", "later")
    git(repos.workspace, "push", "-q", "origin", "changes")
    git(repos.workspace, "checkout", "-q", "master")
    payload = webhook("pull_request.labeled.json")
    payload["label"]["name"] = "codeflash"
    payload["pull_request"]["head"]["sha"] = seen
    assert run_action(action_env("pull_request", payload), optimize=loop) == 2
    assert loop.requests == []
    sticky = fake.comments[2][-1]["body"]
    assert "head moved since it was read" in sticky and '"state": "failed"' in sticky


def test_status_state_is_read_only_from_the_bots_own_comments(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    loop: StubLoop,
) -> None:
    """Another app posting a 'running' marker cannot block the bot (nor pose as its status)."""
    import time

    forged = f"{MARKER}\n{RunState('running', '777', time.time()).marker()}"
    fake.add_comment(1, forged, {"login": "some-other-app[bot]", "type": "Bot"})
    assert run_action(action_env("issue_comment", comment_event("/codeflash")), optimize=loop) == 0
    assert len(loop.requests) == 1
    assert fake.comments[1][0]["body"] == forged  # never edited either
    assert MARKER in fake.comments[1][1]["body"]  # the bot's own status comment
