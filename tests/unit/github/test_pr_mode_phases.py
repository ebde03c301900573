"""PR mode across the trust boundary: `action run` (read-only token) records the stacked PR,
the suggestions review and the status comment; `action publish` (write token, empty cwd)
pushes only `codeflash/<abbr>-pr<N>` and replays the review only in the shape PR mode makes.

Also the trust checks on the automatic `pull_request_target` path: a bot-authored PR and a
head that moved since the event are refused before any repository code runs. The loop is the
stub of test_action.py (a real commit on a real branch); origin is a bare repository reached
through a `file://` GITHUB_SERVER_URL, so publish pushes exactly as it would to GitHub.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codeflash_bot.github.artifact import MANIFEST, load_artifact
from codeflash_bot.github.context import Optimize
from codeflash_bot.github.outbox import PLACEHOLDER_URL
from codeflash_bot.github.phases import publish_phase, run_phase
from codeflash_bot.github.trust import BOT_PR_REPLY
from tests.support.action import PR_HOT, SMALL_FILES, TOKEN, EnvFactory, comment_event
from tests.support.fake_github import FakeGitHub, webhook
from tests.support.fakes import StubLoop
from tests.support.git import git
from tests.support.remotes import Repos, make_repos

WRITE_TOKEN = "ghs_WRITEprmode000111222333444"
EVENT = "pull_request_target"


@pytest.fixture
def repos(tmp_path: Path) -> Repos:
    """master plus the contributor's same-repo branch `changes` (PR #2 in the payload)."""
    return make_repos(
        tmp_path / "git", SMALL_FILES, extra_branches={"changes": {"src/demo/hot.py": PR_HOT}}
    )


@pytest.fixture
def server(tmp_path: Path, fake: FakeGitHub, repos: Repos) -> str:
    root = tmp_path / "server"
    (root / fake.full_name).parent.mkdir(parents=True)
    (root / f"{fake.full_name}.git").symlink_to(repos.origin)
    return f"file://{root}"


def pr_event(repos: Repos, **pr: Any) -> dict[str, Any]:
    """pull_request_target.opened for PR #2 (changes -> master) at the branch's real head."""
    payload = webhook("pull_request.opened.json")
    payload["pull_request"]["head"]["sha"] = repos.remote_refs()["refs/heads/changes"]
    payload["pull_request"].update(pr)
    return payload


def run_pr(
    action_env: EnvFactory,
    server: str,
    tmp_path: Path,
    payload: dict[str, Any],
    *,
    optimize: Optimize,
    **inputs: str,
) -> tuple[dict[str, str], Path, int]:
    env = action_env(EVENT, payload, pr_mode="true", **inputs)
    env["GITHUB_SERVER_URL"] = server
    artifact = tmp_path / "artifact"
    return env, artifact, run_phase(env, artifact, optimize=optimize)


def publish(env: dict[str, str], artifact: Path, tmp_path: Path, monkeypatch: Any) -> int:
    empty = tmp_path / "empty"
    empty.mkdir(exist_ok=True)
    monkeypatch.chdir(empty)
    return publish_phase({**env, "INPUT_GITHUB-TOKEN": WRITE_TOKEN}, artifact)


