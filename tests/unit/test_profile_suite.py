"""Profiling real-suite shapes for real: budgeted spread samples, hostile settings, bounded state.

Each test generates a small suite in a temp directory and runs the actual harness (cf_profile,
cf_capture_plugin) in a child interpreter. Budgets are set in the spec, never left to timing:
a 1 ms budget is always used up by the first test (5 sorts of 200 000 items).
"""

from __future__ import annotations

import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from codeflash_bot.capture import capture_inputs
from codeflash_bot.config import Config
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.models import Target
from codeflash_bot.profile.budget import SuiteCoverage, profile_budget
from codeflash_bot.profile.cpu import profile_cpu, run_mode
from codeflash_bot.sandbox import HARNESS_DIR
from codeflash_bot.session.setup import SetupInfo
from tests.support.setup_info import configured_setup

sys.path.insert(0, str(HARNESS_DIR))
import cf_suite

TINY_BUDGET = 0.001

HOT = """
    import functools


    def lowest(xs):
        '''The smallest item.

        >>> lowest([3, 1, 2])
        1
        '''
        return sorted(xs)[0]


    @functools.cache
    def data(n=200_000):
        return [(i * 7919) % (n + 1) for i in range(n)]
"""


def setup_for(root: Path) -> SetupInfo:
    return configured_setup()


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def big_suite(root: Path, files: int = 12, tests: int = 10) -> Path:
    """`files` test files of `tests` tests each, every test calling the hot function 5 times.

    `data()` is cached, so even a single test spends most of its time in `lowest`.
    """
    suite = {"hot.py": HOT}
    for f in range(files):
        body = "from hot import data, lowest\n"
        for t in range(tests):
            body += (
                f"\n\ndef test_{t}():\n    for _ in range(5):\n        assert lowest(data()) == 0\n"
            )
        suite[f"tests/test_file_{f:02d}.py"] = body
    return write(root, suite)


def profile(root: Path, budget: float | None = None):
    setup = setup_for(root)
    return profile_cpu(
        HarnessRunner.for_project(setup, root, 2048),
        setup,
        workload=None,
        exclude=[],
        timeout=300,
        budget=budget,
    )


def test_a_suite_over_budget_profiles_a_spread_sample_and_says_so(tmp_path: Path) -> None:
    root = big_suite(tmp_path)
    result = profile(root, budget=TINY_BUDGET)
    cov = result.coverage
    assert cov.stopped and cov.collected == 120 and cov.files_collected == 12
    assert 1 <= cov.ran < cov.collected
    assert result.targets[0].ref == "hot:lowest"
    line = cov.describe("CPU profile")
    assert line is not None and f"{cov.ran} of 120 tests" in line
    assert "profile-budget-seconds" in line


def test_a_suite_within_budget_runs_whole_and_says_nothing(tmp_path: Path) -> None:
    root = big_suite(tmp_path, files=2, tests=3)
    result = profile(root, budget=600)
    cov = result.coverage
    assert not cov.stopped and cov.ran == cov.collected == 6
    assert cov.describe("CPU profile") is None
    assert result.sampler == "pyinstrument"
    hot = next(t for t in result.targets if t.ref == "hot:lowest")
    assert hot.total_seconds > 0


HOSTILE = {
    "hot.py": HOT,
    # What real suites configure: warnings are errors, doctests of the modules, a per-test
    # timeout enforced by a thread that would kill the whole process (profiling is slower).
    "pytest.ini": """
        [pytest]
        filterwarnings = error
        addopts = --doctest-modules
        timeout = 1
        timeout_method = thread
    """,
    "test_hostile.py": """
        import gc
        import subprocess
        import sys
        import threading
        import unittest

        from hot import data, lowest


        class Bad:
            def __del__(self):
                raise ValueError("raised in __del__")


        def test_unraisable_exception():
            for _ in range(50):
                Bad()
            gc.collect()
            assert lowest(data()) == 0


        def test_thread_raises_and_computes():
            def work():
                lowest(data())
                raise RuntimeError("thread died")

            t = threading.Thread(target=work)
            t.start()
            t.join()


        def test_spawns_a_process():
            subprocess.run([sys.executable, "-c", "pass"], check=True)


        def test_slower_than_the_suite_timeout():
            import time

            time.sleep(1.5)
            assert lowest(data()) == 0


        class Many(unittest.TestCase):
            def test_subtests(self):
                xs = data(2000)
                for i in range(3000):
                    with self.subTest(i=i):
                        self.assertEqual(lowest(xs), 0)
    """,
}


