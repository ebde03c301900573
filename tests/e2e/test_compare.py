"""`compare BASE HEAD` and `prepare-pr` on real git repos with real pytest-benchmark runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from codeflash_bot.errors import BotError
from codeflash_bot.prep import compare, draft_pull_request
from codeflash_bot.prep.commands import register
from tests.support.git import git
from tests.support.prep_demo import make_repo, worktrees
from tests.support.repos import write

pytestmark = pytest.mark.slow


def _one_line(exc: pytest.ExceptionInfo[BotError]) -> str:
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_compare_reports_head_faster_and_memory_columns(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    result = compare(repo.root, repo.base, repo.head, memory=True, passes=1)
    assert [r.name for r in result.rows] == ["test_benchmark_dedupe"]
    row = result.rows[0]
    assert row.speedup > 3, row  # quadratic list scan vs a set: direction must be unmistakable
    assert row.base_min > row.head_min
    assert row.base_peak is not None and row.head_peak is not None
    assert row.memory_delta_pct is not None
    assert result.columns()[-3:] == ["base peak", "head peak", "peak delta"]
    assert "faster" in result.markdown()
    assert result.command.startswith("codeflash-bot compare main codeflash/ds-test --memory")
    assert worktrees(repo.root) == [str(repo.root)]


def test_benchmark_missing_at_base_suggests_inject_and_cleans_up(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", bench_at_base=False)
    with pytest.raises(BotError) as exc:
        compare(repo.root, repo.base, repo.head, passes=1)
    message = _one_line(exc)
    assert "missing at main (base)" in message
    assert "--inject tests/benchmarks/test_benchmark_dedupe.py" in message
    assert worktrees(repo.root) == [str(repo.root)]
    # From a checkout of main (no such file here) the path is taken from the head ref.
    git(repo.root, "switch", "-q", "main")
    result = compare(repo.root, repo.base, repo.head, inject=Path("tests/benchmarks"), passes=1)
    assert result.rows[0].speedup > 1
    assert result.injected == ["tests/benchmarks"]
    assert not (repo.root / "tests").exists()
    assert worktrees(repo.root) == [str(repo.root)]


def test_pytest_benchmark_not_installed_is_one_line(tmp_path: Path) -> None:
    venv = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    repo = make_repo(tmp_path / "r")
    with pytest.raises(BotError) as exc:
        compare(repo.root, repo.base, repo.head, python=str(venv / "bin" / "python"))
    message = _one_line(exc)
    assert "pytest and pytest-benchmark is not installed" in message or (
        "pytest and pytest-benchmark" in message and "not installed" in message
    )
    assert "-m pip install pytest pytest-benchmark" in message
    assert worktrees(repo.root) == [str(repo.root)]


def test_bad_ref_is_one_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    with pytest.raises(BotError) as exc:
        compare(repo.root, "no-such-branch", repo.head)
    assert _one_line(exc).startswith("bad ref 'no-such-branch'")
    with pytest.raises(BotError):
        compare(repo.root, "--upload-pack=x", repo.head)


def test_broken_conftest_is_named(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    write(repo.root, "tests/benchmarks/conftest.py", "raise RuntimeError('db not reachable')\n")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "heavy conftest")
    with pytest.raises(BotError) as exc:
        compare(repo.root, repo.head, "HEAD", passes=1)
    message = _one_line(exc)
    assert "tests/benchmarks/conftest.py" in message
    assert "db not reachable" in message
    assert worktrees(repo.root) == [str(repo.root)]


def test_worktree_that_cannot_import_the_package(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    write(repo.root, "src/demo/__init__.py", "import not_installed_dependency\n")
    git(repo.root, "commit", "-q", "-am", "new dependency")
    with pytest.raises(BotError) as exc:
        compare(repo.root, repo.head, "HEAD", passes=1)
    message = _one_line(exc)
    assert "cannot import demo" in message
    assert "not_installed_dependency" in message


def test_timeout_kills_the_run_and_removes_worktrees(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    write(
        repo.root,
        "tests/benchmarks/test_benchmark_dedupe.py",
        "import time\n\ndef test_benchmark_slow(benchmark):\n    benchmark(time.sleep, 60)\n",
    )
    git(repo.root, "commit", "-q", "-am", "very slow benchmark")
    with pytest.raises(BotError) as exc:
        compare(repo.root, "HEAD", "HEAD", timeout=8, passes=1)
    message = _one_line(exc)
    assert "timed out after 8s" in message and "--timeout" in message
    assert worktrees(repo.root) == [str(repo.root)]


def test_draft_pull_request_end_to_end(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", bench_at_base=False, bench_at_head=False, corpus=True)
    git(repo.root, "switch", "-q", "main")
    draft = draft_pull_request(repo.root, repo.base, repo.head, passes=1)
    assert draft.title.startswith("⚡ codeflash: `demo.core:dedupe`")
    assert draft.kept == 1
    assert draft.compare is not None and draft.compare.rows[0].speedup > 1  # agrees with -97.5%
    assert not any("disagrees" in n for n in draft.notes)
    assert "tests/benchmarks/test_benchmark_dedupe.py" in draft.files_written
    assert ".codeflash/pr-body-dedupe.md" in draft.files_written
    # The drafts are committed on the bot's branch, never left untracked in the user's checkout.
    assert not (repo.root / ".codeflash" / "pr-body.md").exists()
    body = git(repo.root, "show", f"{repo.head}:.codeflash/pr-body.md")
    assert body.strip() == draft.body.strip()
    assert "Each `in` on a list scans it" in body  # CPU101's "Why is this bad?"
    assert "--inject tests/benchmarks/test_benchmark_dedupe.py" in body
    # The benchmark is committed on the bot's branch; the user's checkout stayed on main.
    assert git(repo.root, "branch", "--show-current") == "main"
    shown = git(repo.root, "log", "--name-only", "--format=%s", f"{repo.base}..{repo.head}")
    assert "tests/benchmarks/test_benchmark_dedupe.py" in shown
    assert worktrees(repo.root) == [str(repo.root)]
    # The generated benchmark reproduces with the plain CLI and the --inject the body names.
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:
        """Group (so the two commands are subcommands)."""

    inject = str(repo.root / "tests/benchmarks/test_benchmark_dedupe.py")
    git(repo.root, "checkout", "-q", repo.head, "--", "tests/benchmarks")
    result = CliRunner().invoke(
        app, ["compare", "main", repo.head, "--path", str(repo.root), "--inject", inject]
    )
    assert result.exit_code == 0, result.output
    assert "test_benchmark_dedupe" in result.output and "faster" in result.output
