"""The GitHub Action end to end: real event payloads, the real optimization loop and PR
drafting, a local HTTP server standing in for the GitHub API (every request checked against
GitHub's REST description), a bare git repo as `origin`.

Also replays the Dockerfile's install steps in a fresh venv and runs its entrypoint, since no
image can be built here.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from codeflash_bot.github.action import run_action
from codeflash_bot.session.state import parse_guard, parse_results
from tests.support.action import action_env
from tests.support.fake_github import FakeGitHub, webhook
from tests.support.git import git
from tests.support.paths import ROOT
from tests.support.remotes import Repos, make_repos

pytestmark = pytest.mark.slow
TOKEN = "ghs_e2eTOKENabcdef0123456789"
R = "/repos/Codertocat/Hello-World"

DEMO = {
    "pyproject.toml": f"""\
[project]
name = "demo"
version = "0.1.0"

[tool.pytest.ini_options]
pythonpath = ["src"]

[tool.codeflash-bot]
python = "{sys.executable}"
budget-minutes = 3
max-experiments = 4
max-aa-noise = 50
ladder-seconds = 0  # not a test of size ladders: judged at the captured sizes, less work per run
""",
    "src/demo/__init__.py": "",
    "src/demo/hot.py": '''\
def common_tags(tags: list[str], allowed: list[str]) -> list[str]:
    """The tags, in order, that are in ``allowed`` (membership test on a list: slow)."""
    return [tag for tag in tags if tag in allowed]
''',
    "tests/test_hot.py": """\
import random

from demo import hot


def test_common_tags():
    rng = random.Random(101)
    tags = [f"tag{rng.randrange(1000)}" for _ in range(3000)]
    allowed = [f"tag{n}" for n in range(0, 1000, 2)]
    assert hot.common_tags(tags, allowed) == [t for t in tags if int(t[3:]) % 2 == 0]
    assert hot.common_tags([], allowed) == []