def test_pr_mode_runs_read_only_and_publish_answers_on_the_pr(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    stub_loop: StubLoop,
    server: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    head = repos.remote_refs()["refs/heads/changes"]
    env, artifact, code = run_pr(action_env, server, tmp_path, pr_event(repos), optimize=stub_loop)
    assert code == 0
    assert stub_loop.started_at == [head]
    assert fake.writes() == []  # the read-only job sent nothing
    assert repos.remote_branches() == ["changes", "master"]
    manifest = load_artifact(artifact)
    assert manifest.branch == "codeflash/ds-pr2" and manifest.base == "changes"
    assert manifest.pr_head_sha == head and manifest.number == 2
    reads = len(fake.calls)

    assert publish(env, artifact, tmp_path, monkeypatch) == 0
    assert fake.summary()[reads:] == [
        "POST R/pulls",
        "POST R/pulls/2/reviews",
        "POST R/issues/2/comments",  # the status comment, in its final state
    ]
    assert repos.remote_refs()["refs/heads/codeflash/ds-pr2"] == manifest.head_sha
    assert repos.remote_refs()["refs/heads/changes"] == head  # the contributor's branch: untouched
    assert "return list(xs)" in repos.show("codeflash/ds-pr2", "src/demo/hot.py")
    pr = next(c.body for c in fake.calls if c.method == "POST" and c.path.endswith("/pulls"))
    assert (pr["head"], pr["base"]) == ("codeflash/ds-pr2", "changes")
    [review] = fake.reviews[2]
    assert review["commit_id"] == head and review["event"] == "COMMENT"
    [comment] = review["comments"]
    assert (comment["path"], comment["line"], comment["side"]) == ("src/demo/hot.py", 2, "RIGHT")
    assert "```suggestion\n    return list(xs)\n```" in comment["body"]
    assert "https://github.com/Codertocat/Hello-World/pull/101" in comment["body"]
    sticky = fake.comments[2][-1]["body"]
    assert "Stacked pull request: https://github.com/Codertocat/Hello-World/pull/101" in sticky
    assert "One-click suggestions: https://github.com/Codertocat/Hello-World/pull/2#" in sticky
    sent = json.dumps([c.body for c in fake.calls])
    assert PLACEHOLDER_URL not in sent and "9000000" not in sent
    assert WRITE_TOKEN not in sent and TOKEN not in sent


def _edit_review(change: Any) -> Any:
    def edit(data: dict[str, Any]) -> None:
        [review] = [w for w in data["writes"] if w.get("path", "").endswith("/reviews")]
        change(data, review)

    return edit


def _other_commit(data: dict[str, Any], review: dict[str, Any]) -> None:
    review["body"]["commit_id"] = "1" * 40


def _other_recorded_head(data: dict[str, Any], review: dict[str, Any]) -> None:
    data["pr_head_sha"] = review["body"]["commit_id"] = "2" * 40


def _approval(data: dict[str, Any], review: dict[str, Any]) -> None:
    review["body"]["event"] = "APPROVE"


def _other_pull(data: dict[str, Any], review: dict[str, Any]) -> None:
    review["path"] = "pulls/3/reviews"


def _unchanged_file(data: dict[str, Any], review: dict[str, Any]) -> None:
    data["files"].append("pyproject.toml")  # listed, but the bot's commits do not change it
    review["body"]["comments"][0]["path"] = "pyproject.toml"


def _left_side(data: dict[str, Any], review: dict[str, Any]) -> None:
    review["body"]["comments"][0]["side"] = "LEFT"


def _extra_comment_field(data: dict[str, Any], review: dict[str, Any]) -> None:
    review["body"]["comments"][0]["position"] = 1


@pytest.mark.parametrize(
    ("tamper", "says"),
    [
        (_other_commit, "commit_id is not the pull request head"),
        (_other_recorded_head, "another head than the event's"),
        (_approval, "never an approval"),
        (_other_pull, "not a write this event allows"),
        (_unchanged_file, "a file the bot did not change"),
        (_left_side, "not on the pull request's head side"),
        (_extra_comment_field, "unexpected field 'position'"),
    ],
)
def test_publish_refuses_a_review_pr_mode_would_not_make(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    stub_loop: StubLoop,
    server: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tamper: Any,
    says: str,
) -> None:
    env, artifact, code = run_pr(action_env, server, tmp_path, pr_event(repos), optimize=stub_loop)
    assert code == 0
    path = artifact / MANIFEST
    data = json.loads(path.read_text())
    _edit_review(tamper)(data)
    path.write_text(json.dumps(data))
    before = repos.remote_refs()
    assert publish(env, artifact, tmp_path, monkeypatch) != 0
    assert says in capsys.readouterr().err
    assert fake.writes() == [] and repos.remote_refs() == before


def test_review_text_is_neutralised_by_publish(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    stub_loop: StubLoop,
    server: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env, artifact, _ = run_pr(action_env, server, tmp_path, pr_event(repos), optimize=stub_loop)
    path = artifact / MANIFEST
    data = json.loads(path.read_text())
    [review] = [w for w in data["writes"] if w.get("path", "").endswith("/reviews")]
    comment = review["body"]["comments"][0]
    comment["body"] = "ping @security-team\n\n" + comment["body"] + "\n\n@property stays in code"
    review["body"]["body"] += " cc @octocat"
    path.write_text(json.dumps(data))
    assert publish(env, artifact, tmp_path, monkeypatch) == 0
    [sent] = fake.reviews[2]
    assert "@security-team" not in sent["comments"][0]["body"]
    assert "@\u200dsecurity-team" in sent["comments"][0]["body"]
    assert "@\u200doctocat" in sent["body"]
    assert "```suggestion\n    return list(xs)\n```" in sent["comments"][0]["body"]


def test_bot_authored_pr_is_refused_on_pull_request_target(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    stub_loop: StubLoop,
    server: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = repos.workspace_state()
    payload = pr_event(repos, user={"login": "dependabot[bot]", "type": "Bot"})
    env, artifact, code = run_pr(action_env, server, tmp_path, payload, optimize=stub_loop)
    assert code == 0 and stub_loop.requests == []
    assert repos.workspace_state() == before  # nothing checked out
    assert publish(env, artifact, tmp_path, monkeypatch) == 0
    body = fake.comments[2][-1]["body"]
    assert BOT_PR_REPLY.format(login="dependabot[bot]") in body and '"state": "skipped"' in body
    assert repos.remote_branches() == ["changes", "master"]


def test_bot_authored_pr_runs_when_the_workflow_allows_it(
    repos: Repos,
    action_env: EnvFactory,
    stub_loop: StubLoop,
    server: str,
    tmp_path: Path,
) -> None:
    payload = pr_event(repos, user={"login": "dependabot[bot]", "type": "Bot"})
    _, _, code = run_pr(
        action_env, server, tmp_path, payload, allow_bot_prs="true", optimize=stub_loop
    )
    assert code == 0 and len(stub_loop.requests) == 1


def test_a_head_that_moved_since_the_event_is_not_run(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    stub_loop: StubLoop,
    server: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    payload = pr_event(repos)
    payload["pull_request"]["head"]["sha"] = repos.remote_refs()["refs/heads/master"]
    env, artifact, code = run_pr(action_env, server, tmp_path, payload, optimize=stub_loop)
    assert code == 0 and stub_loop.requests == []  # the artifact carries the error
    assert publish(env, artifact, tmp_path, monkeypatch) != 0
    assert "head moved since it was read" in capsys.readouterr().err
    assert "head moved since it was read" in fake.comments[2][-1]["body"]
    assert repos.remote_branches() == ["changes", "master"]


def test_a_new_push_restarts_the_bot_branch_through_publish(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    stub_loop: StubLoop,
    server: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """synchronize: run bundles the branch restarted at the new head; publish replaces the old
    bot commits with a lease on what origin had, updates the same stacked PR and status
    comment, and reviews the new head. The contributor's branch is never pushed."""
    env, artifact, _ = run_pr(action_env, server, tmp_path, pr_event(repos), optimize=stub_loop)
    assert publish(env, artifact, tmp_path, monkeypatch) == 0
    first = repos.remote_refs()["refs/heads/codeflash/ds-pr2"]

    clone = tmp_path / "contributor"
    git(tmp_path, "clone", "-q", "--branch", "changes", str(repos.origin), str(clone))
    (clone / "NOTES.md").write_text("more work\n")
    git(clone, "add", "NOTES.md")
    git(clone, "commit", "-q", "-m", "more work")
    git(clone, "push", "-q", "origin", "changes")
    new_head = repos.remote_refs()["refs/heads/changes"]
    payload = webhook("pull_request.synchronize.json")
    payload["pull_request"]["head"]["sha"] = new_head
    second = tmp_path / "artifact2"
    env = action_env(EVENT, payload, pr_mode="true")
    env["GITHUB_SERVER_URL"] = server
    monkeypatch.chdir(repos.workspace)
    assert run_phase(env, second, optimize=stub_loop) == 0
    assert load_artifact(second).writes[0].model_dump() == {
        "branch": "codeflash/ds-pr2",
        "lease": first,
    }
    reads = len(fake.calls)
    assert publish(env, second, tmp_path, monkeypatch) == 0
    sent = [s for s in fake.summary()[reads:] if not s.startswith("GET")]
    status_id = fake.comments[2][0]["id"]
    assert sent == [
        "PATCH R/pulls/101",
        "POST R/pulls/2/reviews",
        f"PATCH R/issues/comments/{status_id}",
    ]
    tip = repos.remote_refs()["refs/heads/codeflash/ds-pr2"]
    assert tip != first and git(repos.origin, "merge-base", "--is-ancestor", new_head, tip) == ""
    assert repos.remote_refs()["refs/heads/changes"] == new_head
    assert [r["commit_id"] for r in fake.reviews[2]][-1] == new_head
    assert len(fake.comments[2]) == 1


def test_comment_pr_through_run_and_publish(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    stub_loop: StubLoop,
    server: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`/codeflash pr`: the event names no head, so the review is pinned to the head the run
    read from the API and checked out (recorded in the manifest)."""
    head = repos.remote_refs()["refs/heads/changes"]
    fake.add_pull(2, "changes", "master", sha=head)
    env = action_env("issue_comment", comment_event("/codeflash pr", on_pr=True, number=2))
    env["GITHUB_SERVER_URL"] = server
    artifact = tmp_path / "artifact"
    assert run_phase(env, artifact, optimize=stub_loop) == 0
    assert fake.writes() == [] and load_artifact(artifact).pr_head_sha == head
    assert publish(env, artifact, tmp_path, monkeypatch) == 0
    [review] = fake.reviews[2]
    assert review["commit_id"] == head
    assert repos.remote_refs()["refs/heads/changes"] == head
    assert "refs/heads/codeflash/ds-pr2" in repos.remote_refs()
