"""`run_action` for every trigger and every refusal, with the loop stubbed (fast).

The stub makes a real commit on a real `codeflash/*` branch, so pushing, PR opening and the
recorded API traffic are exercised exactly as in a real run; tests/e2e/test_action.py runs
the real loop.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from codeflash_bot.github.action import run_action
from codeflash_bot.github.sticky import MARKER, RunState
from codeflash_bot.models import Domain, Request, RunSummary
from tests.support.action import (
    COMMENT_ID,
    TOKEN,
    EnvFactory,
    R,
    comment_event,
    outputs,
    review_event,
)
from tests.support.fake_github import FakeGitHub, webhook
from tests.support.fakes import StubLoop
from tests.support.git import git
from tests.support.remotes import Repos


def no_writes(fake: FakeGitHub, repos: Repos, before: tuple[Any, ...]) -> None:
    assert repos.remote_branches() == ["changes", "master"] or repos.remote_branches() == ["master"]
    assert repos.workspace_state() == before


def test_comment_runs_and_opens_pr(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    loop: StubLoop,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = action_env("issue_comment", comment_event("/codeflash"))
    assert run_action(env, optimize=loop) == 0
    assert fake.summary() == [
        "GET R/collaborators/Codertocat/permission",
        f"POST R/issues/comments/{COMMENT_ID}/reactions",
        "GET R/issues/1/comments",
        "POST R/issues/1/comments",
        "GET R/pulls",
        "PATCH R/issues/comments/9001",
        "GET R/pulls",
        "POST R/pulls",
        "PATCH R/issues/comments/9001",
    ]
    assert fake.calls[1].body == {"content": "eyes"}
    assert fake.calls[4].query == {
        "state": "open",
        "base": "master",
        "sort": "updated",
        "direction": "desc",
        "per_page": "100",
    }
    assert fake.calls[6].query == {
        "state": "open",
        "head": "Codertocat:" + loop_branch(repos),
        "per_page": "100",
    }
    pr = fake.calls[7].body
    assert pr["head"] == loop_branch(repos) and pr["base"] == "master"
    assert pr["title"] == "⚡ codeflash: f 2x faster"
    assert "BODY" in pr["body"] and "Requested in #1 by @Codertocat." in pr["body"]
    assert "actions/runs/4242" in pr["body"]
    sticky = fake.comments[1][0]["body"]
    assert MARKER in sticky and '"state": "done"' in sticky and "opened #101" in sticky
    assert "def f(xs):\n    return list(xs)" in repos.show(loop_branch(repos), "src/demo/hot.py")
    out = outputs(env)
    assert out == {
        "branch": loop_branch(repos),
        "pr-url": "https://github.com/Codertocat/Hello-World/pull/101",
        "kept": "1",
        "best-improvement": "50.0",
    }
    assert "opened #101" in Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    stdout = capsys.readouterr().out
    mask = stdout.splitlines()[0]
    assert mask.startswith("::add-mask") and mask.endswith(f"::{TOKEN}")
    assert TOKEN not in stdout.replace(mask, "")
    assert all(TOKEN not in repr(c.body) for c in fake.calls)
    assert loop.requests[0].domain is Domain.AUTO


def loop_branch(repos: Repos) -> str:
    return next(b for b in repos.remote_branches() if b.startswith("codeflash/"))


def test_read_only_commenter_gets_a_reply_and_nothing_else(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop
) -> None:
    before = repos.workspace_state()
    assert (
        run_action(
            action_env("issue_comment", comment_event("/codeflash", login="reader")), optimize=loop
        )
        == 0
    )
    assert fake.summary() == [
        "GET R/collaborators/reader/permission",
        "GET R/issues/1/comments",  # answered at most once per issue
        "POST R/issues/1/comments",
    ]
    assert "only people with write access" in fake.calls[2].body["body"]
    assert loop.requests == []
    no_writes(fake, repos, before)


@pytest.mark.parametrize(
    ("login", "kind"),
    [("github-actions[bot]", "Bot"), ("codeflash-bot[bot]", "User"), ("renovate", "Bot")],
)
def test_bot_comments_are_ignored_without_any_request(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop, login: str, kind: str
) -> None:
    before = repos.workspace_state()
    env = action_env("issue_comment", comment_event("/codeflash", login=login, user_type=kind))
    assert run_action(env, optimize=loop) == 0
    assert fake.calls == []
    no_writes(fake, repos, before)


def test_comments_not_for_the_bot_make_no_request(
    fake: FakeGitHub, action_env: EnvFactory, loop: StubLoop
) -> None:
    assert run_action(action_env("issue_comment", comment_event("LGTM")), optimize=loop) == 0
    assert fake.calls == []


def test_fork_pr_comment_is_refused_with_instructions(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop
) -> None:
    fake.add_pull(1, "feature", fork="mallory/Hello-World")
    before = repos.workspace_state()
    assert (
        run_action(
            action_env("issue_comment", comment_event("/codeflash", on_pr=True)), optimize=loop
        )
        == 0
    )
    assert fake.summary() == [
        "GET R/collaborators/Codertocat/permission",
        f"POST R/issues/comments/{COMMENT_ID}/reactions",
        "GET R/pulls/1",
        "POST R/issues/1/comments",
    ]
    reply = fake.calls[-1].body["body"]
    assert "comes from a fork (`mallory/Hello-World`)" in reply
    assert "git push" not in reply and "gh pr checkout" not in reply  # never run fork code
    assert loop.requests == []
    no_writes(fake, repos, before)


def test_fork_pr_label_is_refused(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop
) -> None:
    payload = webhook("pull_request.labeled.json")
    payload["label"]["name"] = "codeflash"
    payload["pull_request"]["head"]["repo"]["full_name"] = "mallory/Hello-World"
    before = repos.workspace_state()
    assert run_action(action_env("pull_request", payload), optimize=loop) == 0
    assert fake.summary() == [
        "GET R/collaborators/Codertocat/permission",
        "POST R/issues/2/comments",
    ]
    assert "fork" in fake.calls[-1].body["body"]
    no_writes(fake, repos, before)


@pytest.mark.parametrize("content", ['{"action": "created", "comm', "", "[1, 2]", "{}"])
def test_malformed_or_truncated_event_file(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    loop: StubLoop,
    capsys: pytest.CaptureFixture[str],
    content: str,
) -> None:
    before = repos.workspace_state()
    env = action_env("issue_comment", content)
    assert run_action(env, optimize=loop) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("codeflash-bot: error: ")
    assert fake.calls == []
    assert "❌" in Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    no_writes(fake, repos, before)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("/codeflash; rm -rf ~", "Unknown command `/codeflash;`"),
        ("/codeflash gpu", "Unknown command or domain `gpu`"),
        ("/codeflash optimize ../../etc/x.py::f", "is not a target"),
    ],
)
def test_bad_commands_get_help_and_run_nothing(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    loop: StubLoop,
    body: str,
    says: str,
    tmp_path: Path,
) -> None:
    before = repos.workspace_state()
    assert run_action(action_env("issue_comment", comment_event(body)), optimize=loop) == 0
    assert fake.summary() == [
        "GET R/collaborators/Codertocat/permission",
        f"POST R/issues/comments/{COMMENT_ID}/reactions",
        "POST R/issues/1/comments",
    ]
    reply = fake.calls[-1].body["body"]
    assert says in reply and "/codeflash help" in reply
    assert loop.requests == []
    assert not (Path.home() / "rm").exists()
    no_writes(fake, repos, before)


def test_unknown_domain_label(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop
) -> None:
    payload = webhook("issues.labeled.json")
    payload["label"]["name"] = "codeflash:gpu"
    assert run_action(action_env("issues", payload), optimize=loop) == 0
    assert fake.summary() == [
        "GET R/collaborators/Codertocat/permission",
        "POST R/issues/1/comments",
    ]
    assert "Unknown domain `gpu`" in fake.calls[-1].body["body"]
    assert loop.requests == []


def test_api_500_then_success(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop
) -> None:
    fake.fail("POST", "/reactions$", 500)
    fake.fail("POST", "/pulls$", 503)
    assert run_action(action_env("issue_comment", comment_event("/codeflash")), optimize=loop) == 0
    summary = fake.summary()
    assert summary.count(f"POST R/issues/comments/{COMMENT_ID}/reactions") == 2
    assert summary.count("POST R/pulls") == 2
    assert len(fake.pulls) == 1


def test_rate_limit_stops_with_a_clear_message(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    loop: StubLoop,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake.fail(
        "GET",
        "/permission$",
        403,
        {"message": "API rate limit exceeded for installation ID 1."},
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(time.time()) + 1800)},
    )
    before = repos.workspace_state()
    assert run_action(action_env("issue_comment", comment_event("/codeflash")), optimize=loop) == 2
    err = capsys.readouterr().err
    assert "rate limit exceeded and it resets at" in err and "Re-run after the reset" in err
    assert fake.summary() == ["GET R/collaborators/Codertocat/permission"]
    no_writes(fake, repos, before)


def test_issue_label_runs_the_domain(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop
) -> None:
    payload = webhook("issues.labeled.json")
    payload["label"]["name"] = "codeflash:cpu"
    assert run_action(action_env("issues", payload), optimize=loop) == 0
    assert fake.summary()[:2] == [
        "GET R/collaborators/Codertocat/permission",
        "POST R/issues/1/reactions",
    ]
    assert fake.summary()[-2:] == ["POST R/pulls", "PATCH R/issues/comments/9001"]
    assert loop.requests[0].domain is Domain.CPU
    assert "Spelling error" in (loop.requests[0].text or "")


def test_same_repo_pr_label_optimizes_the_pr_head(
    tmp_path: Path, fake: FakeGitHub, action_env: EnvFactory, loop: StubLoop, repos: Repos
) -> None:
    git(repos.workspace, "checkout", "-q", "-b", "changes")
    (repos.workspace / "NEW.md").write_text("pr work\n")
    git(repos.workspace, "add", "NEW.md")
    git(repos.workspace, "commit", "-q", "-m", "pr work")
    head = git(repos.workspace, "rev-parse", "HEAD")
    git(repos.workspace, "push", "-q", "origin", "changes")
    git(repos.workspace, "checkout", "-q", "master")
    git(repos.workspace, "branch", "-q", "-D", "changes")
    payload = webhook("pull_request.labeled.json")
    payload["label"]["name"] = "codeflash"
    payload["pull_request"]["head"]["sha"] = head  # what the person labelling it saw
    assert run_action(action_env("pull_request", payload), optimize=loop) == 0
    assert loop.started_at == [head]
    assert fake.summary()[:2] == [
        "GET R/collaborators/Codertocat/permission",
        "POST R/issues/2/reactions",
    ]
    created = [c for c in fake.calls if c.method == "POST" and c.path == f"{R}/pulls"]
    assert created[0].body["base"] == "changes"


def test_schedule_runs_whole_repo_without_comments(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop
) -> None:
    env = action_env("schedule", webhook("schedule.json"), domain="cpu", budget_minutes="5")
    assert run_action(env, optimize=loop) == 0
    assert fake.summary() == ["GET R/pulls", "GET R/pulls", "POST R/pulls"]
    assert loop.requests[0].domain is Domain.CPU and loop.requests[0].budget_minutes == 5
    assert "Requested in" not in fake.calls[-1].body["body"]
    assert outputs(env)["kept"] == "1"


def test_workflow_dispatch_inputs(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop
) -> None:
    payload = webhook("workflow_dispatch.json")
    payload["inputs"] = {"domain": "cpu", "target": "src/demo/hot.py::f", "budget-minutes": "2"}
    assert run_action(action_env("workflow_dispatch", payload), optimize=loop) == 0
    req = loop.requests[0]
    assert (req.domain, req.target, req.budget_minutes) == (Domain.CPU, "src/demo/hot.py::f", 2)
    assert fake.summary() == ["GET R/pulls", "GET R/pulls", "POST R/pulls"]


def test_workflow_dispatch_bad_target_is_refused(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop
) -> None:
    payload = webhook("workflow_dispatch.json")
    payload["inputs"] = {"target": "../../x.py::f"}
    assert run_action(action_env("workflow_dispatch", payload), optimize=loop) == 2
    assert fake.calls == [] and loop.requests == []


def test_rerun_updates_the_open_pr(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop
) -> None:
    git(repos.workspace, "checkout", "-q", "-b", "codeflash/ds-2020-01-01")
    git(repos.workspace, "push", "-q", "origin", "codeflash/ds-2020-01-01")
    git(repos.workspace, "checkout", "-q", "master")
    git(repos.workspace, "branch", "-q", "-D", "codeflash/ds-2020-01-01")
    fake.add_pull(7, "codeflash/ds-2020-01-01", "master")
    env = action_env("schedule", webhook("schedule.json"))
    assert run_action(env, optimize=loop) == 0
    assert fake.summary() == ["GET R/pulls", "GET R/pulls", "PATCH R/pulls/7"]
    assert "BODY" in fake.pulls[7]["body"]
    assert repos.remote_branches() == ["codeflash/ds-2020-01-01", "master"]
    assert outputs(env)["branch"] == "codeflash/ds-2020-01-01"


def test_nothing_kept_comment_says_what_was_tried(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop
) -> None:
    loop.kept = False
    env = action_env("issue_comment", comment_event("/codeflash cpu"))
    assert run_action(env, optimize=loop) == 0
    assert "POST R/pulls" not in fake.summary()
    assert repos.remote_branches() == ["master"]
    sticky = fake.comments[1][0]["body"]
    assert "no optimization was kept" in sticky
    assert "improvement below the floor" in sticky
    assert outputs(env) == {"branch": "", "pr-url": "", "kept": "0", "best-improvement": ""}


def test_second_trigger_while_running_is_told_to_wait(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop
) -> None:
    fake.add_comment(1, MARKER + "\n" + RunState("running", "77", time.time()).marker())
    assert run_action(action_env("issue_comment", comment_event("/codeflash")), optimize=loop) == 0
    assert fake.summary() == [
        "GET R/collaborators/Codertocat/permission",
        f"POST R/issues/comments/{COMMENT_ID}/reactions",
        "GET R/issues/1/comments",
        "GET R/actions/runs/77",
        "POST R/issues/1/comments",
    ]
    assert "already in progress" in fake.calls[-1].body["body"]
    assert loop.requests == []


def test_status_stop_help(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop
) -> None:
    assert (
        run_action(action_env("issue_comment", comment_event("/codeflash status")), optimize=loop)
        == 0
    )
    assert "No codeflash run on this issue yet" in fake.calls[-1].body["body"]
    sticky_id = fake.add_comment(1, MARKER + "\n" + RunState("running", "77", time.time()).marker())
    fake.calls.clear()
    assert (
        run_action(action_env("issue_comment", comment_event("/codeflash status")), optimize=loop)
        == 0
    )
    assert "**codeflash status:** running" in fake.calls[-1].body["body"]
    fake.calls.clear()
    assert (
        run_action(action_env("issue_comment", comment_event("/codeflash stop")), optimize=loop)
        == 0
    )
    assert fake.summary()[-3:] == [
        "POST R/actions/runs/77/cancel",
        f"PATCH R/issues/comments/{sticky_id}",
        "POST R/issues/1/comments",
    ]
    sticky = next(c for c in fake.comments[1] if c["id"] == sticky_id)
    assert (
        '"state": "stopped"' in sticky["body"] and "stop requested by @Codertocat" in sticky["body"]
    )
    fake.calls.clear()
    assert (
        run_action(action_env("issue_comment", comment_event("/codeflash help")), optimize=loop)
        == 0
    )
    assert "**codeflash-bot commands**" in fake.calls[-1].body["body"]
    assert loop.requests == []


def test_review_comment_becomes_a_convention(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop, bot_branch: str
) -> None:
    env = action_env(
        "pull_request_review_comment",
        review_event(bot_branch, "Please don't touch module legacy.io"),
    )
    assert run_action(env, optimize=loop) == 0
    assert fake.summary() == [
        "GET R/collaborators/Codertocat/permission",
        "POST R/pulls/comments/284312630/reactions",
        "POST R/pulls/2/comments/284312630/replies",
    ]
    assert "noted under **Scope**" in fake.calls[-1].body["body"]
    doc = repos.show(bot_branch, ".codeflash/conventions.md")
    assert "## Scope\n\n- @Codertocat on `README.md:12`: Please don't touch module legacy.io" in doc
    log = git(repos.origin, "log", "-1", "--format=%s", bot_branch)
    assert log == "codeflash: conventions — scope feedback from @Codertocat on README.md"
    assert loop.requests == []


def test_review_guard_comment_sets_the_guard(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop, bot_branch: str
) -> None:
    env = action_env(
        "pull_request_review_comment",
        review_event(bot_branch, "guard: `python -m pytest -q tests`"),
    )
    assert run_action(env, optimize=loop) == 0
    from codeflash_bot.session.state import parse_guard

    assert parse_guard(repos.show(bot_branch, ".codeflash/conventions.md")) == (
        "python -m pytest -q tests"
    )
    assert "guard command is now set" in fake.calls[-1].body["body"]


def test_review_comment_from_reader_or_on_other_prs_changes_nothing(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop, bot_branch: str
) -> None:
    refs = repos.remote_refs()
    assert (
        run_action(
            action_env(
                "pull_request_review_comment", review_event(bot_branch, "skip this", login="reader")
            ),
            optimize=loop,
        )
        == 0
    )
    assert fake.summary() == ["GET R/collaborators/reader/permission"]
    fake.calls.clear()
    assert (
        run_action(
            action_env("pull_request_review_comment", review_event("feature", "skip this")),
            optimize=loop,
        )
        == 0
    )
    assert fake.calls == []
    assert repos.remote_refs() == refs


def test_unhandled_events_and_actions(
    fake: FakeGitHub, action_env: EnvFactory, loop: StubLoop
) -> None:
    assert run_action(action_env("push", {"ref": "refs/heads/master"}), optimize=loop) == 0
    payload = comment_event("/codeflash")
    payload["action"] = "edited"
    assert run_action(action_env("issue_comment", payload), optimize=loop) == 0
    assert fake.calls == []


def test_missing_token_and_bad_inputs(
    fake: FakeGitHub, action_env: EnvFactory, loop: StubLoop, capsys: pytest.CaptureFixture[str]
) -> None:
    env = action_env("issue_comment", comment_event("/codeflash"))
    del env["INPUT_GITHUB-TOKEN"]
    assert run_action(env, optimize=loop) == 2
    assert "no token" in capsys.readouterr().err
    env = action_env("issue_comment", comment_event("/codeflash"), budget_minutes="soon")
    assert run_action(env, optimize=loop) == 2
    assert "input budget-minutes" in capsys.readouterr().err
    env = action_env("issue_comment", comment_event("/codeflash"), domain="gpu")
    assert run_action(env, optimize=loop) == 2
    assert "input domain: Unknown domain" in capsys.readouterr().err
    assert fake.calls == []


def test_target_missing_in_the_repo_is_reported_in_the_status_comment(
    fake: FakeGitHub, repos: Repos, action_env: EnvFactory, loop: StubLoop
) -> None:
    env = action_env("issue_comment", comment_event("/codeflash optimize src/demo/nope.py::f"))
    assert run_action(env, optimize=loop) == 0
    sticky = fake.comments[1][0]["body"]
    assert "`src/demo/nope.py` is not a file in the repository" in sticky
    assert '"state": "failed"' in sticky
    assert loop.requests == [] and repos.remote_branches() == ["master"]


def test_loop_error_fails_the_job_and_says_why(
    fake: FakeGitHub,
    repos: Repos,
    action_env: EnvFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from codeflash_bot.errors import BotError

    def broken(request: Request, config: Any, reporter: Any) -> RunSummary:
        raise BotError("no tests found: pytest collected nothing")

    assert (
        run_action(action_env("issue_comment", comment_event("/codeflash")), optimize=broken) == 2
    )
    sticky = fake.comments[1][0]["body"]
    assert "❌ no tests found" in sticky and '"state": "failed"' in sticky
    assert "no tests found" in capsys.readouterr().err
    assert repos.remote_branches() == ["master"]
