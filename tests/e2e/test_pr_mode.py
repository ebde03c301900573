"""PR mode end to end: a real `pull_request.opened` payload, the real loop, a local fake of the
GitHub API (every request checked against GitHub's REST description) and a bare `origin`.

The pull request adds one slow function, touches an unrelated fast one, makes an existing
function far slower (the loop below re-adds the values 60 times instead of one `sum`: hundreds
of times slower, so the verdict does not depend on machine noise) and adds a function no test
calls. The base branch also holds a slow function the PR does not touch: PR mode must leave it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from codeflash_bot.github.action import run_action
from codeflash_bot.session.state import parse_results
from tests.support.action import action_env
from tests.support.fake_github import FakeGitHub, webhook
from tests.support.git import git
from tests.support.remotes import Repos, make_repos

pytestmark = pytest.mark.slow
TOKEN = "ghs_prmodeTOKENabcdef0123456789"
R = "/repos/Codertocat/Hello-World"

BASE_FILES = {
    "pyproject.toml": f"""\
[project]
name = "demo"
version = "0.1.0"

[tool.pytest.ini_options]
pythonpath = ["src"]

[tool.codeflash-bot]
python = "{sys.executable}"
max-experiments = 4
max-aa-noise = 50
""",
    "src/demo/__init__.py": "",
    "src/demo/hot.py": '''\
def legacy_common(tags: list[str], allowed: list[str]) -> list[str]:
    """Not touched by the pull request: slow, but not its business."""
    return [tag for tag in tags if tag in allowed]


def total(values: list[int]) -> int:
    """Sum of the values."""
    return sum(values)


def label(n: int) -> str:
    return f"item-{n}"
''',
    "tests/test_hot.py": """\
import random

from demo import hot


def test_legacy():
    rng = random.Random(7)
    tags = [f"tag{rng.randrange(1000)}" for _ in range(3000)]
    allowed = [f"tag{n}" for n in range(0, 1000, 2)]
    assert hot.legacy_common(tags, allowed) == [t for t in tags if int(t[3:]) % 2 == 0]


def test_total():
    assert hot.total(list(range(2000))) == sum(range(2000))


def test_label():
    assert hot.label(3) == "item-3"
""",
}

PR_FILES = {
    "src/demo/hot.py": '''\
def legacy_common(tags: list[str], allowed: list[str]) -> list[str]:
    """Not touched by the pull request: slow, but not its business."""
    return [tag for tag in tags if tag in allowed]


def total(values: list[int]) -> int:
    """Sum of the values (re-added many times over: the pull request made it slow)."""
    result = 0
    for _ in range(60):
        result = 0
        for v in values:
            result += v
    return result


def label(n: int) -> str:
    return f"item #{n}"


def shared_ids(ids: list[int], wanted: list[int]) -> list[int]:
    """The ids, in order, that are wanted (membership test on a list: slow)."""
    return [i for i in ids if i in wanted]


def never_called(xs: list[int]) -> list[int]:
    return [x for x in xs if x in xs]
''',
    "tests/test_hot.py": BASE_FILES["tests/test_hot.py"].replace("item-3", "item #3")
    + """

def test_shared_ids():
    ids = list(range(0, 6000, 3))
    wanted = list(range(0, 6000, 2))
    assert hot.shared_ids(ids, wanted) == [i for i in ids if i % 2 == 0]
""",
}


@pytest.fixture
def fake(httpserver: HTTPServer) -> Iterator[FakeGitHub]:
    gh = FakeGitHub(httpserver)
    gh.permissions.update({"Codertocat": "admin"})
    gh.add_pull(2, "changes", "master")
    yield gh
    assert gh.problems == [], "requests not matching GitHub's REST description"


@pytest.fixture
def repos(tmp_path: Path) -> Repos:
    return make_repos(tmp_path / "git", BASE_FILES, extra_branches={"changes": PR_FILES})


def env_for(tmp_path: Path, fake: FakeGitHub, repos: Repos, payload: dict[str, Any]) -> dict:
    return action_env(
        tmp_path,
        fake,
        repos.workspace,
        "pull_request",
        payload,
        token=TOKEN,
        run_id="6161",
        pr_mode="true",
        pr_budget_minutes="4",
    )


def at_head(payload: dict[str, Any], sha: str) -> dict[str, Any]:
    """The payload naming the branch's real head (the run refuses a head that moved)."""
    payload["pull_request"]["head"]["sha"] = sha
    return payload


