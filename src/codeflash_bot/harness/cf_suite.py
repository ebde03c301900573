"""Run the repo's tests (or a workload) the way the profilers need it: in a time budget, robustly.

Spec keys read here: "mode": "pytest"|"workload", "pytest_args", "workload", "benchmarks_only"
(only the project's pytest-benchmark tests run: cf_benchmarks), "budget" (seconds; absent or
0 = no budget) and "grace" (seconds; see the stop below).

Budget. The tests are collected, then run in a *spread* order: first the first test of every
file, then the rest of each file cut into SPREAD_ROUNDS contiguous chunks, round k running chunk
k of every file (files in bit-reversed index order, so any prefix of a round is spread across
the suite; module and class fixtures are set up at most SPREAD_ROUNDS + 1 times per file).
When the budget (counted from the end of collection) is used up the run stops after the current
test, so what ran is a sample of the whole suite rather than its first files; `Budget.coverage()`
says how much ran, for the report.

Stop. A test that never ends (or a workload, which has no test boundary to stop at) cannot be
stopped between tests: with a grace, `Budget` interrupts the main thread at 2 x budget + grace
after the tests start (`BudgetStop`, a KeyboardInterrupt, so pytest ends the session and
asyncio lets it through), `run()` returns, and the harness writes what it collected so far,
marked as stopped. A run that swallows the interrupt is still killed by the caller's timeout.

Robustness to what real suites configure (only in these profiling runs, never the test gate):
- pytest-xdist would move the tests to worker processes the profiler never sees: `-n`/`--dist`
  are reset to "no distribution" (set on the parsed options, so `-n auto` in addopts stays
  valid where `-p no:xdist` would make it a usage error);
- pytest-randomly's reordering and reseeding and pytest-timeout's per-test limits (profiling
  slows tests down; the thread method would kill the whole process) are switched off the same
  way;
- pytest-benchmark runs each benchmark once, untimed (`--benchmark-disable`): its timing loops
  would eat the budget, and its "pause instrumentation" around them takes sys.setprofile away
  from the profiler and cannot give it back (every later test went unsampled);
- pytest's unraisable/thread-exception plugins are blocked: they turn exceptions raised in
  `__del__` or threads into test failures (or, under memory pressure, "Failed to process
  unraisable exception" crashes); here those only go to stderr.
- our plugin is passed as an object, never `-p module`, so `filterwarnings = error` cannot turn
  pytest's "already imported" assertion-rewrite warning about it into a usage error.
"""

from __future__ import annotations

import os
import runpy
import signal
import sys
import threading
import time

try:
    from pytest import hookimpl
except ImportError:  # workload mode without pytest: the plugin is never registered

    def hookimpl(**_opts):
        return lambda function: function


SPREAD_ROUNDS = 8
ROBUST_ARGS = ["-p", "no:unraisableexception", "-p", "no:threadexception"]
# Parsed-option values that turn plugins off without making their options unknown.
NEUTRAL_OPTIONS = {
    "numprocesses": 0,  # pytest-xdist
    "dist": "no",
    "distload": False,
    "tx": [],
    "looponfail": False,
    "randomly_reorganize": False,  # pytest-randomly
    "randomly_reset_seed": False,
    "timeout": 0,  # pytest-timeout
    "benchmark_disable": True,  # pytest-benchmark: run each benchmark once, untimed
    "benchmark_enable": False,
}


