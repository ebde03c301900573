"""Bad input: one clear line on stderr, non-zero exit, the user's checkout untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import one_line_error, run_bot
from tests.support.git import git
from tests.support.paths import PYTHON
from tests.support.repos import SMALL, make_repo, snapshot


def test_not_a_git_repo(tmp_path: Path) -> None:
    (tmp_path / "x.py").write_text("x = 1\n")
    line = one_line_error(run_bot("optimize", str(tmp_path)))
    assert "not a git repository" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.py"]


def test_missing_path(tmp_path: Path) -> None:
    assert "no such directory" in one_line_error(run_bot("optimize", str(tmp_path / "nope")))


def test_unknown_flag(tmp_path: Path) -> None:
    assert "--frobnicate" in one_line_error(run_bot("optimize", "--frobnicate"))


def test_dirty_tree_is_refused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", SMALL)
    (repo / "src/small/core.py").write_text("def lowest(xs):\n    return min(xs)\n")
    before = snapshot(repo)
    line = one_line_error(run_bot("optimize", str(repo), "--domain", "cpu", "--python", PYTHON))
    assert "uncommitted changes" in line
    assert snapshot(repo) == before
    assert git(repo, "branch", "--list", "codeflash/*") == ""


@pytest.mark.parametrize(
    "target",
    ["small.core:nope", "small.missing:f", "src/small/core.py::nope", "../etc/passwd::f", "junk"],
)
def test_unknown_target(tmp_path: Path, target: str) -> None:
    repo = make_repo(tmp_path / "r", SMALL)
    before = snapshot(repo)
    line = one_line_error(
        run_bot("optimize", str(repo), "--domain", "cpu", "--python", PYTHON, "--target", target)
    )
    assert "unknown target" in line
    assert snapshot(repo) == before
    assert git(repo, "branch", "--list", "codeflash/*") == ""


def test_no_tests_found(tmp_path: Path) -> None:
    files = {k: v for k, v in SMALL.items() if not k.startswith("tests/")}
    repo = make_repo(tmp_path / "r", files)
    before = snapshot(repo)
    line = one_line_error(run_bot("optimize", str(repo), "--domain", "cpu", "--python", PYTHON))
    assert "no tests found" in line
    assert snapshot(repo) == before
    assert git(repo, "branch", "--list", "codeflash/*") == ""


def test_invalid_config_table(tmp_path: Path) -> None:
    files = dict(SMALL)
    files["pyproject.toml"] += '\n[tool.codeflash-bot]\nmin-improvement = "lots"\n'
    repo = make_repo(tmp_path / "r", files)
    line = one_line_error(run_bot("optimize", str(repo), "--domain", "cpu", "--python", PYTHON))
    assert "min-improvement" in line or "min_improvement" in line


def test_failing_guard_at_baseline(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", SMALL)
    before = snapshot(repo)
    guard = f"{PYTHON} -c 'raise SystemExit(1)'"
    line = one_line_error(
        run_bot("optimize", str(repo), "--domain", "cpu", "--python", PYTHON, "--guard", guard)
    )
    assert "guard fails before any change" in line
    assert snapshot(repo) == before


def test_status_without_a_bot_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", SMALL)
    assert "no codeflash/* branch" in one_line_error(run_bot("status", str(repo)))
