"""Run the repo's tests (or a workload) and attribute peak memory to the repo's own functions.

Spec: {"root", "mode": "pytest"|"workload", "pytest_args": [...], "workload": [argv...],
"method": "memray"|"tracemalloc", "budget": seconds, "out"}. Output: {"functions": [{"file",
"function", "line", "total", "self"}], "exit_code", "method", "peak", "tests": {coverage}}
where `line` is the function's `def` line, `total` the bytes attributed to it (inclusive:
counted once per allocation site whose stack passes through it) and `self` the bytes where it
is the innermost function under `root`.

- memray (preferred): the run is tracked with `memray.Tracker` (aggregated file format) and the
  high-water-mark allocation records, the allocations alive at the process's peak, are
  attributed by stack. That answers "who holds memory when the run peaks".
- tracemalloc (fallback when memray is missing): a profile hook watches calls of functions
  under `root`; each call's peak above the memory traced at its entry is measured with
  `tracemalloc.reset_peak` (the caller's peak is carried over, so nesting stays exact), and a
  function's figure is its largest call. That answers "which call needed the most memory".

The tests run within the budget in a spread order (cf_suite), like the CPU profile; a test or
workload still running at 2 x budget + "grace" is interrupted and the memory seen so far is
reported, marked as stopped (cf_suite's stop).
"""

from __future__ import annotations

import ast
import os
import sys
import tempfile

from cf_harness_common import read_spec, write_result
from cf_suite import Budget, run


class Functions:
    """Maps (file, line) to the innermost enclosing `def` of a file under root."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._ranges: dict[str, list[tuple[int, int, int, str]]] = {}

    def owns(self, path: str) -> bool:
        return bool(path) and os.path.abspath(path).startswith(self.root)

    def enclosing(self, path: str, line: int) -> tuple[int, str] | None:
        path = os.path.abspath(path)
        if path not in self._ranges:
            self._ranges[path] = _def_ranges(path)
        best = None
        for start, end, def_line, name in self._ranges[path]:
            if start <= line <= end and (best is None or start >= best[0]):
                best = (start, def_line, name)
        return None if best is None else (best[1], best[2])


def _def_ranges(path: str) -> list[tuple[int, int, int, str]]:
    try:
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read())
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return []
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            out.append((first, node.end_lineno or node.lineno, node.lineno, node.name))
    return out


def _add(stats: dict, key: tuple, total: int, own: int) -> None:
    entry = stats.setdefault(key, {"total": 0, "self": 0})
    entry["total"] += total
    entry["self"] += own


def profile_memray(spec: dict, funcs: Functions, budget: Budget) -> tuple[int, dict, int]:
    import memray

    fmt = getattr(memray, "FileFormat", None)
    with tempfile.TemporaryDirectory(prefix="cf-memray-") as tmp:
        path = os.path.join(tmp, "run.bin")
        kwargs = {"file_format": fmt.AGGREGATED_ALLOCATIONS} if fmt is not None else {}
        with memray.Tracker(path, **kwargs):
            exit_code = run(spec, budget)
        reader = memray.FileReader(path)
        peak = int(reader.metadata.peak_memory)
        stats: dict = {}
        for record in reader.get_high_watermark_allocation_records(merge_threads=True):
            seen = set()
            innermost = None
            for _function, filename, line in record.stack_trace():
                if not funcs.owns(filename):
                    continue
                found = funcs.enclosing(filename, line)
                if found is None:
                    continue
                key = (os.path.abspath(filename), found[1], found[0])
                if innermost is None:
                    innermost = key
                if key not in seen:
                    seen.add(key)
                    _add(stats, key, record.size, record.size if key == innermost else 0)
    return exit_code, stats, peak


def profile_tracemalloc(spec: dict, funcs: Functions, budget: Budget) -> tuple[int, dict, int]:
    import tracemalloc

    stats: dict = {}
    # One entry per own-code call in progress: [frame, key, traced at entry, carried peak].
    # tracemalloc has one global peak; a callee resets it, so the caller's peak up to the call
    # is carried in its entry and folded back in when the caller returns.
    stack: list[list] = []
    owned: dict[str, bool] = {}

    def hook(frame, event, _arg):
        if event not in ("call", "return"):
            return
        filename = frame.f_code.co_filename
        if filename not in owned:
            owned[filename] = funcs.owns(filename)
        if not owned[filename]:
            return
        if event == "call":
            found = funcs.enclosing(filename, frame.f_code.co_firstlineno)
            if found is None:
                return
            current, peak = tracemalloc.get_traced_memory()
            if stack:
                stack[-1][3] = max(stack[-1][3], peak)
            tracemalloc.reset_peak()
            key = (os.path.abspath(filename), found[1], found[0])
            stack.append([frame, key, current, 0])
        elif stack and stack[-1][0] is frame:
            _, key, entry, carried = stack.pop()
            peak = max(tracemalloc.get_traced_memory()[1], carried)
            entry_stats = stats.setdefault(key, {"total": 0, "self": 0})
            entry_stats["total"] = max(entry_stats["total"], peak - entry)
            if stack:
                stack[-1][3] = max(stack[-1][3], peak)

    tracemalloc.start()
    sys.setprofile(hook)
    try:
        exit_code = run(spec, budget)
    finally:
        sys.setprofile(None)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return exit_code, stats, peak


def main() -> int:
    spec = read_spec()
    root = os.path.abspath(spec["root"]) + os.sep
    funcs = Functions(root)
    method = spec.get("method", "memray")
    if method == "memray":
        try:
            import memray  # noqa: F401
        except ImportError:
            method = "tracemalloc"
    budget = Budget(spec.get("budget"), grace=spec.get("grace"))
    if method == "memray":
        exit_code, stats, peak = profile_memray(spec, funcs, budget)
    else:
        exit_code, stats, peak = profile_tracemalloc(spec, funcs, budget)
    functions = [
        {"file": k[0], "function": k[1], "line": k[2], "total": v["total"], "self": v["self"]}
        for k, v in stats.items()
    ]
    write_result(
        spec,
        {
            "functions": functions,
            "exit_code": exit_code,
            "method": method,
            "peak": peak,
            "tests": budget.coverage(),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
