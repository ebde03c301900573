"""What a test run proved: counts parsed from its report, and the gates built on them.

A run whose tests never ran must not become the baseline that every later run "matches": the
baseline gate stops on collection/import errors, on zero tests run and on zero passed. A
candidate run is held to the baseline's counts, so a rewrite that breaks an import (fewer tests
collected, a new collection error) fails even though "the same tests fail".

Sources, best first: pytest's junit xml; unittest's summary ("Ran N tests", "FAILED (...)");
pytest's terminal summary line (for a user's own test command); else only the exit code.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Literal

from pydantic import Field

from codeflash_bot.models import Frozen

PYTEST_OK, PYTEST_FAILED, PYTEST_INTERRUPTED, PYTEST_INTERNAL, PYTEST_USAGE, PYTEST_NO_TESTS = (
    0,
    1,
    2,
    3,
    4,
    5,
)
COLLECTION_FAILURE = "collection failure"
UNITTEST_RAN = re.compile(r"^Ran (\d+) tests? in ", re.M)
UNITTEST_RESULT = re.compile(r"^(OK|FAILED)(?: \(([^)]*)\))?\s*$", re.M)
UNITTEST_PROBLEM = re.compile(r"^(FAIL|ERROR|UNEXPECTED SUCCESS): (\S+) \(([^)]*)\)", re.M)
UNITTEST_IMPORT = re.compile(r"^(?:ImportError: )?Failed to import test module: (\S+)", re.M)
PYTEST_SUMMARY = re.compile(
    r"^[=\s]*((?:\d+ \w+(?: \w+)?(?:, )?)+) in [\d.]+s(?: \([^)]*\))?[=\s]*$", re.M
)
PYTEST_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected)")
ERROR_LINE = re.compile(r"^E\s+(.+)$", re.M)
COLLECTING = re.compile(r"^_+ ERROR collecting (\S+) _+$", re.M)
SECTION = re.compile(r"^(?:_{3,} |={3,} )", re.M)
USAGE_LINE = re.compile(r"^.*?(?:pytest|py\.test|__main__\.py): error: (.+)$", re.M)
EXCEPTION_LINE = re.compile(
    r"^\s*([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning)(?::.*)?)$", re.M
)

Runner = Literal["pytest", "unittest", "command"]


class CollectionError(Frozen):
    """A test module that could not even be imported/collected."""

    where: str
    line: str

    def __str__(self) -> str:
        return f"{self.where}: {self.line}" if self.line else self.where


class TestRun(Frozen):
    """Outcome of one test-suite run.

    `failures` are test ids (or `<exit code N>` when no report names them); counts are None
    when the runner's output did not give them (a user's command that prints nothing we know).
    """

    __test__ = False  # not a pytest test class, despite the name

    runner: Runner = "pytest"
    exit_code: int
    timed_out: bool = False
    tail: str = ""
    collected: int | None = None
    passed: int | None = None
    failed: int | None = None
    errors: int | None = None
    skipped: int | None = None
    failures: frozenset[str] = frozenset()
    collection_errors: tuple[CollectionError, ...] = ()
    first_error: str = Field("", description="first error line of the run's output")

    @property
    def counted(self) -> bool:
        return self.collected is not None

    @property
    def ran(self) -> int | None:
        """Tests that executed (passed, failed or errored; not skipped)."""
        if self.passed is None:
            return None
        return self.passed + (self.failed or 0) + (self.errors or 0)

    def counts_line(self) -> str:
        """`12 collected, 10 passed, 1 failed, 0 errors, 1 skipped` (or why there are none)."""
        if not self.counted:
            return f"not reported by the test command (exit code {self.exit_code})"
        return (
            f"{self.collected} collected, {self.passed} passed, {self.failed} failed,"
            f" {self.errors} errors, {self.skipped} skipped"
        )

    def new_failures(self, baseline: TestRun) -> frozenset[str]:
        """Why this run is worse than the baseline: new failing tests, new collection errors,
        fewer tests collected or run. Pre-existing failures never block a keep."""
        if self.timed_out:
            return frozenset({"<timed out>"})
        problems = set(self.failures - baseline.failures)
        known = {e.where for e in baseline.collection_errors}
        problems |= {
            f"<collection error {e}>" for e in self.collection_errors if e.where not in known
        }
        if self.counted and baseline.counted:
            if (self.collected or 0) < (baseline.collected or 0):
                problems.add(f"<{self.collected} tests collected, baseline {baseline.collected}>")
            elif (self.ran or 0) < (baseline.ran or 0):
                problems.add(f"<{self.ran} tests ran, baseline {baseline.ran}>")
        elif baseline.counted and not self.counted:
            problems.add(f"<no test report (exit code {self.exit_code})>")
        return frozenset(problems)


def baseline_problem(run: TestRun) -> str | None:
    """Why this baseline run proves nothing (one line), or None when the suite really ran.

    Partial collection errors are not a stop when other tests pass: those modules gate nothing
    and `partial_note` says so.
    """
    if run.timed_out:
        return None  # the caller reports timeouts with the configured limit
    if run.collection_errors and not run.passed:
        return f"collection error in {run.collection_errors[0]}"
    if run.runner == "pytest" and run.exit_code in (PYTEST_USAGE, PYTEST_INTERNAL):
        kind = "usage error" if run.exit_code == PYTEST_USAGE else "internal error"
        hint = ""
        if "unrecognized arguments" in run.first_error:
            hint = " (the project's addopts need a pytest plugin missing from its environment)"
        return f"pytest stopped with a {kind}: {run.first_error or run.tail}{hint}"
    if run.runner == "pytest" and run.exit_code == PYTEST_INTERRUPTED and not run.passed:
        return f"pytest was interrupted: {run.first_error or run.tail}"
    if not run.counted:
        if run.exit_code != 0:
            why = run.first_error or run.tail
            return f"the test command fails (exit code {run.exit_code}): {why}"
        return None  # a user's command that exits 0 and prints no counts: its exit code gates
    if not run.collected or not run.ran:
        return "no tests ran" + (f" ({run.skipped} skipped)" if run.skipped else "")
    if not run.passed:
        first = f": {run.first_error}" if run.first_error else ""
        return f"all {run.ran} tests fail{first}"
    return None


def partial_note(run: TestRun) -> str | None:
    """One line naming test modules that fail to import while others run (they gate nothing)."""
    if not run.collection_errors or not run.passed:
        return None
    names = ", ".join(str(e) for e in run.collection_errors[:3])
    more = len(run.collection_errors) - 3
    extra = f" and {more} more" if more > 0 else ""
    return (
        f"{len(run.collection_errors)} test module(s) fail to import at baseline and gate"
        f" nothing: {names}{extra}"
    )


# --- parsers ---------------------------------------------------------------------------------


def parse_junit(path: Path) -> TestRun | None:
    """Counts, failing ids and collection errors from a pytest junit xml (None: unreadable)."""
    try:
        tree = ET.parse(path)
    except (ET.ParseError, OSError):
        return None
    passed = failed = errors = skipped = 0
    failures: set[str] = set()
    collection: list[CollectionError] = []
    first = ""
    for case in tree.iter("testcase"):
        classname, name = case.get("classname", ""), case.get("name", "")
        problem = case.find("failure")
        error = case.find("error")
        if error is not None and not classname and error.get("message") == COLLECTION_FAILURE:
            collection.append(CollectionError(where=_module_path(name), line=_first_line(error)))
            first = first or collection[-1].line
            continue
        test_id = f"{classname}::{name}"
        if problem is not None:
            failed += 1
            failures.add(test_id)
            first = first or _first_line(problem)
        elif error is not None:
            errors += 1
            failures.add(test_id)
            first = first or _first_line(error)
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
        # a test both failing and erroring at teardown is one test, counted once above
    return TestRun(
        exit_code=0,
        collected=passed + failed + errors + skipped,
        passed=passed,
        failed=failed,
        errors=errors,
        skipped=skipped,
        failures=frozenset(failures),
        collection_errors=tuple(collection),
        first_error=first,
    )


def parse_unittest(output: str) -> TestRun | None:
    """Counts and failing ids from `python -m unittest` output (None: no summary in it)."""
    ran_match = UNITTEST_RAN.search(output)
    if ran_match is None:
        return None
    ran = int(ran_match.group(1))
    counts = {"failures": 0, "errors": 0, "skipped": 0, "expected failures": 0}
    result = UNITTEST_RESULT.search(output, ran_match.end())
    if result and result.group(2):
        for part in result.group(2).split(","):
            key, _, value = part.strip().rpartition("=")
            if key in counts and value.isdigit():
                counts[key] = int(value)
    imports = {m.group(1) for m in UNITTEST_IMPORT.finditer(output)}
    collection = tuple(
        CollectionError(where=mod, line=_exception_after(output, f"module: {mod}"))
        for mod in sorted(imports)
    )
    failed_ids: set[str] = set()
    error_ids: set[str] = set()
    for kind, test, where in UNITTEST_PROBLEM.findall(output):
        if where.startswith("unittest.loader."):  # a module that failed to import
            continue
        test_id = where if where.endswith(f".{test}") else f"{where}.{test}"
        (error_ids if kind == "ERROR" else failed_ids).add(test_id)
    error_ids -= failed_ids  # subtests: one test, counted once
    # distinct ids when the blocks are there (subtests repeat one test), else the summary
    failed = len(failed_ids) if failed_ids else counts["failures"]
    errors = len(error_ids) if error_ids else max(counts["errors"] - len(collection), 0)
    skipped = counts["skipped"]
    real = ran - len(collection)
    passed = max(real - failed - errors - skipped, 0)
    return TestRun(
        runner="unittest",
        exit_code=0,
        collected=real,
        passed=passed,
        failed=failed,
        errors=errors,
        skipped=skipped,
        failures=frozenset(failed_ids | error_ids),
        collection_errors=collection,
        first_error=_first_exception(output),
    )


def parse_pytest_terminal(output: str) -> TestRun | None:
    """Counts from pytest's final summary line (`3 failed, 10 passed in 1.2s`); no ids."""
    matches = PYTEST_SUMMARY.findall(output)
    if not matches:
        return None
    counts: dict[str, int] = {}
    for number, kind in PYTEST_COUNT.findall(matches[-1]):
        counts[kind.rstrip("s") if kind.startswith("error") else kind] = int(number)
    passed = counts.get("passed", 0) + counts.get("xpassed", 0)
    skipped = counts.get("skipped", 0) + counts.get("xfailed", 0)  # as junit counts them
    collection = _terminal_collection_errors(output)
    failed, errors = counts.get("failed", 0), max(counts.get("error", 0) - len(collection), 0)
    return TestRun(
        exit_code=0,
        collected=passed + failed + errors + skipped,
        passed=passed,
        failed=failed,
        errors=errors,
        skipped=skipped,
        collection_errors=collection,
        first_error=collection[0].line if collection else _first_error_line(output),
    )