def test_unraisable_warnings_as_errors_subtests_doctests_and_timeouts_still_profile(
    tmp_path: Path,
) -> None:
    root = write(tmp_path, HOSTILE)
    result = profile(root, budget=600)
    cov = result.coverage
    # 5 tests + the doctest of hot.lowest; the thread-method timeout would have killed the run.
    assert cov.ran == cov.collected == 6 and not cov.stopped
    hot = next(t for t in result.targets if t.ref == "hot:lowest")
    assert hot.total_seconds > 0


def test_a_hanging_test_is_cut_at_the_hard_stop_with_what_was_sampled(tmp_path: Path) -> None:
    root = write(tmp_path, {"hot.py": HOT})
    hangs = "from hot import data, lowest\n\ndef test_hangs():\n"
    hangs += (
        "    for _ in range(5):\n        lowest(data())\n    import time\n    time.sleep(600)\n"
    )
    write(root, {"tests/test_hangs.py": hangs})
    spec = {"root": str(root), "interval": 0.001, "budget": TINY_BUDGET, "grace": 3.0}
    spec |= run_mode(root, None)
    out = HarnessRunner.for_project(setup_for(root), root, None).run(
        "cf_profile.py", spec, timeout=300
    )
    # The test never ends; the harness wrote what it had sampled 3 s after the tests started
    # and exited, long before the 300 s timeout.
    assert out["tests"]["stopped"] and out["tests"]["ran"] == 0
    assert any(r["function"] == "lowest" and r["total"] > 0 for r in out["functions"])


def test_thread_sampler_fallback_finds_the_hot_function(tmp_path: Path) -> None:
    root = big_suite(tmp_path, files=2, tests=5)
    spec = {"root": str(root), "interval": 0.001, "sampler": "thread", "budget": 600}
    spec |= run_mode(root, None)
    out = HarnessRunner.for_project(setup_for(root), root, None).run(
        "cf_profile.py", spec, timeout=300
    )
    assert out["sampler"] == "thread"
    rows = [r for r in out["functions"] if r["function"] == "lowest"]
    assert rows and rows[0]["total"] > 0


def test_capture_within_budget_still_records_the_hot_function(tmp_path: Path) -> None:
    root = big_suite(tmp_path)
    target = Target(module="hot", qualname="lowest", file=Path("hot.py"), lineno=1)
    counts, cov = capture_inputs(
        HarnessRunner.for_project(setup_for(root), root, 2048),
        [target],
        tmp_path / "corpus",
        workload=None,
        timeout=300,
        budget=TINY_BUDGET,
    )
    assert counts["hot:lowest"] >= 1
    assert cov.stopped and 1 <= cov.ran < cov.collected == 120


def test_capture_of_a_hostile_suite_records_inputs(tmp_path: Path) -> None:
    root = write(tmp_path, HOSTILE)
    target = Target(module="hot", qualname="lowest", file=Path("hot.py"), lineno=1)
    counts, cov = capture_inputs(
        HarnessRunner.for_project(setup_for(root), root, 2048),
        [target],
        tmp_path / "corpus",
        workload=None,
        timeout=300,
        budget=600,
    )
    assert counts["hot:lowest"] >= 2  # data() lists, [3, 1, 2] from the doctest, xs of 2000
    assert cov.ran == cov.collected == 6 and not cov.stopped


