"""Run the repo's tests (or a workload) with asyncio debug mode; find event-loop blocking.

Spec: {"files": [abs paths of the repo's own modules], "threshold": seconds, "coroutines":
[{"module", "qualname"}], "mode": "pytest"|"workload", "pytest_args": [...], "workload":
[argv...], "budget": seconds, "grace": seconds, "out"}. The tests run within the budget in a
spread order (cf_suite); a test or workload still running at 2 x budget + grace is interrupted
and what was seen so far is reported, marked as stopped.

Every event loop created runs in debug mode with `slow_callback_duration = threshold`; each
"Executing <handle> took X seconds" warning asyncio logs is attributed to the innermost
coroutine of the repo's own code in the running task's await chain (or to the callback itself).
The listed coroutine functions are wrapped to add up their wall time (how long callers waited).
Output: {"slow": [{"file", "line", "name", "seconds", "count"}], "wall": [{"module",
"qualname", "seconds", "calls"}], "exit_code", "tests": {coverage}}.
"""

from __future__ import annotations

import asyncio
import asyncio.base_events
import functools
import importlib
import logging
import os
import sys
import time
import weakref

from cf_harness_common import read_spec, write_result
from cf_suite import Budget, run

_SLOW_MESSAGE = "Executing %s took %.3f seconds"
# task -> (code, monotonic time) of the wrapped own coroutine that last returned in it: a
# coroutine that blocks and then returns in one step is gone from the await chain afterwards.
_EXITS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class _SlowCallbacks(logging.Handler):
    """Receives asyncio's slow-callback warnings while the handle is still current."""

    def __init__(self, own_files: set) -> None:
        super().__init__(level=logging.WARNING)
        self.own = own_files
        self.rows: dict = {}

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg != _SLOW_MESSAGE or not record.args:
            return
        try:
            seconds = float(record.args[1])
            code = self._culprit(time.monotonic() - seconds - 1e-4)
        except Exception:
            return
        if code is None:
            return
        key = (code.co_filename, code.co_firstlineno, code.co_name)
        row = self.rows.setdefault(key, {"seconds": 0.0, "count": 0})
        row["seconds"] += seconds
        row["count"] += 1

    def _culprit(self, step_start: float):
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        handle = getattr(loop, "_current_handle", None)
        callback = getattr(handle, "_callback", None)
        if callback is None:
            return None
        task = getattr(callback, "__self__", None)
        if isinstance(task, asyncio.Task):
            found = None
            coro = task.get_coro()
            while coro is not None:
                code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
                if code is not None and self._is_own(code.co_filename):
                    found = code
                coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
            exited = _EXITS.pop(task, None)
            if found is None and exited is not None and exited[1] >= step_start:
                found = exited[0]
            return found
        code = getattr(callback, "__code__", None)
        return code if code is not None and self._is_own(code.co_filename) else None

    def _is_own(self, filename: str) -> bool:
        return os.path.abspath(filename) in self.own


def _debug_every_loop(threshold: float) -> None:
    original_init = asyncio.base_events.BaseEventLoop.__init__

    @functools.wraps(original_init)
    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.set_debug(True)
        self.slow_callback_duration = threshold

    asyncio.base_events.BaseEventLoop.__init__ = init
    # asyncio.run(debug=None) leaves the loop's own setting alone, so the patch above holds.


def _wall_timer(func, row: dict):
    @functools.wraps(func)
    async def timed(*args, **kwargs):
        start = time.perf_counter()
        coro = func(*args, **kwargs)
        try:
            return await coro
        finally:
            row["seconds"] += time.perf_counter() - start
            row["calls"] += 1
            task = asyncio.current_task()
            if task is not None:
                _EXITS[task] = (coro.cr_code, time.monotonic())

    return timed


def _wrap_coroutines(targets: list) -> list:
    rows = []
    for target in targets:
        try:
            module = importlib.import_module(target["module"])
            owner = module
            parts = target["qualname"].split(".")
            for part in parts[:-1]:
                owner = getattr(owner, part)
            raw = owner.__dict__.get(parts[-1])
            if raw is None or not asyncio.iscoroutinefunction(raw):
                continue
        except Exception:
            continue
        row = {"module": target["module"], "qualname": target["qualname"]}
        row.update({"seconds": 0.0, "calls": 0})
        setattr(owner, parts[-1], _wall_timer(raw, row))
        rows.append(row)
    return rows


def main() -> int:
    spec = read_spec()
    own = {os.path.abspath(f) for f in spec["files"]}
    _debug_every_loop(float(spec.get("threshold", 0.001)))
    handler = _SlowCallbacks(own)
    logger = logging.getLogger("asyncio")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    wall = _wrap_coroutines(spec.get("coroutines", []))
    budget = Budget(spec.get("budget"), grace=spec.get("grace"))
    exit_code = run(spec, budget)
    slow = [
        {"file": k[0], "line": k[1], "name": k[2], "seconds": v["seconds"], "count": v["count"]}
        for k, v in handler.rows.items()
    ]
    result = {"slow": slow, "wall": wall, "exit_code": exit_code, "tests": budget.coverage()}
    write_result(spec, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
