"""CPU profile: the repo's tests (or a workload) under pyinstrument, ranked into Targets."""

from __future__ import annotations

import ast
import fnmatch
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from codeflash_bot.errors import BotError
from codeflash_bot.models import Target
from codeflash_bot.sandbox import (
    MIN_TIMEOUT,
    HarnessError,
    effective_timeout,
    run_harness,
    time_to_end,
)
from codeflash_bot.session.setup import SetupInfo

MODULE_TARGET = "<module>"  # a whole module (structure domain): `pkg.mod:<module>`
MIN_SHARE = 0.002  # functions under 0.2 % of the hottest one are noise
# The harness interrupts the run itself shortly before its time is up and then builds the profile
# of what ran, which may take as long again on a loaded machine (pyinstrument samples every
# 0.1 ms): it may run that long past the phase's deadline (taking time from later phases, never
# past the end of the budget), so a profile cut short still reports what it saw.
SOFT_STOP_MARGIN = 2.0
MIN_REPORT_GRACE = 10.0
SKIP_PARTS = {"venv", ".venv", "env", "build", "dist", "node_modules", "site-packages"}


def module_name(rel: Path, pythonpath: list[str]) -> str | None:
    """Dotted import name of a repo-relative .py file, or None if not importable from the roots."""
    for root in sorted(pythonpath, key=len, reverse=True):
        base = Path(root)
        try:
            inner = rel.relative_to(base) if root != "." else rel
        except ValueError:
            continue
        parts = list(inner.with_suffix("").parts)
        if parts and parts[-1] == "__init__":
            parts.pop()
        if parts and all(p.isidentifier() for p in parts):
            return ".".join(parts)
    return None


def functions_in(source: str) -> dict[int, str]:
    """Line -> qualname for module-level functions and methods (decorator lines map too)."""
    out: dict[int, str] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                qual = prefix + node.name
                out[node.lineno] = qual
                for deco in node.decorator_list:
                    out.setdefault(deco.lineno, qual)
            elif isinstance(node, ast.ClassDef):
                visit(node.body, prefix + node.name + ".")

    try:
        visit(ast.parse(source).body, "")
    except SyntaxError:
        return {}
    return out


def is_candidate_file(rel: Path, setup: SetupInfo, exclude: list[str]) -> bool:
    """Own code only: not tests, conftest, benchmarks, or a user-excluded pattern."""
    text = rel.as_posix()
    name = rel.name
    if name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"):
        return False
    if any(part in ("tests", "test", "benchmarks", ".codeflash") for part in rel.parts[:-1]):
        return False
    if text in setup.tests_found:
        return False
    return not any(fnmatch.fnmatch(text, pat) for pat in exclude)


def pytest_args(tests: list[str] | None = None) -> list[str]:
    """Quiet pytest that ignores the repo's cache and our own state directory.

    A test module that fails to import must not stop the others from running (profiling,
    capture and the test gate alike): the baseline gate reports such modules instead.
    """
    flags = [
        "-q",
        "-p",
        "no:cacheprovider",
        "--ignore=.codeflash",
        "--continue-on-collection-errors",
    ]
    return [*flags, *(tests or [])]


def workload_argv(root: Path, workload: str) -> list[str]:
    """`--workload "python bench.py -n 3"` -> [absolute script, args...]; it must be in the repo."""
    argv = shlex.split(workload)
    if argv and Path(argv[0]).name.startswith("python"):
        argv = argv[1:]
    if not argv or not (root / argv[0]).is_file():
        raise BotError(f"--workload must name a Python script in the repo: {workload!r}")
    return [str(root / argv[0]), *argv[1:]]


def run_mode(root: Path, workload: str | None) -> dict:
    """The harness spec part saying what to run: the workload script, or the repo's tests."""
    if workload:
        return {"mode": "workload", "workload": workload_argv(root, workload)}
    return {"mode": "pytest", "pytest_args": pytest_args()}


def profile_cpu(
    setup: SetupInfo,
    root: Path,
    *,
    workload: str | None,
    exclude: list[str],
    timeout: float,
    memory_mb: int,
    on_cut: Callable[[str], None] | None = None,
) -> list[Target]:
    """Run the profile and return the repo's own functions, hottest (own + child time) first.

    The run is interrupted at `soft_stop(timeout)` (`timeout` already cut to the run's
    deadline); the profile of what ran until then is still ranked, and `on_cut` hears that it
    was cut short.
    """
    stop = SoftStop.within(timeout)
    stop_after = stop.after
    spec: dict = {"root": str(root), "interval": 0.0001, "stop_at": stop.at}
    spec |= run_mode(root, workload)
    try:
        result = run_harness(
            "cf_profile.py",
            spec,
            python=setup.python,
            cwd=root,
            env=setup.env(root),
            timeout=stop.timeout,
            memory_mb=memory_mb,
            grace=stop.grace,
        )
    except HarnessError as exc:
        raise BotError(f"profiling failed: {exc}") from exc
    targets = rank(result["functions"], setup, root, exclude)
    if result.get("cut_short") and on_cut is not None:
        seen = f"{len(targets)} function(s) of the repo" if targets else "nothing of the repo"
        on_cut(f"the profile was interrupted after {stop_after:.0f} s and saw {seen}")
    return targets


