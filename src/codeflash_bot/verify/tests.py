"""The repo's own tests and the guard command, judged against the baseline run."""

from __future__ import annotations

import shlex
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from codeflash_bot.models import Frozen
from codeflash_bot.profile.cpu import pytest_args
from codeflash_bot.sandbox import run_command
from codeflash_bot.session.setup import SetupInfo

PYTEST_NO_TESTS = 5


class TestRun(Frozen):
    """Outcome of one test-suite run; `failures` are test ids (or the exit code if no report)."""

    exit_code: int
    failures: frozenset[str]
    timed_out: bool
    tail: str

    @property
    def no_tests(self) -> bool:
        return self.exit_code == PYTEST_NO_TESTS

    def new_failures(self, baseline: TestRun) -> frozenset[str]:
        """Failures not already failing at baseline (pre-existing ones never block a keep)."""
        if self.timed_out:
            return frozenset({"<timed out>"})
        return self.failures - baseline.failures


def run_tests(setup: SetupInfo, root: Path, *, timeout: float, memory_mb: int) -> TestRun:
    is_pytest = setup.test_command[1:3] == ["-m", "pytest"]
    with tempfile.TemporaryDirectory(prefix="codeflash-junit-") as tmp:
        junit = Path(tmp) / "junit.xml"
        cmd = list(setup.test_command)
        if is_pytest:
            cmd += [*pytest_args(), f"--junitxml={junit}"]
        result = run_command(
            cmd, cwd=root, env=setup.env(root), timeout=timeout, memory_mb=memory_mb
        )
        failures = _junit_failures(junit) if junit.exists() else None
    if failures is None:
        failures = frozenset() if result.ok else frozenset({f"<exit code {result.returncode}>"})
    elif result.returncode not in (0, 1, PYTEST_NO_TESTS):
        failures = failures | {f"<exit code {result.returncode}>"}
    return TestRun(
        exit_code=result.returncode,
        failures=failures,
        timed_out=result.timed_out,
        tail=result.tail(),
    )


def _junit_failures(path: Path) -> frozenset[str]:
    try:
        tree = ET.parse(path)
    except ET.ParseError:
        return frozenset({"<unreadable junit report>"})
    failed = set()
    for case in tree.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed.add(f"{case.get('classname', '')}::{case.get('name', '')}")
    return frozenset(failed)


def run_guard(
    command: str, setup: SetupInfo, root: Path, *, timeout: float, memory_mb: int
) -> tuple[bool, str]:
    """Run the guard (split like a shell would, but never through one); (passed, last line)."""
    argv = shlex.split(command)
    if argv and argv[0] in ("python", "python3"):
        argv[0] = setup.python
    result = run_command(argv, cwd=root, env=setup.env(root), timeout=timeout, memory_mb=memory_mb)
    return result.ok, result.tail()
