"""A baseline that proves the suite ran, and test runners as real projects configure them.

Each test is a small repository of one kind (a suite that crashes at import, a unittest-only
suite, pytest config in setup.cfg, ...) run through the real bot.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import one_line_error, run_bot
from tests.support.git import git
from tests.support.paths import PYTHON
from tests.support.repos import SMALL, branch_file, make_repo, snapshot

pytestmark = pytest.mark.slow

CRASHING = {
    **SMALL,
    "tests/test_core.py": """
        import foo_not_installed
        from small.core import lowest

        def test_lowest():
            assert lowest([3, 1, 2]) == 1
    """,
}
WORKLOAD = """
    from small.core import lowest

    for n in (2000, 4000):
        lowest([(i * 7919) % (n + 1) + 1 for i in range(n)])
"""


def test_suite_that_crashes_at_import_stops_with_one_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", CRASHING)
    before = snapshot(repo)
    proc = run_bot("optimize", str(repo), "--python", PYTHON, "--domain", "cpu")
    line = one_line_error(proc)
    assert line == (
        "codeflash-bot: error: the tests do not run: collection error in tests/test_core.py:"
        " ModuleNotFoundError: No module named 'foo_not_installed'"
    )
    assert snapshot(repo) == before
    assert git(repo, "branch", "--list", "codeflash/*") == ""


def test_suite_whose_every_test_fails_stops_with_one_line(tmp_path: Path) -> None:
    """Every test failing at baseline proves nothing: no change may be called tested."""
    files = {
        **SMALL,
        "tests/test_core.py": """
            from small.core import lowest

            def test_lowest():
                assert lowest([3, 1, 2]) == 2

            def test_again():
                assert lowest([5, 4]) == 5
        """,
    }
    repo = make_repo(tmp_path / "r", files)
    before = snapshot(repo)
    line = one_line_error(run_bot("optimize", str(repo), "--python", PYTHON, "--domain", "cpu"))
    assert "the tests do not run" in line or "no test passes" in line, line
    assert snapshot(repo) == before
    assert git(repo, "branch", "--list", "codeflash/*") == ""


def test_crashing_suite_with_a_workload_goes_on_and_says_the_tests_gated_nothing(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "r", {**CRASHING, "bench/workload.py": WORKLOAD})
    before = snapshot(repo)
    proc = run_bot(
        "optimize",
        str(repo),
        "--python",
        PYTHON,
        "--domain",
        "cpu",
        "--workload",
        "python bench/workload.py",
        "--max-experiments",
        "2",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = " ".join((proc.stdout + proc.stderr).split())
    assert "the tests do not run: collection error in tests/test_core.py" in console
    setup = branch_file(repo, "setup.md")
    assert "- Tests collected: 0" in setup
    assert "THE TESTS DID NOT RUN" in setup
    handoff = branch_file(repo, "HANDOFF.md")
    assert "THE TESTS DID NOT RUN" in handoff
    for row in branch_file(repo, "results.tsv").splitlines()[1:]:
        if "\tkeep\t" in row:
            assert "the repo's tests did not run and gated nothing" in row
    assert snapshot(repo) == before


UNITTEST_ONLY = {
    "setup.py": "from setuptools import setup\nsetup(name='small', packages=['small'])\n",
    "small/__init__.py": "",
    "small/core.py": """
        def lowest(xs):
            return sorted(xs)[0]
    """,
    "tests/__init__.py": "",
    "tests/test_core.py": """
        import unittest

        from small.core import lowest


        class LowestTest(unittest.TestCase):
            def test_lowest(self):
                self.assertEqual(lowest([(i * 7919) % 3001 + 1 for i in range(3000)]), 1)

            def test_single(self):
                self.assertEqual(lowest([5]), 5)

            @unittest.skip("not on this platform")
            def test_skipped(self):
                pass


        if __name__ == "__main__":
            unittest.main()
    """,
}


@pytest.mark.parametrize("command", [None, "python -m unittest discover -s tests -t ."])
def test_unittest_only_suite_runs_and_counts_are_in_setup_md(
    tmp_path: Path, command: str | None
) -> None:
    files = dict(UNITTEST_ONLY)
    if command:
        files["pyproject.toml"] = f'[tool.codeflash-bot]\ntest-command = "{command}"\n'
    repo = make_repo(tmp_path / "r", files)
    before = snapshot(repo)
    proc = run_bot(
        "optimize", str(repo), "--python", PYTHON, "--domain", "cpu", "--max-experiments", "1"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    setup = branch_file(repo, "setup.md")
    runner = "(command)" if command else "(pytest)"
    assert runner in setup
    for line in ("- Tests collected: 3", "- Passed: 2", "- Failed: 0", "- Skipped: 1"):
        assert line in setup, setup
    assert snapshot(repo) == before


SETUP_CFG = {
    "setup.cfg": """
        [metadata]
        name = small

        [tool:pytest]
        testpaths = checks src
        python_files = check_*.py
        addopts = --doctest-modules -m "not slow"
        markers =
            slow: long tests
    """,
    "src/small/__init__.py": "",
    "src/small/core.py": '''
        def lowest(xs):
            """The smallest item.

            >>> lowest([3, 1, 2])
            1
            """
            return sorted(xs)[0]
    ''',
    "checks/check_core.py": """
        import pytest

        from small.core import lowest

        def test_lowest():
            assert lowest([(i * 7919) % 3001 + 1 for i in range(3000)]) == 1

        @pytest.mark.slow
        def test_slow_and_broken():
            assert False
    """,
    # outside testpaths: pytest with the project's config never collects it
    "tests/test_outside.py": "import foo_not_installed\n",
}


def test_setup_cfg_testpaths_and_addopts_are_respected(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", SETUP_CFG)
    before = snapshot(repo)
    proc = run_bot(
        "optimize", str(repo), "--python", PYTHON, "--domain", "cpu", "--max-experiments", "1"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    setup = branch_file(repo, "setup.md")
    assert "setup.cfg [tool:pytest], testpaths checks src" in setup
    # one test + one doctest; the slow one is deselected by addopts, tests/ is not collected
    for line in ("- Tests collected: 2", "- Passed: 2", "- Failed: 0"):
        assert line in setup, setup
    assert "Collection errors" not in setup
    assert snapshot(repo) == before


BREAKS_IMPORT = {
    "pyproject.toml": """
        [project]
        name = "small"
        version = "0"
        [tool.pytest.ini_options]
        pythonpath = ["src"]
    """,
    "src/small/__init__.py": "",
    "src/small/core.py": """
        def work(n):
            total = 0
            for i in range(n):
                total += i * i
            return total


        OFFSET = 0
    """,
    "tests/test_core.py": """
        from small.core import work

        def test_work():
            assert work(20000) == sum(i * i for i in range(20000))

        def test_already_failing():
            assert work(1) == 1
    """,
    # a module that fails to import at baseline already: it gates nothing, the rest still does
    "tests/test_extra.py": "import foo_not_installed\n",
}


def test_candidate_that_breaks_import_is_discarded(tmp_path: Path) -> None:
    """The rewrite reads OFFSET as a default argument: replay (which compiles the candidate on
    top of the fully imported module) passes, but importing the module raises NameError, so
    the tests that used to run are collection errors now — not "the same failures"."""
    from codeflash_bot.config import Config
    from codeflash_bot.loop import optimize
    from codeflash_bot.models import Domain, Request
    from codeflash_bot.session.state import parse_results
    from tests.support.fakes import Ideas

    repo = make_repo(tmp_path / "r", BREAKS_IMPORT)
    before = snapshot(repo)
    old = "def work(n):\n    total = 0\n    for i in range(n):\n        total += i * i\n"
    old += "    return total"
    new = "def work(n, offset=OFFSET):\n    return (n - 1) * n * (2 * n - 1) // 6 + offset"
    idea = ("T010", lambda s: s.replace(old, new))
    config = Config(python=PYTHON, candidate_timeout=10)
    optimize(
        Request(repo=repo, domain=Domain.CPU, target="small.core:work"),
        config,
        proposers=[Ideas([idea])],
    )
    rows = parse_results(branch_file(repo, "results.tsv") + "\n")
    assert [r.status.value for r in rows] == ["discard"], rows
    assert "repository tests fail" in rows[0].description
    assert "collection error tests/test_core.py: NameError" in rows[0].description
    setup = branch_file(repo, "setup.md")
    assert "- Passed: 1" in setup and "- Failed: 1" in setup
    assert "tests/test_extra.py: ModuleNotFoundError" in setup
    assert "the 1 test module(s) that fail to import gate nothing" in setup
    assert snapshot(repo) == before