""",
}
BRANCH_PREFIX = "codeflash/ds-"


@pytest.fixture
def fake(httpserver: HTTPServer) -> Iterator[FakeGitHub]:
    gh = FakeGitHub(httpserver)
    gh.permissions.update({"Codertocat": "admin", "octocat": "write", "reader": "read"})
    yield gh
    assert gh.problems == [], "requests not matching GitHub's REST description"


@pytest.fixture
def repos(tmp_path: Path) -> Repos:
    return make_repos(tmp_path / "git", DEMO)


Env = Callable[..., dict[str, str]]


@pytest.fixture
def env_for(tmp_path: Path, fake: FakeGitHub, repos: Repos) -> Env:
    def build(event: str, payload: dict[str, Any] | str, **inputs: str) -> dict[str, str]:
        return action_env(
            tmp_path, fake, repos.workspace, event, payload, token=TOKEN, run_id="5151", **inputs
        )

    return build


def comment(body: str, *, on_pr: bool = False, number: int = 1) -> dict[str, Any]:
    payload = webhook("issue_comment.created.json")
    payload["comment"]["body"] = body
    payload["issue"]["number"] = number
    if on_pr:
        payload["issue"]["pull_request"] = {"url": "x"}
    return payload


def bot_branch(repos: Repos) -> str:
    found = [b for b in repos.remote_branches() if b.startswith(BRANCH_PREFIX)]
    assert len(found) == 1, repos.remote_branches()
    return found[0]


def assert_landed(fake: FakeGitHub, repos: Repos, base: str = "master") -> dict[str, Any]:
    """The optimized branch is on origin and the PR body is the drafted one."""
    branch = bot_branch(repos)
    hot = repos.show(branch, "src/demo/hot.py")
    assert "tag in allowed" not in hot  # the kept rewrite
    results = parse_results(repos.show(branch, ".codeflash/results.tsv"))
    assert any(r.status.value == "keep" for r in results)
    created = [c for c in fake.calls if c.method == "POST" and c.path == f"{R}/pulls"]
    assert len(created) == 1
    pr = created[0].body
    assert pr["head"] == branch and pr["base"] == base
    assert pr["title"].startswith("⚡ codeflash")
    assert "common_tags" in pr["body"] and len(pr["body"]) > 500
    assert TOKEN not in json.dumps(pr)
    return pr


def outputs(env: dict[str, str]) -> dict[str, str]:
    lines = Path(env["GITHUB_OUTPUT"]).read_text().splitlines()
    out, i = {}, 0
    while i < len(lines):
        name, _, delim = lines[i].partition("<<")
        j = lines.index(delim, i + 1)
        out[name] = "\n".join(lines[i + 1 : j])
        i = j + 1
    return out


def test_comment_trigger(fake: FakeGitHub, repos: Repos, env_for: Env) -> None:
    env = env_for("issue_comment", comment("/codeflash cpu"))
    assert run_action(env) == 0
    calls = fake.summary()
    assert calls[:5] == [
        "GET R/collaborators/Codertocat/permission",
        "POST R/issues/comments/492700400/reactions",
        "GET R/issues/1/comments",
        "POST R/issues/1/comments",
        "GET R/pulls",
    ]
    assert set(calls[5:-3]) <= {"PATCH R/issues/comments/9001"}
    assert calls[-3:] == ["GET R/pulls", "POST R/pulls", "PATCH R/issues/comments/9001"]
    pr = assert_landed(fake, repos)
    assert "Requested in #1 by @Codertocat." in pr["body"]
    sticky = fake.comments[1][0]["body"]
    assert '"state": "done"' in sticky and "✅ kept" in sticky and "opened #101" in sticky
    out = outputs(env)
    assert out["branch"] == bot_branch(repos) and out["kept"] == "1"
    assert out["pr-url"].endswith("/pull/101") and float(out["best-improvement"]) > 10
    # the user's checkout: tracked files untouched (prep leaves its body drafts untracked)
    assert git(repos.workspace, "status", "--porcelain", "--untracked-files=no") == ""


def test_issue_label_trigger(fake: FakeGitHub, repos: Repos, env_for: Env) -> None:
    payload = webhook("issues.labeled.json")
    payload["label"]["name"] = "codeflash:cpu"
    assert run_action(env_for("issues", payload)) == 0
    assert fake.summary()[:2] == [
        "GET R/collaborators/Codertocat/permission",
        "POST R/issues/1/reactions",
    ]
    assert_landed(fake, repos)


def test_pr_label_trigger_stacks_on_the_pr(fake: FakeGitHub, repos: Repos, env_for: Env) -> None:
    git(repos.workspace, "checkout", "-q", "-b", "changes")
    (repos.workspace / "CHANGES.md").write_text("pr work\n")
    git(repos.workspace, "add", "CHANGES.md")
    git(repos.workspace, "commit", "-q", "-m", "pr work")
    head = git(repos.workspace, "rev-parse", "HEAD")
    git(repos.workspace, "push", "-q", "origin", "changes")
    git(repos.workspace, "checkout", "-q", "master")
    git(repos.workspace, "branch", "-q", "-D", "changes")
    payload = webhook("pull_request.labeled.json")
    payload["label"]["name"] = "codeflash"
    payload["pull_request"]["head"]["sha"] = head  # what the person labelling it saw
    assert run_action(env_for("pull_request", payload, domain="cpu")) == 0
    assert fake.summary()[:2] == [
        "GET R/collaborators/Codertocat/permission",
        "POST R/issues/2/reactions",
    ]
    assert_landed(fake, repos, base="changes")
    assert repos.show(bot_branch(repos), "CHANGES.md") == "pr work"


def test_schedule_trigger_then_rerun_updates_the_pr(
    fake: FakeGitHub, repos: Repos, env_for: Env
) -> None:
    env = env_for("schedule", webhook("schedule.json"), domain="cpu")
    assert run_action(env) == 0
    assert fake.summary() == ["GET R/pulls", "GET R/pulls", "POST R/pulls"]
    assert_landed(fake, repos)
    fake.calls.clear()
    assert run_action(env) == 0  # the open PR for this domain is updated, not duplicated
    assert fake.summary()[-1] == "PATCH R/pulls/101"
    assert len(fake.pulls) == 1
    assert outputs(env)["pr-url"].endswith("/pull/101")


def test_workflow_dispatch_trigger(fake: FakeGitHub, repos: Repos, env_for: Env) -> None:
    payload = webhook("workflow_dispatch.json")
    payload["inputs"] = {
        "domain": "cpu",
        "target": "src/demo/hot.py::common_tags",
        "budget-minutes": "2",
    }
    assert run_action(env_for("workflow_dispatch", payload)) == 0
    assert fake.summary() == ["GET R/pulls", "GET R/pulls", "POST R/pulls"]
    assert_landed(fake, repos)


def test_review_comment_feedback_is_honoured_next_run(
    fake: FakeGitHub, repos: Repos, env_for: Env
) -> None:
    assert run_action(env_for("schedule", webhook("schedule.json"), domain="cpu")) == 0
    branch = bot_branch(repos)
    fake.calls.clear()
    review = webhook("pull_request_review_comment.created.json")
    review["pull_request"]["head"]["ref"] = branch
    review["pull_request"]["number"] = 101
    review["comment"].update(
        body="guard: python -c 'import demo.hot'", path="src/demo/hot.py", line=3
    )
    assert run_action(env_for("pull_request_review_comment", review)) == 0
    assert fake.summary() == [
        "GET R/collaborators/Codertocat/permission",
        "POST R/pulls/comments/284312630/reactions",
        "POST R/pulls/101/comments/284312630/replies",
    ]
    conventions = repos.show(branch, ".codeflash/conventions.md")
    assert parse_guard(conventions) == "python -c 'import demo.hot'"
    review["comment"]["body"] = "Please don't touch module demo.legacy"
    assert run_action(env_for("pull_request_review_comment", review)) == 0
    conventions = repos.show(branch, ".codeflash/conventions.md")
    assert "## Scope" in conventions and "don't touch module demo.legacy" in conventions
    assert parse_guard(conventions) == "python -c 'import demo.hot'"
    # The next run (a fresh runner checkout, as in CI) resumes the branch with the
    # maintainer's guard in force and keeps the feedback.
    fresh_checkout(repos)
    fake.calls.clear()
    assert run_action(env_for("schedule", webhook("schedule.json"), domain="cpu")) == 0
    assert "## Scope" in repos.show(branch, ".codeflash/conventions.md")
    assert fake.summary()[-1] == "PATCH R/pulls/101"


def fresh_checkout(repos: Repos) -> None:
    """What actions/checkout gives the next job: a new clone of origin's default branch."""
    subprocess.run(["rm", "-rf", str(repos.workspace)], check=True)
    git(repos.workspace.parent, "clone", "-q", str(repos.origin), str(repos.workspace))


