"""`action run` then `action publish`: the run phase sends no write, publish checks then sends.

The loop is the stub of test_action.py (a real commit on a real branch); origin is a bare repo
reached through a `file://` GITHUB_SERVER_URL, so publish pushes exactly as it would to GitHub.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codeflash_bot.errors import BotError
from codeflash_bot.github.artifact import BUNDLE, MANIFEST, load_artifact
from codeflash_bot.github.context import Optimize
from codeflash_bot.github.phases import publish_phase, run_phase
from codeflash_bot.github.sticky import MARKER
from tests.support.action import (
    COMMENT_ID,
    TOKEN,
    EnvFactory,
    R,
    comment_event,
    outputs,
    review_event,
)
from tests.support.fake_github import FakeGitHub
from tests.support.fakes import StubLoop
from tests.support.git import git
from tests.support.remotes import Repos

WRITE_TOKEN = "ghs_WRITEtoken000111222333444"


@pytest.fixture
def server(tmp_path: Path, fake: FakeGitHub, repos: Repos) -> str:
    """A `file://` server under which `<owner>/<repo>.git` is the bare origin."""
    root = tmp_path / "server"
    (root / fake.full_name).parent.mkdir(parents=True)
    (root / f"{fake.full_name}.git").symlink_to(repos.origin)
    return f"file://{root}"


def publish_env(env: dict[str, str], server: str) -> dict[str, str]:
    return {**env, "INPUT_GITHUB-TOKEN": WRITE_TOKEN, "GITHUB_SERVER_URL": server}


def run_comment(
    action_env: EnvFactory, tmp_path: Path, body: str = "/codeflash", *, optimize: Optimize
) -> tuple[dict[str, str], Path]:
    """The run phase (with `optimize` as the loop): it fetches from the server's URL, never the
    checkout's origin."""
    env = action_env("issue_comment", comment_event(body))
    env["GITHUB_SERVER_URL"] = f"file://{tmp_path / 'server'}"
    artifact = tmp_path / "artifact"
    assert run_phase(env, artifact, optimize=optimize) == 0
    return env, artifact


