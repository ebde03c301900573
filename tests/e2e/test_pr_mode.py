"""PR mode end to end: a real `pull_request.opened` payload, the real loop, a local fake of the
GitHub API (every request checked against GitHub's REST description) and a bare `origin`.

The pull request adds one slow function, touches an unrelated fast one, makes an existing
function far slower (the loop below re-adds the values 60 times instead of one `sum`: hundreds
of times slower, so the verdict does not depend on machine noise) and adds a function no test
calls. The base branch also holds a slow function the PR does not touch: PR mode must leave it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # tests/e2e is not a package; reuse the unit-test fakes
    sys.path.insert(0, str(ROOT))

from codeflash_bot.github.action import run_action  # noqa: E402
from codeflash_bot.session.state import parse_results  # noqa: E402
from tests.unit.github.fake_github import FakeGitHub, webhook  # noqa: E402
from tests.unit.github.gitrepos import Repos, git, make_repos  # noqa: E402

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
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_REPOSITORY": fake.full_name,
        "GITHUB_WORKSPACE": str(repos.workspace),
        "GITHUB_API_URL": fake.base,
        "GITHUB_RUN_ID": "6161",
        "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "INPUT_GITHUB-TOKEN": TOKEN,
        "INPUT_PR-MODE": "true",
        "INPUT_PR-BUDGET-MINUTES": "4",
    }


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
    env = env_for(tmp_path, fake, repos, webhook("pull_request.opened.json"))
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
    env = env_for(tmp_path, fake, repos, webhook("pull_request.synchronize.json"))
    assert run_action(env) == 0
    assert "POST R/pulls" not in fake.summary() and "PATCH R/pulls/101" in fake.summary()
    assert repos.remote_refs()["refs/heads/changes"] == new_head
    assert git(repos.origin, "merge-base", "--is-ancestor", new_head, bots[0]) == ""
    assert repos.show(bots[0], "NOTES.md") == "more work"
    assert [r["commit_id"] for r in fake.reviews[2]] == [contributor, new_head]