SUGGESTION = re.compile(r"(`{3,})suggestion\n(.*?)\n\1", re.S)


def apply(text: str, comments: list[dict[str, Any]]) -> str:
    """What GitHub's "Commit suggestion" does with each comment, bottom-up."""
    lines = text.splitlines()
    for c in sorted(comments, key=lambda c: -c["line"]):
        found = SUGGESTION.search(c["body"])
        assert found, c["body"]
        start = c.get("start_line", c["line"])
        lines[start - 1 : c["line"]] = found[2].split("\n")
    return "\n".join(lines) + "\n"


def test_pr_mode_targets_the_change_and_answers_on_the_pr(
    tmp_path: Path, fake: FakeGitHub, repos: Repos
) -> None:
    contributor = repos.remote_refs()["refs/heads/changes"]
    env = env_for(tmp_path, fake, repos, at_head(webhook("pull_request.opened.json"), contributor))
    assert run_action(env) == 0

    # only the slow function the PR adds was targeted; the untouched slow one was left alone
    bots = [b for b in repos.remote_branches() if b.startswith("codeflash/")]
    assert len(bots) == 1, repos.remote_branches()
    results = parse_results(repos.show(bots[0], ".codeflash/results.tsv"))
    assert {r.target for r in results} == {"demo.hot:shared_ids"}
    assert [r.status.value for r in results] == ["keep"]
    assert repos.remote_refs()["refs/heads/changes"] == contributor  # nothing pushed there

    # the stacked PR goes against the PR's branch
    created = [c.body for c in fake.calls if c.method == "POST" and c.path == f"{R}/pulls"]
    assert len(created) == 1 and created[0]["base"] == "changes" and created[0]["head"] == bots[0]
    assert "## Benchmarks: `changes` vs" in created[0]["body"]  # drafted by prep, not a fallback

    # one review with suggestion blocks that turn the PR's file into the optimized one exactly
    assert len(fake.reviews[2]) == 1
    review = fake.reviews[2][0]
    assert review["commit_id"] == contributor and review["event"] == "COMMENT"
    assert {c["path"] for c in review["comments"]} == {"src/demo/hot.py"}
    for c in review["comments"]:
        assert c["side"] == "RIGHT" and "```suggestion\n" in c["body"]
        assert "demo.hot:shared_ids" in c["body"]
    head_text = repos.show("changes", "src/demo/hot.py") + "\n"
    optimized = repos.show(bots[0], "src/demo/hot.py") + "\n"
    assert apply(head_text, review["comments"]) == optimized
    changed_lines = [
        n for c in review["comments"] for n in range(c.get("start_line", c["line"]), c["line"] + 1)
    ]
    shared = head_text.splitlines().index(
        "def shared_ids(ids: list[int], wanted: list[int]) -> list[int]:"
    )
    assert all(n > shared for n in changed_lines)  # inside the function the PR added

    # the status comment links both, flags the regression and the untested function
    sticky = fake.comments[2][0]["body"]
    assert '"state": "done"' in sticky
    assert "Stacked pull request: https://github.com/Codertocat/Hello-World/pull/101" in sticky
    assert (
        "One-click suggestions: https://github.com/Codertocat/Hello-World/pull/2#pullrequestreview-"
        in sticky
    )
    assert re.search(r"regression:\*\* `demo\.hot:total` is \d+(\.\d)?x slower", sticky), sticky
    assert "untested: `demo.hot:never_called`" in sticky
    assert "legacy_common" not in sticky
    assert git(repos.workspace, "status", "--porcelain", "--untracked-files=no") == ""
    assert bots == ["codeflash/ds-pr2"]

    # the contributor pushes again: the PR's bot branch restarts at the new head and the
    # stacked PR is updated in place, not duplicated
    clone = tmp_path / "contributor"
    git(tmp_path, "clone", "-q", "--branch", "changes", str(repos.origin), str(clone))
    (clone / "NOTES.md").write_text("more work\n")
    git(clone, "add", "NOTES.md")
    git(clone, "commit", "-q", "-m", "more work")
    git(clone, "push", "-q", "origin", "changes")
    new_head = repos.remote_refs()["refs/heads/changes"]
    fake.calls.clear()
    env = env_for(
        tmp_path, fake, repos, at_head(webhook("pull_request.synchronize.json"), new_head)
    )
    assert run_action(env) == 0
    assert "POST R/pulls" not in fake.summary() and "PATCH R/pulls/101" in fake.summary()
    assert repos.remote_refs()["refs/heads/changes"] == new_head
    assert git(repos.origin, "merge-base", "--is-ancestor", new_head, bots[0]) == ""
    assert repos.show(bots[0], "NOTES.md") == "more work"
    assert [r["commit_id"] for r in fake.reviews[2]] == [contributor, new_head]