def edit_manifest(artifact: Path, change: Any) -> None:
    path = artifact / MANIFEST
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_run_writes_nothing_then_publish_opens_the_pr(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    loop: StubLoop,
    server: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env, artifact = run_comment(action_env, tmp_path, optimize=loop)
    assert fake.writes() == []  # the read-only job sent no write
    assert [b for b in repos.remote_branches() if b.startswith("codeflash/")] == []
    manifest = load_artifact(artifact)
    assert manifest.branch and manifest.branch.startswith("codeflash/")
    assert "src/demo/hot.py" in manifest.files and manifest.number == 1
    assert (artifact / BUNDLE).is_file() and (artifact / "results.tsv").is_file()
    reads = len(fake.calls)

    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    penv = publish_env(env, server)
    assert publish_phase(penv, artifact) == 0
    sent = fake.summary()[reads:]
    assert sent == [
        f"POST R/issues/comments/{COMMENT_ID}/reactions",
        "POST R/pulls",
        "POST R/issues/1/comments",  # the status comment, in its final state
    ]
    assert repos.remote_refs()[f"refs/heads/{manifest.branch}"] == manifest.head_sha
    assert "return list(xs)" in repos.show(manifest.branch, "src/demo/hot.py")
    sticky = fake.comments[1][0]["body"]
    assert MARKER in sticky and '"state": "done"' in sticky
    assert "opened #101" in sticky and "9000000" not in sticky
    pr = fake.calls[-2].body
    assert pr["head"] == manifest.branch and pr["base"] == "master"
    assert "Requested in #1 by @Codertocat." in pr["body"]
    assert outputs(penv)["pr-url"] == "https://github.com/Codertocat/Hello-World/pull/101"
    summary = Path(penv["GITHUB_STEP_SUMMARY"]).read_text()
    assert "opened #101: https://github.com/Codertocat/Hello-World/pull/101" in summary
    assert all(WRITE_TOKEN not in repr(c.body) and TOKEN not in repr(c.body) for c in fake.calls)
    assert list(empty.iterdir()) == []


def test_run_phase_refuses_a_non_empty_artifact_dir(
    action_env: EnvFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "artifact").mkdir()
    (tmp_path / "artifact" / "old").write_text("x")
    env = action_env("issue_comment", comment_event("/codeflash"))
    assert run_phase(env, tmp_path / "artifact") == 2
    assert "must be a new or empty directory" in capsys.readouterr().err


def _other_issue(data: dict[str, Any]) -> None:
    data["writes"].insert(0, {"method": "POST", "path": "issues/2/comments", "body": {"body": "x"}})


def _not_bot_branch(data: dict[str, Any]) -> None:
    data["branch"] = "master"


def _other_base(data: dict[str, Any]) -> None:
    for w in data["writes"]:
        if w.get("path") == "pulls":
            w["body"]["base"] = "release"


def _file_not_listed(data: dict[str, Any]) -> None:
    data["files"] = [f for f in data["files"] if f != "src/demo/hot.py"]


def _other_trigger(data: dict[str, Any]) -> None:
    data["trigger"] = "schedule"


def _extra_field(data: dict[str, Any]) -> None:
    data["writes"][0]["body"]["state"] = "closed"


def _unknown_write(data: dict[str, Any]) -> None:
    data["writes"].append({"method": "DELETE", "path": "git/refs/heads/master", "body": {}})


def _huge_body(data: dict[str, Any]) -> None:
    data["writes"][-1]["body"]["body"] = "x" * 70_000


def _path_escape(data: dict[str, Any]) -> None:
    data["files"].append("../outside.py")


def _other_head_sha(data: dict[str, Any]) -> None:
    data["head_sha"] = "0" * 40


@pytest.mark.parametrize(
    ("tamper", "says"),
    [
        (_other_issue, "not a write this event allows"),
        (_not_bot_branch, "only codeflash/* branches"),
        (_other_base, "base is not the manifest's base"),
        (_file_not_listed, "not in the manifest"),
        (_other_trigger, "made for a 'schedule' event"),
        (_extra_field, "unexpected field 'state'"),
        (_unknown_write, "refusing DELETE git/refs/heads/master"),
        (_other_head_sha, "the manifest says otherwise"),
        (_huge_body, "longer than 65536 characters"),
        (_path_escape, "not a relative path inside the repository"),
    ],
)
def test_publish_refuses_a_tampered_manifest_before_any_write(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    loop: StubLoop,
    server: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    tamper: Any,
    says: str,
) -> None:
    env, artifact = run_comment(action_env, tmp_path, optimize=loop)
    edit_manifest(artifact, tamper)
    before = repos.remote_refs()
    assert publish_phase(publish_env(env, server), artifact) != 0
    assert says in capsys.readouterr().err
    assert fake.writes() == []
    assert repos.remote_refs() == before


def test_publish_refuses_commits_touching_workflows(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    loop: StubLoop,
    server: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Even when the manifest lists the file: a PR must never change a workflow."""
    env, artifact = run_comment(action_env, tmp_path, optimize=loop)
    manifest = load_artifact(artifact)
    ws = repos.workspace
    git(ws, "checkout", "-q", manifest.branch)
    (ws / ".github/workflows").mkdir(parents=True)
    (ws / ".github/workflows/x.yml").write_text("on: push\n")
    git(ws, "add", "-A")
    git(ws, "commit", "-q", "-m", "sneak")
    bundle = artifact / BUNDLE
    bundle.unlink()
    git(ws, "bundle", "create", str(bundle), f"refs/heads/{manifest.branch}", "^master")
    head = git(ws, "rev-parse", "HEAD")

    def point(data: dict[str, Any]) -> None:
        data["head_sha"] = head
        data["files"].append(".github/workflows/x.yml")

    edit_manifest(artifact, point)
    assert publish_phase(publish_env(env, server), artifact) != 0
    assert "workflows are never changed" in capsys.readouterr().err
    assert fake.writes() == []


def test_publish_refuses_when_origin_moved_the_branch(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    loop: StubLoop,
    server: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Someone pushed the same branch name between run and publish: never overwritten."""
    env, artifact = run_comment(action_env, tmp_path, optimize=loop)
    branch = load_artifact(artifact).branch
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(repos.origin), str(other))
    git(other, "checkout", "-q", "-b", branch)
    (other / "NOTE").write_text("mine\n")
    git(other, "add", "-A")
    git(other, "commit", "-q", "-m", "someone else")
    git(other, "push", "-q", "origin", branch)
    theirs = repos.remote_refs()[f"refs/heads/{branch}"]
    assert publish_phase(publish_env(env, server), artifact) != 0
    err = capsys.readouterr().err
    assert "moved while the bot was running" in err or "does not apply" in err
    assert repos.remote_refs()[f"refs/heads/{branch}"] == theirs


def test_publish_edits_only_the_bots_own_comments(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    loop: StubLoop,
    server: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    human = fake.add_comment(1, "my own words", {"login": "octocat", "type": "User"})
    env, artifact = run_comment(action_env, tmp_path, optimize=loop)
    edit_manifest(
        artifact,
        lambda d: d["writes"].append(
            {"method": "PATCH", "path": f"issues/comments/{human}", "body": {"body": "pwned"}}
        ),
    )
    assert publish_phase(publish_env(env, server), artifact) != 0
    assert "not the bot's own comment" in capsys.readouterr().err
    assert fake.comments[1][0]["body"] == "my own words"
    assert fake.writes() == []


def test_publish_with_no_artifact_is_one_clear_line(
    action_env: EnvFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = action_env("issue_comment", comment_event("/codeflash"))
    assert publish_phase(env, tmp_path / "nothing") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no manifest.json" in err[0]


def test_a_failed_run_is_reported_by_publish(
    fake: FakeGitHub,
    action_env: EnvFactory,
    loop: StubLoop,
    server: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The run phase exits 0 once the artifact exists; publish posts the failure and fails."""

    def boom(*_: Any) -> Any:
        raise BotError("the tests of this repository fail at baseline")

    env, artifact = run_comment(action_env, tmp_path, optimize=boom)
    assert load_artifact(artifact).exit_code == 2
    assert publish_phase(publish_env(env, server), artifact) == 2
    assert "fail at baseline" in capsys.readouterr().err
    sticky = fake.comments[1][0]["body"]
    assert '"state": "failed"' in sticky and "fail at baseline" in sticky


def test_run_phase_never_talks_to_the_checkouts_origin(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    loop: StubLoop,
    server: str,
    tmp_path: Path,
) -> None:
    """Repository code may rewrite .git/config's origin: the run phase fetches from the
    server URL the runner names, and its hooks never run."""
    evil = tmp_path / "evil.git"
    git(tmp_path, "clone", "-q", "--bare", str(repos.origin), str(evil))
    git(repos.workspace, "remote", "set-url", "origin", str(evil))
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    ran = tmp_path / "hook-ran"
    for name in ("pre-commit", "post-commit", "reference-transaction", "post-checkout"):
        (hooks / name).write_text(f"#!/bin/sh\necho {name} >> {ran}\n")
        (hooks / name).chmod(0o755)
    git(repos.workspace, "config", "core.hooksPath", str(hooks))
    before = git(evil, "for-each-ref")
    env, artifact = run_comment(action_env, tmp_path, optimize=loop)
    assert load_artifact(artifact).branch
    assert publish_phase(publish_env(env, server), artifact) == 0
    assert git(evil, "for-each-ref") == before
    assert not ran.exists()


def test_review_feedback_is_committed_by_run_and_pushed_by_publish(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    loop: StubLoop,
    bot_branch: str,
    server: str,
    tmp_path: Path,
) -> None:
    """No repository code runs here, but the split holds: the commit is made in the run job
    and reaches origin only through publish's checks (a lease on the branch it saw)."""
    env = action_env(
        "pull_request_review_comment",
        review_event(bot_branch, "Please don't touch module legacy.io"),
    )
    env["GITHUB_SERVER_URL"] = server
    before = repos.remote_refs()[f"refs/heads/{bot_branch}"]
    artifact = tmp_path / "artifact"
    assert run_phase(env, artifact, optimize=loop) == 0
    assert fake.writes() == [] and repos.remote_refs()[f"refs/heads/{bot_branch}"] == before
    assert load_artifact(artifact).files == [".codeflash/conventions.md"]
    assert publish_phase(publish_env(env, server), artifact) == 0
    assert [f"{c.method} {c.path}" for c in fake.writes()] == [
        f"POST {R}/pulls/comments/284312630/reactions",
        f"POST {R}/pulls/2/comments/284312630/replies",
    ]
    assert "noted under **Scope**" in fake.calls[-1].body["body"]
    doc = repos.show(bot_branch, ".codeflash/conventions.md")
    assert "Please don't touch module legacy.io" in doc