def test_read_only_commenter_changes_nothing(fake: FakeGitHub, repos: Repos, env_for: Env) -> None:
    payload = comment("/codeflash")
    payload["sender"]["login"] = "reader"
    before = (repos.remote_refs(), repos.workspace_state())
    assert run_action(env_for("issue_comment", payload)) == 0
    assert fake.summary() == [
        "GET R/collaborators/reader/permission",
        "GET R/issues/1/comments",  # answered at most once per issue
        "POST R/issues/1/comments",
    ]
    assert (repos.remote_refs(), repos.workspace_state()) == before


def test_injection_attempt_runs_nothing(
    fake: FakeGitHub, repos: Repos, env_for: Env, tmp_path: Path
) -> None:
    canary = tmp_path / "canary"
    before = (repos.remote_refs(), repos.workspace_state())
    body = f"/codeflash; touch {canary}\n/codeflash optimize $(touch {canary})"
    assert run_action(env_for("issue_comment", comment(body))) == 0
    assert not canary.exists()
    assert "Unknown command" in fake.calls[-1].body["body"]
    assert (repos.remote_refs(), repos.workspace_state()) == before


# --- the Dockerfile, replayed without docker -------------------------------------------------
def dockerfile_steps(path: Path) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """(COPY sources->dest pairs, RUN commands, ENTRYPOINT argv) with line continuations
    joined; enough of the Dockerfile grammar for this image."""
    text = path.read_text().replace("\\\n", " ")
    copies: list[tuple[str, str]] = []
    runs: list[str] = []
    entry: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("COPY "):
            *srcs, dest = line.split()[1:]
            copies += [(s, dest) for s in srcs]
        elif line.startswith("RUN "):
            runs.append(line[4:])
        elif line.startswith("ENTRYPOINT "):
            entry = json.loads(line[len("ENTRYPOINT ") :])
    return copies, runs, entry


def test_dockerfile_install_and_entrypoint(
    tmp_path: Path, fake: FakeGitHub, repos: Repos, env_for: Env
) -> None:
    copies, runs, entry = dockerfile_steps(ROOT / "Dockerfile")
    assert entry == ["codeflash-bot", "action"]
    context = tmp_path / "image" / "opt" / "codeflash-bot"  # WORKDIR
    context.mkdir(parents=True)
    for src, dest in copies:
        target = context / dest
        source = ROOT / src
        if source.is_dir():
            subprocess.run(["cp", "-r", str(source), str(target)], check=True)
        else:
            subprocess.run(["cp", str(source), str(target)], check=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / "bin"
    replayed = 0
    for command in runs:
        for part in command.split("&&"):
            argv = shlex.split(part)
            if not argv or argv[0] in ("apt-get", "rm"):
                continue  # system packages: git is already on this machine
            if argv[0] == "pip":
                argv = [str(bin_dir / "pip"), *argv[1:]]
            elif argv[0] == "codeflash-bot":
                argv = [str(bin_dir / "codeflash-bot"), *[a for a in argv[1:] if a != ">"]]
                argv = [a for a in argv if a != "/dev/null"]
            proc = subprocess.run(argv, cwd=context, capture_output=True, text=True, timeout=900)
            assert proc.returncode == 0, (argv, proc.stdout[-2000:], proc.stderr[-2000:])
            replayed += 1
    assert replayed >= 2
    env = env_for("issue_comment", comment("/codeflash help"))
    proc = subprocess.run(
        [str(bin_dir / entry[0]), *entry[1:]],
        env={"PATH": f"{bin_dir}:{os.environ['PATH']}", "HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert fake.summary() == [
        "GET R/collaborators/Codertocat/permission",
        "POST R/issues/comments/492700400/reactions",
        "POST R/issues/1/comments",
    ]
    assert "**codeflash-bot commands**" in fake.calls[-1].body["body"]
    assert TOKEN not in proc.stdout.split("\n", 1)[1] and TOKEN not in proc.stderr