def _terminal_collection_errors(output: str) -> tuple[CollectionError, ...]:
    """`____ ERROR collecting tests/test_x.py ____` sections of pytest's terminal report."""
    found = []
    headers = list(COLLECTING.finditer(output))
    for match in headers:
        end = SECTION.search(output, match.end())
        body = output[match.end() : end.start() if end else len(output)]
        lines = [line.strip() for line in ERROR_LINE.findall(body)]
        named = [line for line in lines if EXCEPTION_LINE.match(line)]
        found.append(CollectionError(where=match.group(1), line=(named or lines or [""])[-1]))
    return tuple(found)


def first_error_line(output: str) -> str:
    """The first line of `output` that names an error (pytest `E   ...`, a traceback's last)."""
    return _first_error_line(output)


def _first_error_line(output: str) -> str:
    match = USAGE_LINE.search(output) or ERROR_LINE.search(output)
    if match:
        return match.group(1).strip()
    return _first_exception(output)


def _first_exception(output: str) -> str:
    match = EXCEPTION_LINE.search(output)
    return match.group(1).strip() if match else ""


def _exception_after(output: str, marker: str) -> str:
    at = output.find(marker)
    return _first_exception(output[at:]) if at >= 0 else ""


def _first_line(element: ET.Element) -> str:
    text = element.text or ""
    lines = [line.strip() for line in ERROR_LINE.findall(text)]
    named = [line for line in lines if EXCEPTION_LINE.match(line)]
    if named or lines:
        return (named or lines)[-1]  # the innermost exception, else pytest's last `E` line
    exc = _first_exception(text)
    return exc or (element.get("message") or "").strip()


def _module_path(dotted: str) -> str:
    """pytest names a failed collection `tests.test_x`; show it as `tests/test_x.py`."""
    if dotted.endswith(".py") or "/" in dotted:
        return dotted
    return dotted.replace(".", "/") + ".py"