READ_TOKEN = "ghs_READonlyPRMODE0000aaaa1111"
WRITE_TOKEN = "ghs_WRITEprmode9999zzzz8888yyyy"


def phase(name: str, env: dict[str, str], artifact: Path, cwd: Path) -> CompletedProcess[str]:
    """`codeflash-bot action <name>` as its own process, as the image's ENTRYPOINT runs it."""
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "codeflash-bot"),
            "action",
            name,
            "--artifact",
            str(artifact),
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_pr_mode_in_the_two_phase_action(tmp_path: Path, fake: FakeGitHub, repos: Repos) -> None:
    """pull_request_target: the run job (read-only token) writes nothing and pushes nothing;
    the publish job (write token, empty cwd) pushes only `codeflash/ds-pr2` and the PR still
    gets its stacked PR, its suggestions review and its status comment."""
    contributor = repos.remote_refs()["refs/heads/changes"]
    server = tmp_path / "server"
    (server / fake.full_name).parent.mkdir(parents=True)
    (server / f"{fake.full_name}.git").symlink_to(repos.origin)
    (tmp_path / "home").mkdir()
    env = env_for(tmp_path, fake, repos, at_head(webhook("pull_request.opened.json"), contributor))
    env.update(
        GITHUB_EVENT_NAME="pull_request_target",
        GITHUB_SERVER_URL=f"file://{server}",
        PATH=os.environ["PATH"],
        HOME=str(tmp_path / "home"),
        LANG="C.UTF-8",
    )
    artifact = tmp_path / "artifact"
    ran = phase("run", {**env, "INPUT_GITHUB-TOKEN": READ_TOKEN}, artifact, repos.workspace)
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert fake.writes() == []
    assert repos.remote_branches() == ["changes", "master"]
    manifest = json.loads((artifact / "manifest.json").read_text())
    assert manifest["branch"] == "codeflash/ds-pr2" and manifest["pr_head_sha"] == contributor

    empty = tmp_path / "empty"
    empty.mkdir()
    done = phase("publish", {**env, "INPUT_GITHUB-TOKEN": WRITE_TOKEN}, artifact, empty)
    assert done.returncode == 0, done.stderr[-3000:]
    assert list(empty.iterdir()) == []
    refs = repos.remote_refs()
    assert refs["refs/heads/changes"] == contributor  # never the contributor's branch
    assert refs["refs/heads/codeflash/ds-pr2"] == manifest["head_sha"]
    assert repos.remote_branches() == ["changes", "codeflash/ds-pr2", "master"]
    results = parse_results(repos.show("codeflash/ds-pr2", ".codeflash/results.tsv"))
    assert {r.target for r in results} == {"demo.hot:shared_ids"}

    created = [c.body for c in fake.calls if c.method == "POST" and c.path == f"{R}/pulls"]
    assert [(c["head"], c["base"]) for c in created] == [("codeflash/ds-pr2", "changes")]
    [review] = fake.reviews[2]
    assert review["commit_id"] == contributor and review["event"] == "COMMENT"
    head_text = repos.show("changes", "src/demo/hot.py") + "\n"
    optimized = repos.show("codeflash/ds-pr2", "src/demo/hot.py") + "\n"
    assert apply(head_text, review["comments"]) == optimized
    assert all("pull/101" in c["body"] for c in review["comments"])  # placeholder resolved

    [sticky] = [c["body"] for c in fake.comments[2]]
    assert '"state": "done"' in sticky
    assert "Stacked pull request: https://github.com/Codertocat/Hello-World/pull/101" in sticky
    assert "One-click suggestions: https://github.com/Codertocat/Hello-World/pull/2#" in sticky
    assert re.search(r"regression:\*\* `demo\.hot:total` is \d+(\.\d)?x slower", sticky), sticky
    assert "untested: `demo.hot:never_called`" in sticky
    sent = json.dumps([c.body for c in fake.calls])
    assert "codeflash.invalid" not in sent
    assert READ_TOKEN not in sent and WRITE_TOKEN not in sent
