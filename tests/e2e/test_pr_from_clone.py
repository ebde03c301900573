"""A PR prepared from any clone (issue 13): optimize here, `git clone` elsewhere, prepare-pr there.

The clone has no `.git/codeflash/` (no corpus, no venv): prepare-pr must capture the inputs
again and the bot's own venv must get pytest-benchmark from the package index, so that
prepare-pr and compare both succeed there. The fixture configures ruff's formatter and import
sorting: the committed diff must be what `ruff format` and `ruff check` (rules I) write, and
benchmark inputs must be Python source.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..helpers import PYTHON, SLOWDEMO, bot_branch, git, make_repo, run_bot

pytestmark = pytest.mark.slow

RUFF_CONFIG = """
[tool.ruff]
line-length = 100

[tool.ruff.lint]
select = ["I"]

[tool.ruff.format]
quote-style = "double"
"""
KEEP = ("hot.py", "__init__.py")  # a small suite: the hot functions and their tests


def _fixture(path: Path) -> Path:
    """slowdemo with only its hot module and tests, and ruff's formatter configured."""
    repo = path
    shutil.copytree(SLOWDEMO, repo, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for module in (repo / "src" / "slowdemo").glob("*.py"):
        if module.name not in KEEP:
            module.unlink()
    for test in (repo / "tests").glob("test_*.py"):
        if test.name != "test_hot.py":
            test.unlink()
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + RUFF_CONFIG, encoding="utf-8")
    return make_repo(repo)


@pytest.fixture(scope="module")
def cloned(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("prclone")
    repo = _fixture(base / "origin")
    # count_errors first: its rule hoists a regex to a module constant with no blank line
    # above it, which ruff format changes. Then a few more targets (list, dict and int inputs).
    for extra in (["--target", "slowdemo.hot:count_errors"], ["--max-experiments", "3"]):
        proc = run_bot("optimize", str(repo), "--domain", "cpu", "--python", PYTHON, *extra)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "formatting kept files with ruff-isort + ruff-format (from pyproject.toml)" in " ".join(
        proc.stderr.split()
    )
    branch = bot_branch(repo)
    assert branch, proc.stdout + proc.stderr
    clone = base / "elsewhere"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    git(clone, "checkout", "-q", branch)
    assert not (clone / ".git" / "codeflash").exists()  # nothing of the run came along
    prep = run_bot("prepare-pr", str(clone), timeout=1500)
    return repo, clone, branch, prep


def test_prepare_pr_recaptures_and_compares_in_the_clone(cloned) -> None:
    _, clone, branch, prep = cloned
    assert prep.returncode == 0, prep.stdout + prep.stderr
    assert "no captured inputs in this clone: re-captured at main" in prep.stdout
    assert "compare could not run" not in prep.stderr
    body = git(clone, "show", f"{branch}:.codeflash/pr-body.md")
    assert "was not run for this draft" not in body
    assert "| `test_benchmark_" in body  # the compare table
    assert "Benchmark tools: pytest-benchmark" in git(
        clone, "show", f"{branch}:.codeflash/setup.md"
    )


def test_benchmark_inputs_are_source_not_pickles(cloned) -> None:
    _, clone, branch, _ = cloned
    files = git(clone, "ls-tree", "-r", "--name-only", branch, "tests/benchmarks").splitlines()
    tests = [f for f in files if f.endswith(".py")]
    assert "tests/benchmarks/test_benchmark_count_errors.py" in tests and len(tests) > 1, files
    assert not [f for f in files if f.endswith(".pkl")]
    for rel in tests:
        text = git(clone, "show", f"{branch}:{rel}")
        assert "pickle" not in text and "def load_inputs()" in text


def test_compare_runs_in_the_clone(cloned) -> None:
    _, clone, branch, _ = cloned
    proc = run_bot(
        "compare", "main", branch, str(clone), "--inject", "tests/benchmarks", timeout=900
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "test_benchmark_" in proc.stdout and "faster" in proc.stdout


def test_committed_diff_is_what_ruff_format_writes(cloned) -> None:
    _, clone, branch, _ = cloned
    changed = git(clone, "diff", "--name-only", f"main...{branch}", "--", "*.py").splitlines()
    assert "src/slowdemo/hot.py" in changed, changed
    git(clone, "checkout", "-q", branch)
    hot = (clone / "src" / "slowdemo" / "hot.py").read_text(encoding="utf-8")
    assert re.search(r"\n\n_RE_\w+ = re\.compile", hot), hot  # the hoisted constant's blank line
    for check in (["format", "--check", "--diff"], ["check", "--diff"]):  # layout, import order
        proc = subprocess.run(
            [sys.executable, "-m", "ruff", *check, *changed],
            cwd=clone,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
