"""Run the repo's tests (or a workload script) under a sampling profiler; write per-function times.

Spec: {"root", "mode": "pytest"|"workload", "pytest_args": [...], "workload": [argv...],
"interval": float, "budget": seconds, "grace": seconds, "sampler": "auto"|"thread", "out"}.
Output:
{"functions": [{"file", "function", "line", "total", "self"}], "exit_code", "wall", "sampler",
"samples", "tests": {coverage}} for frames whose file lies under root (the bot filters further).

Memory stays bounded whatever the suite's size: samples are folded into per-function sums as
they arrive (cf_sampler). Time is bounded by the budget: the tests run in a spread order and
stop once it is used (cf_suite); a test still running at twice the budget (plus a grace) after
collection is not waited for: what was sampled so far is written and the process ends.
"""

from __future__ import annotations

import os
import sys
import time

from cf_harness_common import read_spec, write_result
from cf_sampler import Aggregator, Sampler
from cf_suite import Budget, hard_stop, run, shield_clocks

GRACE_SECONDS = 30.0


def main() -> int:
    spec = read_spec()
    shield_clocks()
    root = os.path.abspath(spec["root"])
    aggregator = Aggregator(root)
    interval = float(spec.get("interval", 0.001))
    sampler = Sampler(aggregator, interval, prefer_thread=spec.get("sampler") == "thread")
    start = time.perf_counter()
    watchdog = []

    def result(exit_code: int, cut: bool) -> dict:
        tests = budget.coverage()
        tests["stopped"] = tests["stopped"] or cut
        return {
            "functions": aggregator.rows(),
            "exit_code": exit_code,
            "wall": time.perf_counter() - start,
            "sampler": sampler.kind,
            "samples": aggregator.samples,
            "tests": tests,
        }

    def arm() -> None:
        """Start the hard stop: when the tests start running (or the workload starts)."""
        if budget.seconds and not watchdog:
            deadline = 2 * budget.seconds + float(spec.get("grace", GRACE_SECONDS))
            watchdog.append(hard_stop(deadline, lambda: write_result(spec, result(0, True))))

    budget = Budget(spec.get("budget"), on_collected=arm)
    if spec["mode"] != "pytest":
        arm()
    sampler.start()
    try:
        exit_code = run(spec, budget)
    finally:
        sampler.stop()
        for timer in watchdog:
            timer.cancel()
    write_result(spec, result(exit_code, False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
