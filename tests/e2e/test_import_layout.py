"""Import layouts of real repositories: a package literally named `src`, stdlib-named subpackages.

The repository below is the shape that broke the bot (issue 10): `src/__init__.py` makes `src`
itself the top-level package, the tests import `src.algorithms.string`, and `src/math/`,
`src/signal/`, `src/statistics/` would shadow the standard library if `src/` were on the path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run_bot
from tests.support.git import git
from tests.support.paths import PYTHON
from tests.support.repos import bot_branch, make_repo, snapshot

pytestmark = pytest.mark.slow

SRC_PACKAGE = {
    "pyproject.toml": """
        [project]
        name = "algos"
        version = "0"
    """,
    "src/__init__.py": "",
    "src/math/__init__.py": """
        import math

        def hypot2(a, b):
            return math.sqrt(a * a + b * b)
    """,
    "src/signal/__init__.py": """
        def smooth(xs):
            return [sum(xs[max(0, i - 1) : i + 2]) / len(xs[max(0, i - 1) : i + 2])
                    for i in range(len(xs))]
    """,
    "src/statistics/__init__.py": """
        import statistics

        def middle(xs):
            return statistics.median(xs)
    """,
    "src/algorithms/__init__.py": "",
    "src/algorithms/string.py": """
        def unique_chars(text):
            out = []
            for ch in text:
                if ch not in out:
                    out.append(ch)
            return out
    """,
    "tests/__init__.py": "",
    "tests/test_string.py": """
        import math
        import signal
        import statistics

        from src.algorithms.string import unique_chars
        from src.math import hypot2
        from src.statistics import middle

        def test_stdlib_is_the_stdlib():
            assert hasattr(math, "pi") and hasattr(signal, "SIGINT")
            assert statistics.mean([1, 2, 3]) == 2

        def test_unique_chars():
            text = "".join(chr(0x4E00 + (i * 7919) % 3000) for i in range(6000))
            assert len(unique_chars(text)) == 3000
            assert unique_chars("abca") == ["a", "b", "c"]

        def test_helpers():
            assert hypot2(3, 4) == 5.0
            assert middle([3, 1, 2]) == 2
    """,
}


def test_package_named_src_is_run_captured_and_optimized(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", SRC_PACKAGE)
    before = snapshot(repo)
    proc = run_bot(
        "optimize",
        str(repo),
        "--python",
        PYTHON,
        "--domain",
        "cpu",
        "--max-experiments",
        "2",
        "--target",
        "src.algorithms.string:unique_chars",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    branch = bot_branch(repo)
    setup_md = git(repo, "show", f"{branch}:.codeflash/setup.md")
    assert "Source on PYTHONPATH: `.`" in setup_md
    assert "src/ is itself a package" in setup_md
    rows = git(repo, "show", f"{branch}:.codeflash/results.tsv").splitlines()[1:]
    tried = [row for row in rows if "src.algorithms.string:unique_chars" in row]
    assert tried, (rows, proc.stdout[-2000:])
    assert any("\tkeep\t" in row for row in tried), tried
    assert snapshot(repo) == before


def test_targets_are_found_by_the_profile_without_naming_them(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", SRC_PACKAGE)
    proc = run_bot(
        "optimize", str(repo), "--python", PYTHON, "--domain", "cpu", "--max-experiments", "2"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    branch = bot_branch(repo)
    rows = git(repo, "show", f"{branch}:.codeflash/results.tsv").splitlines()[1:]
    assert any("src.algorithms.string:unique_chars" in row for row in rows), rows
    assert "not called by the tests" not in proc.stdout + proc.stderr


def test_pytest_pythonpath_onto_a_shadowing_src_is_reported(tmp_path: Path) -> None:
    files = dict(SRC_PACKAGE)
    files["pytest.ini"] = "[pytest]\npythonpath = .\n"
    files["setup.cfg"] = "[options]\npackage_dir =\n    =src\n"
    repo = make_repo(tmp_path / "r", files)
    proc = run_bot(
        "optimize", str(repo), "--python", PYTHON, "--domain", "cpu", "--max-experiments", "1"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    branch = bot_branch(repo)
    setup_md = git(repo, "show", f"{branch}:.codeflash/setup.md")
    assert "not putting src/ on the path (the packaging metadata)" in setup_md
    assert "math/, signal/, statistics/ would shadow the standard library" in setup_md


TEST_HELPER_CLASSES = {
    "pyproject.toml": """
        [project]
        name = "small"
        version = "0"
        [tool.pytest.ini_options]
        pythonpath = ["src"]
    """,
    "src/small/__init__.py": "",
    "src/small/core.py": """
        def names(items):
            wanted = [item.name for item in items]
            seen = []
            for name in wanted:
                if name not in seen:
                    seen.append(name)
            return seen
    """,
    # jmespath-style: no tests/__init__.py, so pytest puts tests/ on sys.path and the tests
    # import their helpers top-level; the captured inputs are instances of a test-side class
    "tests/fakes.py": """
        class Item:
            def __init__(self, name):
                self.name = name
    """,
    "tests/test_core.py": """
        from fakes import Item
        from small.core import names

        def test_names():
            items = [Item(f"n{i % 700}") for i in range(3000)]
            assert len(names(items)) == 700
    """,
}


def test_inputs_built_from_test_side_classes_replay(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", TEST_HELPER_CLASSES)
    before = snapshot(repo)
    proc = run_bot(
        "optimize",
        str(repo),
        "--python",
        PYTHON,
        "--domain",
        "cpu",
        "--target",
        "small.core:names",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    branch = bot_branch(repo)
    rows = git(repo, "show", f"{branch}:.codeflash/results.tsv").splitlines()[1:]
    assert rows and not any("No module named" in row for row in rows), rows
    assert any("\tkeep\t" in row for row in rows), rows
    assert snapshot(repo) == before


def test_git_ignored_generated_modules_are_there_in_the_bots_worktree(tmp_path: Path) -> None:
    """setuptools-scm/hatch-vcs write `_version.py` and git-ignore it: the user's checkout has
    it, a fresh worktree would not, and the package would fail to import there."""
    files = dict(TEST_HELPER_CLASSES)
    files[".gitignore"] = "src/small/_version.py\n"
    files["src/small/__init__.py"] = "from small._version import VERSION\n"
    repo = make_repo(tmp_path / "r", files)
    (repo / "src" / "small" / "_version.py").write_text("VERSION = '1.0'\n")
    before = snapshot(repo)
    proc = run_bot(
        "optimize",
        str(repo),
        "--python",
        PYTHON,
        "--domain",
        "cpu",
        "--target",
        "small.core:names",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    branch = bot_branch(repo)
    rows = git(repo, "show", f"{branch}:.codeflash/results.tsv").splitlines()[1:]
    assert any("\tkeep\t" in row for row in rows), rows
    tracked = git(repo, "ls-tree", "-r", "--name-only", branch).splitlines()
    assert "src/small/_version.py" not in tracked  # still ignored: never committed
    assert snapshot(repo) == before
