"""A repository whose benchmarks are its only tests: how that is found and what the gate says."""

from __future__ import annotations

from pathlib import Path

from codeflash_bot.capture.benchmarks import asv_gate, only_benchmarks
from codeflash_bot.verify.gate import BENCHMARKS_GATE, baseline_gate
from codeflash_bot.verify.outcome import TestRun

BENCH = "def test_bench_sort(benchmark):\n    benchmark(sorted, [3, 1, 2])\n"
PLAIN = "def test_sort():\n    assert sorted([2, 1]) == [1, 2]\n"
ASV = "class Suite:\n    def time_sort(self):\n        sorted([3, 1, 2])\n"


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def test_only_benchmarks_needs_every_test_file_to_be_a_benchmark(tmp_path: Path) -> None:
    _write(tmp_path, {"benchmarks/test_bench.py": BENCH, "tests/test_plain.py": PLAIN})
    assert only_benchmarks(tmp_path, "", ["benchmarks/test_bench.py"])
    assert not only_benchmarks(tmp_path, "", ["benchmarks/test_bench.py", "tests/test_plain.py"])
    assert not only_benchmarks(tmp_path, "", [])


def test_asv_gate_is_a_strict_run_of_the_suite(tmp_path: Path) -> None:
    assert asv_gate(tmp_path) is None
    _write(tmp_path, {"benchmarks/__init__.py": "", "benchmarks/bench_sort.py": ASV})
    gate = asv_gate(tmp_path)
    assert gate is not None
    command, words = gate
    assert command.startswith("python ") and command.endswith(" benchmarks 300 --strict")
    assert words == "the asv suite in benchmarks/ (each benchmark run once, none may raise)"


def test_the_gate_says_when_benchmarks_gate_and_names_a_bot_chosen_guard() -> None:
    passed = TestRun(exit_code=0, collected=2, passed=2, failed=0, errors=0, skipped=0)
    gate = baseline_gate(passed, guard=None, workload=None, benchmarks_only=True)
    assert gate.gating and gate.notes == [BENCHMARKS_GATE]
    assert BENCHMARKS_GATE in gate.handoff_md()
    none = TestRun(exit_code=5, collected=0, passed=0, failed=0, errors=0, skipped=0)
    words = "the asv suite in benchmarks/ (each benchmark run once, none may raise)"
    asv = baseline_gate(none, guard="python x.py", workload=None, guard_words=words)
    assert asv.stop is None and not asv.gating
    assert f"continuing with {words} plus replay" in asv.notes[0]
    assert "x.py" not in asv.notes[0]