@dataclass(frozen=True)
class SoftStop:
    """When a profiling harness interrupts itself (`at`, for its spec's "stop_at") and how long
    it may then take to report (`grace`, also past the run's deadline); `timeout` is the kill."""

    at: float
    after: float
    grace: float
    timeout: float

    @classmethod
    def within(cls, timeout: float) -> SoftStop:
        """For a harness given `timeout` (cut first to the run's deadline)."""
        allowed = effective_timeout(timeout)
        after = soft_stop(allowed)
        grace = max(MIN_REPORT_GRACE, after)
        if (left := time_to_end()) is not None:  # past the phase, never past the budget
            grace = max(MIN_TIMEOUT, min(grace, left - after))
        # absolute (the monotonic clock is system-wide): the child's start-up counts too
        return cls(at=time.monotonic() + after, after=after, grace=grace, timeout=allowed + grace)


def soft_stop(timeout: float) -> float:
    """When a harness given `timeout` should interrupt its own run (see SOFT_STOP_MARGIN)."""
    return max(0.5, timeout - min(SOFT_STOP_MARGIN, timeout * 0.1))


def rank(functions: list[dict], setup: SetupInfo, root: Path, exclude: list[str]) -> list[Target]:
    """Turn harness rows into Targets, merging rows of the same function."""
    sources: dict[Path, dict[int, str]] = {}
    merged: dict[tuple[str, str], Target] = {}
    for row in functions:
        path = Path(row["file"])
        try:
            rel = path.resolve().relative_to(root.resolve())
        except ValueError:
            continue
        if not is_candidate_file(rel, setup, exclude):
            continue
        module = module_name(rel, setup.pythonpath)
        if module is None:
            continue
        if path not in sources:
            sources[path] = functions_in(path.read_text(encoding="utf-8", errors="replace"))
        qualname = sources[path].get(row["line"])
        if qualname is None:
            continue
        key = (module, qualname)
        prev = merged.get(key)
        total = row["total"] + (prev.total_seconds if prev else 0.0)
        own = row["self"] + (prev.self_seconds if prev else 0.0)
        merged[key] = Target(
            module=module,
            qualname=qualname,
            file=rel,
            lineno=row["line"],
            total_seconds=total,
            self_seconds=own,
        )
    ranked = sorted(merged.values(), key=lambda t: (-t.total_seconds, t.ref))
    if not ranked:
        return []
    floor = ranked[0].total_seconds * MIN_SHARE
    return [t for t in ranked if t.total_seconds >= floor]


def own_functions(root: Path, setup: SetupInfo, exclude: list[str]) -> list[Target]:
    """Every module-level function and method of the repo's own importable code (static scan)."""
    found: list[Target] = []
    for base in setup.pythonpath:
        for path in sorted((root / base).rglob("*.py")):
            rel = path.relative_to(root)
            if any(p in SKIP_PARTS or p.startswith(".") for p in rel.parts[:-1]):
                continue
            if not is_candidate_file(rel, setup, exclude):
                continue
            module = module_name(rel, setup.pythonpath)
            if module is None:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            seen: set[str] = set()
            for line, qual in sorted(functions_in(text).items()):
                if qual not in seen:
                    seen.add(qual)
                    found.append(Target(module=module, qualname=qual, file=rel, lineno=line))
        if base == ".":
            break
    unique = {t.ref: t for t in found}
    return list(unique.values())


def resolve_target(spec: str, root: Path, setup: SetupInfo) -> Target:
    """`pkg.mod:func`, `pkg.mod:Class.method` or `path/to/file.py::func` -> Target, or BotError."""
    if "::" in spec:
        file_part, qualname = spec.split("::", 1)
        rel = Path(file_part)
        if rel.is_absolute() or ".." in rel.parts:
            raise BotError(f"unknown target {spec!r}: the path must be inside the repository")
        module = module_name(rel, setup.pythonpath)
        if module is None:
            raise BotError(f"unknown target {spec!r}: {file_part} is not an importable module")
    elif ":" in spec:
        module, qualname = spec.split(":", 1)
        rel = _file_of(module, root, setup)
    else:
        raise BotError(f"unknown target {spec!r}: use module:function or path.py::function")
    path = root / rel
    if not path.is_file():
        raise BotError(f"unknown target {spec!r}: {rel} does not exist")
    if qualname == MODULE_TARGET:
        return Target(module=module, qualname=qualname, file=rel, lineno=1)
    table = functions_in(path.read_text(encoding="utf-8", errors="replace"))
    lines = [line for line, q in table.items() if q == qualname]
    if not lines:
        raise BotError(f"unknown target {spec!r}: no function {qualname} in {rel}")
    return Target(module=module, qualname=qualname, file=rel, lineno=min(lines))


def _file_of(module: str, root: Path, setup: SetupInfo) -> Path:
    parts = module.split(".")
    if not all(p.isidentifier() for p in parts):
        raise BotError(f"unknown target: {module!r} is not a module name")
    for base in setup.pythonpath:
        for rel in (Path(base, *parts).with_suffix(".py"), Path(base, *parts, "__init__.py")):
            if (root / rel).is_file():
                return Path(*[p for p in rel.parts if p != "."])
    raise BotError(f"unknown target: module {module!r} not found in the repository")
