"""The repo's own tests and the guard command, judged against the baseline run.

How the tests run, in order: a `test-command` the user configured wins (counts come from its
junit report when it is pytest, else from its output, else only its exit code); else pytest,
which honours the project's own ini/addopts/testpaths and runs unittest TestCases too (its
pytest-benchmark tests once each, untimed: a gate wants their assertions, not their timing
loops); else, when pytest is not in the target's environment, `python -m unittest discover`.
"""

from __future__ import annotations

import os
import shlex
import tempfile
from pathlib import Path
from typing import TypedDict

from pydantic import Field

from codeflash_bot.capture.benchmarks import pytest_benchmark_files
from codeflash_bot.models import Frozen
from codeflash_bot.profile.cpu import pytest_args
from codeflash_bot.sandbox import HARNESS_DIR, CommandResult, run_command
from codeflash_bot.session.setup import SetupInfo, has_module
from codeflash_bot.verify.discover import load_tests_doctests, search_roots, unittest_start_dir
from codeflash_bot.verify.outcome import (
    PYTEST_FAILED,
    PYTEST_NO_TESTS,
    PYTEST_OK,
    CollectionError,
    Runner,
    TestRun,
    first_error_line,
    parse_junit,
    parse_pytest_terminal,
    parse_unittest,
)
from codeflash_bot.verify.pytest_config import PytestIni, read_pytest_ini

__all__ = [
    "CollectionError",
    "RunLimits",
    "TestPlan",
    "TestRun",
    "plan_tests",
    "run_guard",
    "run_tests",
]

JUNIT = "{junit}"  # placeholder in a plan's argv, replaced by a fresh path per run
DOCTEST_PLUGIN = "cf_doctest_only"
DOCTEST_ENV = "CODEFLASH_DOCTEST_ONLY"
BENCHMARKS_UNTIMED = "pytest-benchmark tests run once each, untimed (--benchmark-disable)"


class RunLimits(TypedDict):
    """The limits `run_tests` and `run_guard` share, so a caller can keep them in one dict."""

    timeout: float
    memory_mb: int


class TestPlan(Frozen):
    """The command that runs the project's tests, and how to read its outcome."""

    __test__ = False

    runner: Runner
    argv: tuple[str, ...]
    junit: bool
    note: str = ""
    config: str = Field("", description="the project's pytest config, as setup.md shows it")
    env: dict[str, str] = Field(default_factory=dict, description="extra environment")

    def environment(self, setup: SetupInfo, root: Path) -> dict[str, str]:
        env = setup.env(root)
        if DOCTEST_ENV in self.env:  # our plugin must be importable
            paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
            env["PYTHONPATH"] = os.pathsep.join([*paths, str(HARNESS_DIR)])
        return {**env, **self.env}

    def describe(self) -> str:
        shown = [a for a in self.argv if JUNIT not in a]
        if DOCTEST_PLUGIN in shown:  # the bot's own filter plugin: not part of the command
            at = shown.index(DOCTEST_PLUGIN)
            del shown[at - 1 : at + 1]
        if shown and Path(shown[0]).name.startswith("python"):
            shown[0] = "python"
        return shlex.join(shown)


def plan_tests(setup: SetupInfo, root: Path) -> TestPlan:
    """Decide how the tests run (see the module docstring)."""
    command = list(setup.test_command)
    ini = read_pytest_ini(root)
    if _is_pytest(command) and not _is_default(command, setup):
        argv = [*command, f"--junitxml={JUNIT}"]
        return TestPlan(runner="pytest", argv=tuple(argv), junit=True, config=ini.describe())
    if not _is_pytest(command):
        argv = [
            setup.python if a in ("python", "python3") and i == 0 else a
            for i, a in enumerate(command)
        ]
        return TestPlan(runner="command", argv=tuple(argv), junit=False)
    if not has_module(setup.python, "pytest"):
        start = unittest_start_dir(root, ini)
        argv = [setup.python, "-m", "unittest", "discover", "-s", start]
        if start != "." and (root / start / "__init__.py").is_file():
            argv += ["-t", "."]
        note = "pytest is not in the target's environment: ran unittest discovery"
        return TestPlan(runner="unittest", argv=tuple(argv), junit=False, note=note)
    extra = [f"--junitxml={JUNIT}"]
    extra += _addopts_neutralizers(ini, setup.python)
    note, env = "", {}
    if pytest_benchmark_files(root, "", setup.tests_found) and has_module(
        setup.python, "pytest_benchmark"
    ):
        extra.append("--benchmark-disable")  # a gate needs each benchmark once, not timed
        note = BENCHMARKS_UNTIMED
    doctests = load_tests_doctests(root, setup.tests_found, setup.pythonpath)
    if doctests and not ini.doctest_modules:
        # paths on the command line replace testpaths, so name the test locations too
        places = [p for p in search_roots(root, ini) if p != root] or _top_levels(
            setup.tests_found, root
        )
        extra += ["-p", DOCTEST_PLUGIN, "--doctest-modules", *_rel(places, root), *doctests]
        env = {DOCTEST_ENV: os.pathsep.join(doctests)}
        also = f"doctests the tests add via load_tests also run: {', '.join(doctests)}"
        note = f"{note}; {also}" if note else also
    argv = [*command, *pytest_args(), *extra]
    return TestPlan(
        runner="pytest", argv=tuple(argv), junit=True, config=ini.describe(), note=note, env=env
    )