def test_xdist_and_randomly_in_addopts_are_neutralised(tmp_path: Path) -> None:
    pytest.importorskip("xdist")
    pytest.importorskip("pytest_randomly")
    root = big_suite(tmp_path, files=3, tests=2)
    write(root, {"pytest.ini": "[pytest]\naddopts = -n 2 -p randomly\n"})
    result = profile(root, budget=600)
    assert result.coverage.ran == 6  # run here, not in xdist workers the sampler never sees
    assert result.targets[0].ref == "hot:lowest"


@dataclass
class Item:
    path: str
    nodeid: str


def test_every_prefix_of_the_spread_order_samples_every_file() -> None:
    sizes = {"a.py": 1, "b.py": 3, "c.py": 8, "d.py": 16, "e.py": 50}
    items = [Item(f, f"{f}::t{i}") for f, n in sizes.items() for i in range(n)]
    order = cf_suite.spread(items)
    assert sorted(i.nodeid for i in order) == sorted(i.nodeid for i in items)
    assert {i.path for i in order[:5]} == set(sizes)
    for name in sizes:
        ids = [i.nodeid for i in order if i.path == name]
        assert ids == [i.nodeid for i in items if i.path == name]  # file order kept


def test_coverage_of_a_cut_workload_is_described() -> None:
    cov = SuiteCoverage(stopped=True, budget=30)
    assert "stopped at the 30 s budget" in (cov.describe("CPU profile") or "")
    assert cov.suffix() == ""


def test_the_profile_budget_fits_the_run_and_the_test_timeout() -> None:
    assert profile_budget(Config()) == 120
    assert profile_budget(Config(**{"budget-minutes": 3})) == 45
    assert profile_budget(Config(**{"profile-budget-seconds": 0.001})) == 0.001
    # (60 s x 0.9 spare - 12 s grace) / 2: the hard stop at 2x budget + grace fits the timeout
    assert profile_budget(Config(**{"test-timeout": 60})) == 21


def test_tests_that_freeze_time_do_not_garble_the_profile(tmp_path: Path) -> None:
    """humanize-style: freezegun swaps every reference to the real clocks, the profiler's too.
    The hot function must still be profiled, and no time may exceed the run's wall time."""
    pytest.importorskip("freezegun")
    root = write(
        tmp_path,
        {
            "hot.py": HOT,
            "tests/test_frozen.py": """
                from freezegun import freeze_time
                from hot import data, lowest

                @freeze_time("2000-01-01")
                def test_frozen():
                    for _ in range(5):
                        assert lowest(data()) == 0

                def test_travel():
                    with freeze_time("1990-01-01") as frozen:
                        for _ in range(5):
                            frozen.tick(3600.0)
                            assert lowest(data()) == 0
            """,
        },
    )
    result = profile(root)
    hot = next(t for t in result.targets if t.ref == "hot:lowest")
    assert hot.total_seconds > 0
    assert all(t.total_seconds < 300 for t in result.targets), result.targets


def test_benchmark_tests_do_not_switch_the_profiler_off(tmp_path: Path) -> None:
    """humanize-style: pytest-benchmark pauses "instrumentation" (sys.setprofile) around each
    timed loop and cannot restore pyinstrument's profiler, so every test after the first
    benchmark went unsampled (0 own functions). Profiling runs benchmarks once, untimed."""
    pytest.importorskip("pytest_benchmark")
    root = big_suite(tmp_path, files=2, tests=2)
    write(
        root,
        {
            "tests/test_a_bench.py": """
                def test_cheap(benchmark):
                    assert benchmark(sorted, [3, 1, 2]) == [1, 2, 3]
            """
        },
    )
    result = profile(root, budget=600)
    assert result.coverage.ran == result.coverage.collected == 5
    assert result.targets and result.targets[0].ref == "hot:lowest"