def spread(items: list) -> list:
    """Items reordered so that every prefix samples all files (see the module docstring)."""
    files: dict[str, list] = {}
    for item in items:
        files.setdefault(_file_of(item), []).append(item)
    groups = [files[name] for name in _bit_reversed(list(files))]
    out = [group[0] for group in groups]
    for k in range(SPREAD_ROUNDS):
        for group in groups:
            n = len(group) - 1
            out.extend(group[1 + -(-k * n // SPREAD_ROUNDS) : 1 + -(-(k + 1) * n // SPREAD_ROUNDS)])
    return out


def _bit_reversed(names: list) -> list:
    bits = max(1, (len(names) - 1).bit_length())
    order = sorted(range(len(names)), key=lambda i: int(format(i, f"0{bits}b")[::-1], 2))
    return [names[i] for i in order]


def _file_of(item) -> str:
    path = getattr(item, "path", None) or getattr(item, "fspath", None)
    return str(path) if path is not None else item.nodeid.split("::", 1)[0]


# modules whose clock reads must stay real while a test freezes time (freezegun)
CLOCK_USERS = ["pyinstrument", "cf_sampler", "cf_suite", "cf_profile", "cf_capture_plugin"]


def shield_clocks() -> None:
    """freezegun swaps every reference to the real clocks, pyinstrument's timer included, so a
    test that freezes time made the profile's sample times garbage (humanize: 0 own functions,
    a test module 'taking' 1.5e9 s). Its ignore list makes calls from these modules see real
    time; nothing happens when freezegun is not installed."""
    try:
        import freezegun
    except Exception:
        return
    configure = getattr(freezegun, "configure", None)
    if configure is not None:
        try:
            configure(extend_ignore_list=CLOCK_USERS)
        except Exception:
            return


class BudgetStop(KeyboardInterrupt):
    """Raised in the main thread when the run outlasts its stop (see the module docstring)."""


STOP_SIGNAL = signal.SIGUSR1


class Budget:
    """pytest plugin: spread order, stop when the budget is used, plugins made harmless."""

    def __init__(
        self,
        seconds: float | None,
        started: float | None = None,
        report_path: str = "",
        on_collected=None,
        grace: float | None = None,
    ) -> None:
        self.seconds = seconds or None
        self.grace = grace  # None: no interrupt (the caller has its own stop)
        self._stop_timer: threading.Timer | None = None
        self.report_path = report_path  # where to write coverage() at session end, if anywhere
        self.on_collected = on_collected  # called when the tests start running
        self.started = time.monotonic() if started is None else started
        self.session = None
        self.collected = 0
        self.files_collected = 0
        self.ran = 0
        self.files_ran: set[str] = set()
        self.stopped = False

    @hookimpl(tryfirst=True)
    def pytest_cmdline_main(self, config) -> None:
        for name, value in NEUTRAL_OPTIONS.items():
            if hasattr(config.option, name):
                setattr(config.option, name, value)

    def pytest_sessionstart(self, session) -> None:
        self.session = session

    @hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, session, config, items: list) -> None:
        self.collected = len(items)
        self.files_collected = len({_file_of(item) for item in items})
        if self.seconds:
            items[:] = spread(items)

    def pytest_collection_finish(self, session) -> None:
        # The budget is for running tests: on a loaded machine, collecting (and importing) a
        # big suite can take most of it, which would leave a sample of one test. Collection
        # itself is bounded by the harness's timeout.
        self.started = time.monotonic()
        self.arm_stop()
        if self.on_collected is not None:
            self.on_collected()

    def pytest_runtest_logfinish(self, nodeid: str, location) -> None:
        self.ran += 1
        self.files_ran.add(location[0] if location else nodeid.split("::", 1)[0])
        more = self.ran < self.collected  # not after the last test: nothing was left out
        if more and self.over() and not self.stopped and self.session is not None:
            self.stopped = True
            self.session.shouldstop = "codeflash: profile budget used"

    def pytest_sessionfinish(self, session) -> None:
        if self.report_path:
            import json

            with open(self.report_path, "w", encoding="utf-8") as fh:
                json.dump(self.coverage(), fh)

    def arm_stop(self) -> None:
        """Interrupt the main thread at 2 x budget + grace from now (once; main thread only)."""
        if not self.seconds or self.grace is None or self._stop_timer is not None:
            return
        if threading.current_thread() is not threading.main_thread():
            return
        signal.signal(STOP_SIGNAL, self._on_stop_signal)
        main = threading.main_thread().ident

        def fire() -> None:
            self.stopped = True
            signal.pthread_kill(main, STOP_SIGNAL)

        self._stop_timer = threading.Timer(2 * self.seconds + self.grace, fire)
        self._stop_timer.daemon = True
        self._stop_timer.start()

    def _on_stop_signal(self, _signum, _frame) -> None:
        if self._stop_timer is not None:  # not once disarmed: the result is being written
            raise BudgetStop("codeflash: stopped at the profile budget")

    def disarm_stop(self) -> None:
        """The run ended: no interrupt may land in the code that writes the result."""
        timer, self._stop_timer = self._stop_timer, None
        if timer is not None:
            timer.cancel()

    def over(self) -> bool:
        return bool(self.seconds) and time.monotonic() - self.started > self.seconds

    def coverage(self) -> dict:
        """How much of the suite ran: the harness result's "tests" entry."""
        return {
            "collected": self.collected,
            "ran": self.ran,
            "files_collected": self.files_collected,
            "files_ran": len(self.files_ran),
            "stopped": self.stopped,
            "budget": self.seconds,
        }


def run(spec: dict, budget: Budget) -> int:
    """Run what the spec names; the exit code (pytest's, or the workload's SystemExit).

    Stopped by `BudgetStop` (a never-ending test or workload), it returns what pytest returns
    for an interrupted session, and `budget.coverage()` says the run was stopped.
    """
    try:
        if spec["mode"] == "pytest":
            import pytest

            args = [*ROBUST_ARGS, *spec["pytest_args"]]
            plugins: list = [budget]
            if spec.get("benchmarks_only"):
                from cf_benchmarks import plugins as benchmark_plugins

                plugins += benchmark_plugins()
            return int(pytest.main(args, plugins=plugins))
        return run_workload(spec["workload"], budget)
    except BudgetStop:
        return 2  # pytest's ExitCode.INTERRUPTED
    finally:
        budget.disarm_stop()


def run_workload(argv: list, budget: Budget) -> int:
    """Run a workload script as __main__, its stop armed from its start."""
    sys.argv = list(argv)
    budget.arm_stop()
    try:
        runpy.run_path(argv[0], run_name="__main__")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


def hard_stop(seconds: float | None, finish):
    """After `seconds`, call `finish()` (write what we have) and end the process at once.

    A test that hangs past the budget cannot be interrupted from inside, so the partial
    result is written from a watchdog thread and the process exits with it.
    """
    if not seconds:
        return None
    import threading

    def fire() -> None:
        try:
            finish()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    return timer