def run_tests(setup: SetupInfo, root: Path, *, timeout: float, memory_mb: int) -> TestRun:
    """Run the suite once and parse what it proved (counts, failing ids, collection errors)."""
    plan = plan_tests(setup, root)
    with tempfile.TemporaryDirectory(prefix="codeflash-junit-") as tmp:
        junit = Path(tmp) / "junit.xml"
        argv = [a.replace(JUNIT, str(junit)) for a in plan.argv]
        env = plan.environment(setup, root)
        result = run_command(argv, cwd=root, env=env, timeout=timeout, memory_mb=memory_mb)
        report = parse_junit(junit) if plan.junit and junit.exists() else None
    return outcome_of(plan.runner, result, report)


def outcome_of(runner: Runner, result: CommandResult, report: TestRun | None) -> TestRun:
    """Combine a parsed report (or the output's own counts) with the exit code."""
    output = f"{result.stdout}\n{result.stderr}"
    if report is None and runner in ("unittest", "command"):
        report = parse_unittest(output)
    if report is None and runner in ("pytest", "command"):
        report = parse_pytest_terminal(output)
    base = {
        "runner": runner,
        "exit_code": result.returncode,
        "timed_out": result.timed_out,
        "tail": result.tail(),
    }
    if report is None:
        failures = frozenset() if result.ok else frozenset({f"<exit code {result.returncode}>"})
        return TestRun(**base, failures=failures, first_error=first_error_line(output))
    failures = report.failures
    if _exit_code_unexplained(runner, result.returncode, failures):
        failures |= {f"<exit code {result.returncode}>"}
    first = report.first_error or first_error_line(output)
    return report.model_copy(update={**base, "failures": failures, "first_error": first})


def _exit_code_unexplained(runner: Runner, code: int, failures: frozenset[str]) -> bool:
    """A non-zero exit the report does not account for is a failure of its own."""
    if runner == "pytest":
        return code not in (PYTEST_OK, PYTEST_FAILED, PYTEST_NO_TESTS)
    return code != 0 and not failures


def run_guard(
    command: str, setup: SetupInfo, root: Path, *, timeout: float, memory_mb: int
) -> tuple[bool, str]:
    """Run the guard (split like a shell would, but never through one); (passed, last line)."""
    argv = shlex.split(command)
    if argv and argv[0] in ("python", "python3"):
        argv[0] = setup.python
    result = run_command(argv, cwd=root, env=setup.env(root), timeout=timeout, memory_mb=memory_mb)
    return result.ok, result.tail()


def _is_pytest(command: list[str]) -> bool:
    if command[1:3] == ["-m", "pytest"]:
        return True
    return bool(command) and Path(command[0]).name in ("pytest", "py.test")


def _is_default(command: list[str], setup: SetupInfo) -> bool:
    return command == [setup.python, "-m", "pytest"]


def _top_levels(tests: list[str], root: Path) -> list[Path]:
    """`tests/test_a.py`, `tests/sub/test_b.py`, `test_c.py` -> `tests`, `test_c.py`."""
    return sorted({root / Path(t).parts[0] for t in tests})


def _rel(paths: list[Path], root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def _addopts_neutralizers(ini: PytestIni, python: str) -> list[str]:
    """Options added after the project's addopts so a gate run is complete and leaves the tree
    clean: coverage off (it writes .coverage files and slows every run), no stop at the first
    failure (counts must be comparable across runs)."""
    extra: list[str] = []
    if ini.has_option("--cov") and has_module(python, "pytest_cov"):
        extra.append("--no-cov")
    if ini.has_option("-x", "--exitfirst", "--maxfail"):
        extra.append("--maxfail=0")
    return extra
