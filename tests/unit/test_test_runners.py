"""Test runners as projects configure them: pytest config files, test discovery, and the
unittest fallback when pytest is not in the target's environment (a real venv without it)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from codeflash_bot.session.setup import SetupInfo
from codeflash_bot.verify.discover import find_tests, unittest_start_dir
from codeflash_bot.verify.pytest_config import read_pytest_ini
from codeflash_bot.verify.tests import plan_tests, run_tests
from tests.support.paths import PYTHON


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("name", "text", "source"),
    [
        (
            "pyproject.toml",
            '[tool.pytest.ini_options]\ntestpaths = ["t"]\naddopts = ["-ra", "--cov=pkg"]\n',
            "pyproject.toml [tool.pytest.ini_options]",
        ),
        (
            "pyproject.toml",
            '[tool.pytest]\ntestpaths = ["t"]\naddopts = ["-ra", "--cov=pkg"]\n',
            "pyproject.toml [tool.pytest]",
        ),
        ("setup.cfg", "[tool:pytest]\ntestpaths = t\naddopts = -ra --cov=pkg\n", None),
        ("pytest.ini", "[pytest]\ntestpaths = t\naddopts = -ra --cov=pkg\n", None),
        (
            "tox.ini",
            "[tox]\nenvlist = py3\n[pytest]\ntestpaths = t\naddopts = -ra --cov=pkg\n",
            None,
        ),
    ],
)
def test_every_pytest_config_file_is_read(
    tmp_path: Path, name: str, text: str, source: str | None
) -> None:
    (tmp_path / name).write_text(text)
    ini = read_pytest_ini(tmp_path)
    assert ini.source == (
        source or f"{name} [{'tool:pytest' if name == 'setup.cfg' else 'pytest'}]"
    )
    assert ini.testpaths == ("t",)
    assert ini.addopts == ("-ra", "--cov=pkg")
    assert ini.has_option("--cov") and not ini.has_option("-x")


def test_pytest_ini_wins_over_pyproject_and_no_config_is_defaults(tmp_path: Path) -> None:
    assert read_pytest_ini(tmp_path).source == ""
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\naddopts = "-x"\n')
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -q\n")
    assert read_pytest_ini(tmp_path).addopts == ("-q",)


def test_tests_are_found_where_projects_put_them(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/tests/test_inpkg.py": "",
            "pkg/tests/helpers.py": "",
            "test/testbasic.py": "",  # unittest's test*.py in a test dir
            "scripts/test_tool.py": "",
            "conftest.py": "",
        },
    )
    assert find_tests(tmp_path) == [
        "pkg/tests/test_inpkg.py",
        "scripts/test_tool.py",
        "test/testbasic.py",
    ]
    (tmp_path / "setup.cfg").write_text(
        "[tool:pytest]\ntestpaths = pkg\npython_files = test_*.py check_*.py\n"
    )
    write(tmp_path, {"pkg/check_more.py": ""})
    assert find_tests(tmp_path) == ["pkg/check_more.py", "pkg/tests/test_inpkg.py"]
    assert unittest_start_dir(tmp_path) == "pkg"


def setup_for(python: str, root: Path, command: list[str] | None = None) -> SetupInfo:
    return SetupInfo(
        python=python,
        python_version="3",
        pythonpath=["."],
        test_command=command or [python, "-m", "pytest"],
        tests_found=find_tests(root),
        package_manager="pip",
        install_command="pip install -e .",
        env_source="configured",
    )


UNITTEST_REPO = {
    "small.py": "def double(x):\n    return 2 * x\n",
    "tests/__init__.py": "",
    "tests/test_small.py": """
        import unittest

        from small import double


        class DoubleTest(unittest.TestCase):
            def test_double(self):
                self.assertEqual(double(2), 4)

            def test_wrong(self):
                self.assertEqual(double(2), 5)
    """,
}


def test_unittest_discover_when_pytest_is_not_in_the_environment(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    root = write(tmp_path / "proj", UNITTEST_REPO)
    setup = setup_for(python, root)
    plan = plan_tests(setup, root)
    assert plan.runner == "unittest"
    assert plan.describe() == "python -m unittest discover -s tests -t ."
    run = run_tests(setup, root, timeout=60, memory_mb=1024)
    assert (run.collected, run.passed, run.failed) == (2, 1, 1)
    assert run.failures == {"tests.test_small.DoubleTest.test_wrong"}


def test_a_configured_command_wins_and_is_counted_from_its_output(tmp_path: Path) -> None:
    root = write(tmp_path / "proj", UNITTEST_REPO)
    setup = setup_for(PYTHON, root, ["python", "-m", "unittest", "-v"])
    plan = plan_tests(setup, root)
    assert plan.runner == "command" and plan.argv[0] == PYTHON
    run = run_tests(setup, root, timeout=60, memory_mb=1024)
    assert (run.collected, run.passed, run.failed) == (2, 1, 1)


def test_project_addopts_keep_their_place_and_ours_come_after(tmp_path: Path) -> None:
    root = write(
        tmp_path / "proj",
        {
            **UNITTEST_REPO,
            "pytest.ini": "[pytest]\naddopts = -x --doctest-modules\n",
            "small.py": '''
                def double(x):
                    """Twice x.

                    >>> double(3)
                    6
                    """
                    return 2 * x
            ''',
        },
    )
    setup = setup_for(PYTHON, root)
    plan = plan_tests(setup, root)
    assert "--maxfail=0" in plan.argv  # -x would stop at the first (pre-existing) failure
    run = run_tests(setup, root, timeout=60, memory_mb=1024)
    # the doctest from addopts ran, and -x did not cut the run short
    assert (run.collected, run.passed, run.failed) == (3, 2, 1)


def test_doctests_added_by_load_tests_run_under_pytest_too(tmp_path: Path) -> None:
    """pytest ignores unittest's load_tests protocol; the modules it names are doctested."""
    root = write(
        tmp_path / "proj",
        {
            "pkg/__init__.py": "",
            "pkg/mod.py": '''
                def double(x):
                    """Twice x.

                    >>> double(3)
                    6
                    """
                    return 2 * x
            ''',
            "tests/test_mod.py": """
                import unittest
                from doctest import DocTestSuite

                from pkg.mod import double


                def load_tests(loader, tests, ignore):
                    tests.addTests(DocTestSuite('pkg.mod'))
                    return tests


                class DoubleTest(unittest.TestCase):
                    def test_double(self):
                        self.assertEqual(double(2), 4)


                def helper():
                    '''Not a doctest the project runs (more_itertools has such docstrings).

                    >>> helper()
                    'something else'
                    '''
            """,
        },
    )
    setup = setup_for(PYTHON, root)
    plan = plan_tests(setup, root)
    assert plan.argv[-3:] == ("--doctest-modules", "tests", "pkg/mod.py")
    assert plan.describe().endswith("--doctest-modules tests pkg/mod.py")
    run = run_tests(setup, root, timeout=60, memory_mb=1024)
    # the unittest test and pkg.mod's doctest; the test file's own docstring is not doctested
    assert (run.collected, run.passed, run.failed) == (2, 2, 0)
