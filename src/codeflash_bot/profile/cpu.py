"""CPU profile: the repo's tests (or a workload) under pyinstrument, ranked into Targets."""

from __future__ import annotations

import ast
import fnmatch
import shlex
from pathlib import Path

from codeflash_bot.errors import BotError
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.models import Frozen, Target
from codeflash_bot.profile.budget import SuiteCoverage
from codeflash_bot.sandbox import HarnessError
from codeflash_bot.session.setup import SetupInfo

MODULE_TARGET = "<module>"  # a whole module (structure domain): `pkg.mod:<module>`
MIN_SHARE = 0.002  # functions under 0.2 % of the hottest one are noise
INTERVAL = 0.001  # seconds between samples: fine enough to rank, cheap enough not to distort
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


class CpuProfile(Frozen):
    """Ranked own functions and how much of the suite the profile covered."""

    targets: list[Target]
    coverage: SuiteCoverage
    sampler: str = ""


def profile_cpu(
    runner: HarnessRunner,
    setup: SetupInfo,
    *,
    workload: str | None,
    exclude: list[str],
    timeout: float,
    budget: float | None = None,
    grace: float | None = None,
    mode: dict | None = None,
) -> CpuProfile:
    """Profile the tests (a spread sample when they exceed `budget` s) or the workload, or what
    `mode` names (an input source's run mode, capture/sources.py).

    Samples are aggregated as they arrive (harness/cf_sampler.py), so memory stays bounded
    whatever the suite's size; INTERVAL is coarse enough to keep the profiler's own cost low.
    """
    root = runner.root
    spec: dict = {"root": str(root), "interval": INTERVAL, "budget": budget}
    if grace is not None:
        spec["grace"] = grace  # of the hard stop at 2 x budget (harness/cf_profile.py)
    spec |= mode if mode is not None else run_mode(root, workload)
    try:
        result = runner.run("cf_profile.py", spec, timeout=timeout)
    except HarnessError as exc:
        raise BotError(f"profiling failed: {exc}") from exc
    return CpuProfile(
        targets=rank(result["functions"], setup, root, exclude),
        coverage=SuiteCoverage.from_result(result),
        sampler=result.get("sampler", ""),
    )


def rank(functions: list[dict], setup: SetupInfo, root: Path, exclude: list[str]) -> list[Target]:
    """Turn harness rows (seconds) into Targets, merging rows of the same function."""
    return [
        t.model_copy(update={"total_seconds": total, "self_seconds": own})
        for t, total, own in rank_costs(functions, setup, root, exclude)
    ]


def rank_costs(
    functions: list[dict], setup: SetupInfo, root: Path, exclude: list[str]
) -> list[tuple[Target, float, float]]:
    """(target, total, own) per function, costliest first, in the rows' own unit.

    A profile whose "total"/"self" columns are not seconds (the memory profile's bytes) keeps
    them here, beside Targets whose `*_seconds` stay 0 rather than hold bytes.
    """
    sources: dict[Path, dict[int, str]] = {}
    merged: dict[tuple[str, str], tuple[Target, float, float]] = {}
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
        _, total, own = merged.get(key, (None, 0.0, 0.0))
        target = Target(module=module, qualname=qualname, file=rel, lineno=row["line"])
        merged[key] = (target, total + row["total"], own + row["self"])
    ranked = sorted(merged.values(), key=lambda r: (-r[1], r[0].ref))
    if not ranked:
        return []
    floor = ranked[0][1] * MIN_SHARE
    return [r for r in ranked if r[1] >= floor]


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
