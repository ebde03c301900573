"""Run the repo's tests (or a workload script) under pyinstrument; write per-function times.

Spec: {"root", "mode": "pytest"|"workload", "pytest_args": [...], "workload": [argv...],
"interval": float, "stop_at": a time.monotonic() value (optional), "out"}.
Output: {"functions": [{"file", "function", "line", "total", "self"}], "exit_code", "wall",
"cut_short"} for frames whose file lies under root (the bot filters further). At `stop_at` the
run is interrupted and the profile of what ran until then is written, with "cut_short": true.
Total time counts a function once per stack path (recursion is not double-counted).
"""

from __future__ import annotations

import os
import runpy
import sys
import time

from cf_harness_common import (
    DeadlineReached,
    arm_deadline,
    disarm_deadline,
    read_spec,
    write_result,
)


def _walk(frame, root: str, stats: dict, active: set) -> None:
    key = None
    path = frame.file_path
    if not frame.is_synthetic and path and os.path.abspath(path).startswith(root):
        key = (os.path.abspath(path), frame.function, frame.line_no)
        entry = stats.setdefault(key, {"total": 0.0, "self": 0.0})
        entry["self"] += frame.total_self_time
        if key not in active:
            entry["total"] += frame.time
    if key is not None:
        active = active | {key}
    for child in frame.children:
        _walk(child, root, stats, active)


def main() -> int:
    spec = read_spec()
    from pyinstrument import Profiler

    root = os.path.abspath(spec["root"]) + os.sep
    profiler = Profiler(interval=spec.get("interval", 0.0005))
    exit_code = 0
    start = time.perf_counter()
    arm_deadline(spec)
    profiler.start()
    try:
        if spec["mode"] == "pytest":
            import pytest

            exit_code = int(pytest.main(spec["pytest_args"]))
        else:
            argv = spec["workload"]
            sys.argv = list(argv)
            try:
                runpy.run_path(argv[0], run_name="__main__")
            except SystemExit as exc:
                code = exc.code
                exit_code = code if isinstance(code, int) else (0 if code is None else 1)
    except DeadlineReached:
        exit_code = -1
    finally:
        cut_short = disarm_deadline()
        session = profiler.stop()
    wall = time.perf_counter() - start
    stats: dict = {}
    root_frame = session.root_frame()
    if root_frame is not None:
        _walk(root_frame, root, stats, set())
    functions = [
        {"file": k[0], "function": k[1], "line": k[2], "total": v["total"], "self": v["self"]}
        for k, v in stats.items()
    ]
    result = {"functions": functions, "exit_code": exit_code, "wall": wall, "cut_short": cut_short}
    write_result(spec, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
