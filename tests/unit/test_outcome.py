"""The outcome parser and the gates on real pytest junit / unittest outputs (tests/fixtures)."""

from __future__ import annotations

from pathlib import Path

from codeflash_bot.verify.gate import baseline_gate
from codeflash_bot.verify.outcome import (
    TestRun,
    baseline_problem,
    parse_junit,
    parse_pytest_terminal,
    parse_unittest,
    partial_note,
)

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "outcomes"


def test_junit_partial_collection_counts_and_names_the_broken_module() -> None:
    run = parse_junit(OUT / "pytest_partial_collection.xml")
    assert run is not None
    assert (run.collected, run.passed, run.failed, run.errors, run.skipped) == (5, 1, 3, 0, 1)
    assert [str(e) for e in run.collection_errors] == [
        "tests/test_b.py: ModuleNotFoundError: No module named 'foo_missing'"
    ]
    assert "tests.test_a::test_bad" in run.failures
    assert baseline_problem(run) is None  # one test passes: go on
    assert "tests/test_b.py" in (partial_note(run) or "")


def test_junit_interrupted_collection_is_a_stop_naming_the_first_error() -> None:
    run = parse_junit(OUT / "pytest_interrupted.xml")
    assert run is not None
    assert (run.collected, run.passed) == (0, 0)
    assert baseline_problem(run) == (
        "collection error in tests/test_b.py: ModuleNotFoundError: No module named 'foo_missing'"
    )


def test_unittest_failures_count_a_subtest_test_once() -> None:
    run = parse_unittest((OUT / "unittest_failures.txt").read_text())
    assert run is not None
    # 6 "tests" ran: 5 real + the module that failed to import
    assert (run.collected, run.passed, run.failed, run.errors, run.skipped) == (5, 1, 2, 1, 1)
    assert run.failures == {"test_m.T.test_bad", "test_m.T.test_sub", "test_m.T.test_err"}
    assert [str(e) for e in run.collection_errors] == [
        "test_imp: ModuleNotFoundError: No module named 'foo_missing'"
    ]


def test_unittest_ok_with_skips() -> None:
    run = parse_unittest((OUT / "unittest_ok.txt").read_text())
    assert run is not None
    assert (run.collected, run.passed, run.skipped, run.failures) == (2, 1, 1, frozenset())
    assert baseline_problem(run) is None


def test_unittest_import_error_only_is_a_stop() -> None:
    run = parse_unittest((OUT / "unittest_import_error.txt").read_text())
    assert run is not None
    assert run.collected == 0
    assert baseline_problem(run) == (
        "collection error in test_imp: ModuleNotFoundError: No module named 'foo_missing'"
    )


def test_text_without_a_summary_is_not_counted() -> None:
    assert parse_unittest("hello\n") is None
    assert parse_pytest_terminal("hello\n") is None


def test_pytest_terminal_summary_line() -> None:
    text = "....F\nFAILED t.py::x - assert 0\n1 failed, 4 passed, 2 skipped, 1 error in 0.12s\n"
    run = parse_pytest_terminal(text)
    assert run is not None
    assert (run.collected, run.passed, run.failed, run.errors, run.skipped) == (8, 4, 1, 1, 2)
    framed = parse_pytest_terminal("=== 3 passed, 1 warning in 0.01s ===")
    assert framed is not None and framed.passed == 3


def test_zero_run_and_zero_passed_are_stops() -> None:
    nothing = TestRun(exit_code=5, collected=0, passed=0, failed=0, errors=0, skipped=0)
    assert baseline_problem(nothing) == "no tests ran"
    skipped = nothing.model_copy(update={"collected": 3, "skipped": 3})
    assert baseline_problem(skipped) == "no tests ran (3 skipped)"
    failing = nothing.model_copy(
        update={"exit_code": 1, "collected": 2, "failed": 2, "first_error": "E: boom"}
    )
    assert baseline_problem(failing) == "all 2 tests fail: E: boom"


def test_a_users_command_without_counts_is_judged_by_its_exit_code() -> None:
    assert baseline_problem(TestRun(runner="command", exit_code=0)) is None
    failing = TestRun(runner="command", exit_code=3, tail="boom")
    assert baseline_problem(failing) == "the test command fails (exit code 3): boom"


def test_candidate_that_runs_fewer_tests_fails_the_gate() -> None:
    base = parse_junit(OUT / "pytest_partial_collection.xml")
    assert base is not None
    same = base.model_copy()
    assert same.new_failures(base) == frozenset()
    fewer = base.model_copy(update={"collected": 2, "passed": 0, "failed": 1})
    assert fewer.new_failures(base) == {"<2 tests collected, baseline 5>"}


def test_candidate_with_a_new_collection_error_fails_even_with_the_same_failures() -> None:
    base = parse_junit(OUT / "pytest_partial_collection.xml")
    assert base is not None
    broken = base.model_copy(
        update={
            "collection_errors": (
                *base.collection_errors,
                base.collection_errors[0].model_copy(update={"where": "tests/test_a.py"}),
            )
        }
    )
    assert any("collection error tests/test_a.py" in p for p in broken.new_failures(base))


def test_gate_stops_without_guard_and_goes_on_with_one() -> None:
    run = parse_junit(OUT / "pytest_interrupted.xml")
    assert run is not None
    stopped = baseline_gate(run, guard=None, workload=None)
    assert stopped.stop is not None
    assert stopped.stop.startswith("the tests do not run: collection error in tests/test_b.py")
    guarded = baseline_gate(run, guard="python check.py", workload=None)
    assert guarded.stop is None and not guarded.gating
    assert "did not run" in guarded.handoff_md().lower()
    assert "check.py" in guarded.notes[0]


def test_usage_error_from_addopts_names_the_unrecognized_options() -> None:
    from codeflash_bot.sandbox import CommandResult
    from codeflash_bot.verify.tests import outcome_of

    stderr = (OUT / "pytest_usage_error.txt").read_text()
    run = outcome_of("pytest", CommandResult(4, "", stderr, False), None)
    assert baseline_problem(run) == (
        "pytest stopped with a usage error: unrecognized arguments: -n --cov=small"
        " (the project's addopts need a pytest plugin missing from its environment)"
    )


def test_pytest_terminal_output_names_collection_errors() -> None:
    """A user's own `pytest` command without junit: the terminal report is all there is."""
    run = parse_pytest_terminal((OUT / "pytest_terminal_interrupted.txt").read_text())
    assert run is not None
    assert (run.collected, run.passed, run.errors) == (0, 0, 0)
    assert baseline_problem(run) == (
        "collection error in tests/test_b.py: ModuleNotFoundError: No module named 'foo_missing'"
    )
