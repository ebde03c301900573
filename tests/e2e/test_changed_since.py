"""`optimize --changed-since REF`: PR mode locally, as a real subprocess on real git repos."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import one_line_error, run_bot
from tests.support.git import git
from tests.support.paths import PYTHON
from tests.support.repos import bot_branch, branch_file, make_repo, snapshot

BASE = {
    "pyproject.toml": f"""
        [project]
        name = "small"
        version = "0"
        [tool.pytest.ini_options]
        pythonpath = ["src"]
        [tool.codeflash-bot]
        python = "{PYTHON}"
        max-experiments = 3
        max-aa-noise = 50
    """,
    "src/small/__init__.py": "",
    "src/small/core.py": '''
        def legacy(tags, allowed):
            """Slow, and not part of the change."""
            return [t for t in tags if t in allowed]


        def total(values):
            return sum(values)
    ''',
    "tests/test_core.py": """
        from small import core

        def test_legacy():
            tags = [f"t{i % 700}" for i in range(3000)]
            allowed = [f"t{i}" for i in range(0, 700, 2)]
            assert core.legacy(tags, allowed) == [t for t in tags if int(t[1:]) % 2 == 0]

        def test_total():
            assert core.total(list(range(2000))) == sum(range(2000))
    """,
}

CHANGED_CORE = '''\
def legacy(tags, allowed):
    """Slow, and not part of the change."""
    return [t for t in tags if t in allowed]


def total(values):
    result = 0
    for _ in range(60):  # the change makes this hundreds of times slower than sum()
        result = 0
        for v in values:
            result += v
    return result


def shared(ids, wanted):
    return [i for i in ids if i in wanted]


def never_called(xs):
    return [x for x in xs if x in xs]
'''

NEW_TEST = """

def test_shared():
    ids = list(range(0, 6000, 3))
    wanted = list(range(0, 6000, 2))
    assert core.shared(ids, wanted) == [i for i in ids if i % 2 == 0]
"""


def _change(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "src/small/core.py").write_text(CHANGED_CORE)
    with (repo / "tests/test_core.py").open("a") as f:
        f.write(NEW_TEST)
    git(repo, "commit", "-q", "-am", "feature")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--changed-since", "no-such-branch"], "--changed-since: unknown revision"),
        (["--changed-since=-oops"], "is not a git revision"),
        (["--changed-since", "main", "--domain", "structure"], "use the cpu, memory or async"),
        (["--changed-since", "HEAD"], "no function or method changed between HEAD and HEAD"),
        (["--changed-since", "main", "--target", "small.core:shared"], "exclude each other"),
    ],
)
def test_bad_changed_since_is_one_line_and_touches_nothing(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    repo = make_repo(tmp_path / "r", BASE)
    _change(repo)
    before = snapshot(repo)
    line = one_line_error(run_bot("optimize", str(repo), *args))
    assert expected in line
    assert snapshot(repo) == before and bot_branch(repo) == ""


@pytest.mark.slow
def test_only_changed_functions_are_targeted(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", BASE)
    _change(repo)
    before = snapshot(repo)
    proc = run_bot("optimize", str(repo), "--domain", "cpu", "--changed-since", "main")
    assert proc.returncode == 0, proc.stderr
    rows = [line.split("\t") for line in branch_file(repo, "results.tsv").splitlines()[1:]]
    tried = {row[1] for row in rows if row[7] != "skip"}
    assert tried == {"small.core:shared"}
    # the changed function no test calls has no type hints, so no inputs can be generated
    skipped = {row[1]: row[8] for row in rows if row[7] == "skip"}
    assert set(skipped) == {"small.core:never_called"}
    assert "no type hint" in skipped["small.core:never_called"]
    assert "untested (no test calls it): small.core:never_called" in proc.stdout
    assert "regression: small.core:total is" in proc.stdout
    handoff = branch_file(repo, "HANDOFF.md")
    assert "## Change under review (since main" in handoff
    assert "- targeted: small.core:shared" in handoff and "legacy" not in handoff.split("##")[-1]
    assert snapshot(repo) == before
