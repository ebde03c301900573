"""Memory and async profiles and input capture stop a never-ending workload or test by themselves.

Each test runs the real harness in a child interpreter on a workload (or test) that never ends,
with a 1 ms budget and a 2 s grace: cf_suite's stop interrupts it at 2 x budget + grace and the
harness writes what it collected until then, marked as stopped. The outer timeout is only the
failure mode (HarnessError) and is never reached when the stop works; nothing here reads a clock.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from codeflash_bot.capture import capture_inputs
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.models import Target
from codeflash_bot.profile.budget import SuiteCoverage
from codeflash_bot.profile.cpu import run_mode
from codeflash_bot.session.setup import SetupInfo
from tests.support.setup_info import configured_setup

TINY_BUDGET = 0.001
GRACE = 2.0
FAILURE_TIMEOUT = 240  # only reached when the stop is broken

GROW = """
    def grow(n):
        return [bytes(100) for _ in range(n)]
"""
FOREVER = """
    import time

    from grow import grow

    kept = []
    while True:
        kept.append(grow(5000))
        del kept[:-3]
        time.sleep(0.01)
"""
HANGING_TEST = """
    import time

    from grow import grow


    def test_hangs():
        assert len(grow(5000)) == 5000
        while True:
            time.sleep(1)
"""
ASYNC_FOREVER = """
    import asyncio

    from ticker import tick


    async def main():
        while True:
            await tick(3)


    asyncio.run(main())
"""
TICKER = """
    import asyncio


    async def tick(n):
        await asyncio.sleep(0.001)
        return n
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def setup_for(root: Path) -> SetupInfo:
    return configured_setup()


def harness(script: str, root: Path, spec: dict) -> dict:
    runner = HarnessRunner.for_project(setup_for(root), root, None)
    spec = {"budget": TINY_BUDGET, "grace": GRACE, **spec}
    return runner.run(script, spec, timeout=FAILURE_TIMEOUT)


@pytest.mark.parametrize("method", ["tracemalloc", "memray"])
def test_memory_profile_of_a_never_ending_workload_keeps_what_it_saw(
    tmp_path: Path, method: str
) -> None:
    if method == "memray":
        pytest.importorskip("memray")
    root = write(tmp_path, {"grow.py": GROW, "bench/forever.py": FOREVER})
    spec = {"root": str(root), "method": method, **run_mode(root, "python bench/forever.py")}
    out = harness("cf_memprofile.py", root, spec)
    assert out["method"] == method
    assert out["tests"]["stopped"]
    assert any(r["function"] == "grow" and r["total"] > 0 for r in out["functions"])
    line = SuiteCoverage.from_result(out).describe("memory profile")
    assert line is not None and "memory profile: stopped at the 0.001 s budget" in line


def test_memory_profile_of_a_never_ending_test_keeps_what_it_saw(tmp_path: Path) -> None:
    root = write(tmp_path, {"grow.py": GROW, "tests/test_hangs.py": HANGING_TEST})
    spec = {"root": str(root), "method": "tracemalloc", **run_mode(root, None)}
    out = harness("cf_memprofile.py", root, spec)
    assert out["tests"]["stopped"] and out["tests"]["collected"] == 1
    assert any(r["function"] == "grow" and r["total"] > 0 for r in out["functions"])


def test_async_profile_of_a_never_ending_workload_keeps_what_it_saw(tmp_path: Path) -> None:
    root = write(tmp_path, {"ticker.py": TICKER, "bench/forever.py": ASYNC_FOREVER})
    spec = {
        "files": [str(root / "ticker.py")],
        "threshold": 0.001,
        "coroutines": [{"module": "ticker", "qualname": "tick"}],
        **run_mode(root, "python bench/forever.py"),
    }
    out = harness("cf_async_profile.py", root, spec)
    assert out["tests"]["stopped"]
    (row,) = [r for r in out["wall"] if r["qualname"] == "tick"]
    assert row["calls"] > 0


@pytest.mark.parametrize("workload", ["python bench/forever.py", None])
def test_capture_of_a_never_ending_run_keeps_the_inputs_and_says_it_stopped(
    tmp_path: Path, workload: str | None
) -> None:
    root = write(
        tmp_path,
        {"grow.py": GROW, "bench/forever.py": FOREVER, "tests/test_hangs.py": HANGING_TEST},
    )
    target = Target(module="grow", qualname="grow", file=Path("grow.py"), lineno=1)
    counts, coverage = capture_inputs(
        HarnessRunner.for_project(setup_for(root), root, 2048),
        [target],
        tmp_path / "corpus",
        workload=workload,
        timeout=FAILURE_TIMEOUT,
        budget=TINY_BUDGET,
        grace=GRACE,
    )
    assert counts["grow:grow"] == 1  # the same input every call: stored once
    assert coverage.stopped and coverage.budget == TINY_BUDGET
    line = coverage.describe("capture") or ""
    if workload:
        assert "capture: stopped at the 0.001 s budget" in line
    else:  # the one test was interrupted, so none counts as run
        assert coverage.ran == 0 and coverage.collected == 1
        assert "capture: the whole suite would exceed the 0.001 s budget" in line
