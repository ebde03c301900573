"""`compare BASE HEAD`: run the same pytest-benchmark tests at two refs and tabulate them.

Each ref is checked out in its own detached worktree under a temp dir and benchmarked by the
target's interpreter with PYTHONPATH pointing at that worktree's source dirs, so the two runs
differ only in the code. Passes are interleaved (base, head, head, base, ...) and the best
(minimum) value of each side is reported, per MEASUREMENT.md: min is the statistic that stays
stable under load. Worktrees are removed in a `finally`, so also on failure and Ctrl-C.

Every way this can fail that a user can fix is a `BotError` with one line naming the fix
(`DIAGNOSTICS` below lists them; the tests share these strings).
"""

from __future__ import annotations

import json
import shutil
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError
from rich.table import Table

from codeflash_bot.config import load_config
from codeflash_bot.errors import BotError
from codeflash_bot.git import Git, open_repo
from codeflash_bot.models import Frozen
from codeflash_bot.prep.target_env import Deadline, TargetEnv, Timeout, resolve_env, run_python
from codeflash_bot.session.recovery import scratch_dir
from codeflash_bot.session.setup import pip_install
from codeflash_bot.session.workspace import copy_ignored_sources

PYTEST_FLAGS = ("-q", "-p", "no:cacheprovider", "--rootdir", ".")
BENCH_FLAGS = (
    "--benchmark-only",
    "--benchmark-min-rounds=5",
    "--benchmark-max-time=0.5",
    "--benchmark-sort=name",
)
MEMORY_FLAGS = ("--benchmark-disable", "-p", "codeflash_compare_memory")
SLOW_COLLECTION_SECONDS = 10.0
MEMORY_PLUGIN = "codeflash_compare_memory"

# One-line diagnostics (format fields filled at raise time); tests match on these prefixes.
NOT_INSTALLED = "{tool} is not installed in the target environment ({python}): run `{fix}`"
BAD_REF = "bad ref {ref!r}: not a commit in {repo} (check `git branch --list` or use a sha)"
NO_BENCH_ROOT = (
    "benchmarks root {root} does not exist at {refs}: run `codeflash-bot prepare-pr` to "
    "generate benchmarks, or set `benchmarks-root` in [tool.codeflash-bot]"
)
NO_BENCHMARKS = (
    "no benchmark files (test_*.py) under {root} at {ref}: run `codeflash-bot prepare-pr`"
)
MISSING_AT_REF = (
    "benchmark {file} is missing at {ref} ({side}): rerun with `--inject {inject}` to copy "
    "it from {other} into both worktrees"
)
CANNOT_IMPORT = (
    "the worktree of {ref} cannot import {name} ({error}): install the project's dependencies "
    "into {python}{install} or set `python` in [tool.codeflash-bot]"
)
SHADOWED = (
    "at {ref}, `import {name}` loads {file} instead of the worktree's copy: uninstall that "
    "copy from {python} or install the project editable (`pip install -e .`)"
)
CONFTEST_BROKEN = (
    "collecting benchmarks at {ref} failed in {conftest}: {error}; fix that conftest.py "
    "(it is loaded before every benchmark run)"
)
COLLECTION_FAILED = "collecting benchmarks at {ref} failed: {error}"
NOTHING_COLLECTED = "no benchmarks collected at {ref} from {files}: are they named test_*?"
SLOW_COLLECTION = (
    "collecting benchmarks at {ref} took {seconds:.1f}s: a heavy conftest.py? it is paid on "
    "every run; move slow fixtures out of the benchmarks' path"
)
TIMED_OUT = "compare timed out after {timeout:.0f}s while {doing} at {ref}: raise --timeout{hint}"
BENCH_FAILED = "benchmark failed at {ref}: {error}; a benchmark must pass at both refs"
DIAGNOSTICS = (
    NOT_INSTALLED,
    BAD_REF,
    NO_BENCH_ROOT,
    NO_BENCHMARKS,
    MISSING_AT_REF,
    CANNOT_IMPORT,
    SHADOWED,
    CONFTEST_BROKEN,
    COLLECTION_FAILED,
    NOTHING_COLLECTED,
    TIMED_OUT,
    BENCH_FAILED,
)

_TOOLS_PROBE = """
import importlib.util, platform
missing = [m for m in ("pytest", "pytest_benchmark") if importlib.util.find_spec(m) is None]
print(platform.python_version(), *missing)
"""

_IMPORT_PROBE = """
import importlib, json, os, sys
out_path, names = sys.argv[1], sys.argv[2:]
result = {}
for name in names:
    try:
        mod = importlib.import_module(name)
        where = getattr(mod, "__file__", None) or next(iter(getattr(mod, "__path__", [])), "")
        result[name] = {"ok": True, "file": os.path.realpath(where) if where else ""}
    except BaseException as exc:
        result[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}".splitlines()[0]}
with open(out_path, "w", encoding="utf-8") as fh:
    json.dump(result, fh)
"""


# --- pytest-benchmark JSON ------------------------------------------------------------------
class BenchStats(BaseModel):
    """`benchmarks[].stats` of pytest-benchmark's JSON (seconds)."""

    model_config = ConfigDict(extra="ignore")

    min: float
    max: float
    mean: float
    median: float
    stddev: float
    rounds: int
    iterations: int = 1


class BenchEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str
    fullname: str
    group: str | None = None
    stats: BenchStats


class BenchReport(BaseModel):
    """Top level of `--benchmark-json` output (pytest-benchmark 4/5)."""

    model_config = ConfigDict(extra="ignore")

    machine_info: dict[str, object] = {}
    benchmarks: list[BenchEntry]
    datetime: str = ""
    version: str = ""


# --- result ---------------------------------------------------------------------------------
class CompareRow(Frozen):
    """One benchmark at both refs. speedup = base min / head min (>1 means head is faster)."""

    name: str
    fullname: str
    base_min: float
    base_median: float
    head_min: float
    head_median: float
    base_peak: int | None = None
    head_peak: int | None = None

    @property
    def speedup(self) -> float:
        return self.base_min / self.head_min if self.head_min > 0 else float("inf")

    @property
    def memory_delta_pct(self) -> float | None:
        if self.base_peak is None or self.head_peak is None or self.base_peak == 0:
            return None
        return (self.head_peak - self.base_peak) / self.base_peak * 100.0


class CompareResult(Frozen):
    """Everything `compare` measured, plus the exact commands to reproduce it."""

    base: str
    head: str
    base_sha: str
    head_sha: str
    python: str
    python_version: str
    memory: bool
    passes: int
    rows: list[CompareRow]
    benchmark_files: list[str]
    injected: list[str]
    pytest_args: list[str]
    command: str
    warnings: list[str]

    def table(self) -> Table:
        """Rich table for the terminal."""
        table = Table(
            title=f"compare {self.base} ({self.base_sha}) → {self.head} ({self.head_sha})",
            title_justify="left",
        )
        for col in self.columns():
            first = col == "benchmark"
            table.add_column(col, justify="left" if first else "right", no_wrap=first)
        for cells in self.cells():
            table.add_row(*cells)
        return table

    def columns(self) -> list[str]:
        cols = ["benchmark", "base min", "base median", "head min", "head median", "speedup"]
        if self.memory:
            cols += ["base peak", "head peak", "peak delta"]
        return cols

    def cells(self) -> list[list[str]]:
        """Formatted cells, shared by the terminal table and the PR body."""
        out: list[list[str]] = []
        for r in self.rows:
            row = [
                r.name,
                fmt_seconds(r.base_min),
                fmt_seconds(r.base_median),
                fmt_seconds(r.head_min),
                fmt_seconds(r.head_median),
                fmt_speedup(r.speedup),
            ]
            if self.memory:
                delta = r.memory_delta_pct
                row += [
                    fmt_bytes(r.base_peak),
                    fmt_bytes(r.head_peak),
                    "-" if delta is None else f"{delta:+.1f}%",
                ]
            out.append(row)
        return out

    def markdown(self) -> str:
        """GitHub-flavoured markdown table of the same cells."""
        cols = self.columns()
        lines = ["| " + " | ".join(cols) + " |"]
        lines.append("|" + "|".join(":---" if c == "benchmark" else "---:" for c in cols) + "|")
        for cells in self.cells():
            lines.append("| " + " | ".join([f"`{cells[0]}`", *cells[1:]]) + " |")
        return "\n".join(lines)

    def row_for(self, test_name: str) -> CompareRow | None:
        return next((r for r in self.rows if r.name == test_name), None)


def fmt_seconds(value: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns"


def fmt_bytes(value: int | None) -> str:
    if value is None:
        return "-"
    size = float(value)
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.2f} GiB"


def fmt_speedup(speedup: float) -> str:
    if speedup >= 1:
        return f"{speedup:.2f}x faster"
    return f"{1 / speedup:.2f}x slower"


# --- the run --------------------------------------------------------------------------------
def compare(
    project: Path,
    base: str,
    head: str,
    *,
    memory: bool = False,
    timeout: float = 600.0,
    inject: Path | Sequence[Path] | None = None,
    python: str | None = None,
    passes: int = 2,
) -> CompareResult:
    """Benchmark `base` and `head` of the repo at `project`; see the module docstring."""
    git = open_repo(project)
    root = git.cwd
    config = load_config(root)
    shas = {ref: check_ref(git, ref) for ref in (base, head)}
    env = resolve_env(root, config, python)
    deadline = Deadline(timeout)
    bench_root = config.benchmarks_root.strip("/")
    tmp = scratch_dir("compare")
    added: list[Path] = []
    try:
        version = _check_tools(env, tmp, deadline, timeout)
        trees: dict[str, Path] = {}
        for side, ref in (("base", base), ("head", head)):
            trees[side] = tmp / side
            added.append(trees[side])
            git.add_detached_worktree(trees[side], shas[ref])
            copy_ignored_sources(git, trees[side])
        injects = _inject_list(inject, root, trees)
        injected = [rel for src, at in injects for rel in _inject(src, at, trees, bench_root)]
        files = _benchmark_files(trees, bench_root, base, head)
        warnings: list[str] = []
        if shas[base] == shas[head]:
            warnings.append(f"{base} and {head} are the same commit: expect a speedup of ~1.00x")
        for side, ref in (("base", base), ("head", head)):
            _check_imports(env, trees[side], ref, tmp, deadline, timeout)
            warnings += _collect(env, trees[side], ref, files, deadline, timeout)
        out = tmp / "out"
        out.mkdir()
        stats: dict[str, list[BenchReport]] = {"base": [], "head": []}
        for i, side in enumerate(_pass_order(passes)):
            ref = base if side == "base" else head
            json_path = out / f"{side}-{i}.json"
            args = [*PYTEST_FLAGS, *BENCH_FLAGS, f"--benchmark-json={json_path}"]
            _run_pytest(env, trees[side], ref, files, args, deadline, timeout, "benchmarking")
            stats[side].append(_read_report(json_path, ref))
        peaks: dict[str, dict[str, int]] = {}
        if memory:
            plugin_dir = tmp / "plugins"
            plugin_dir.mkdir()
            plugin_src = Path(__file__).with_name("_memory_plugin.py")
            shutil.copy(plugin_src, plugin_dir / f"{MEMORY_PLUGIN}.py")
            for side, ref in (("base", base), ("head", head)):
                mem_path = out / f"{side}-memory.json"
                _run_pytest(
                    env,
                    trees[side],
                    ref,
                    files,
                    [*PYTEST_FLAGS, *MEMORY_FLAGS],
                    deadline,
                    timeout,
                    "measuring memory",
                    extra_path=[plugin_dir],
                    extra_env={"CODEFLASH_MEMORY_OUT": str(mem_path)},
                )
                peaks[side] = json.loads(mem_path.read_text(encoding="utf-8"))
        rows, row_warnings = _rows(stats, peaks)
    finally:
        for path in added:
            git.remove_worktree(path)
        shutil.rmtree(tmp, ignore_errors=True)
    pytest_args = [*PYTEST_FLAGS, *BENCH_FLAGS, "--benchmark-json=<out>.json"]
    if memory:
        pytest_args += ["&&", *PYTEST_FLAGS, *MEMORY_FLAGS]
    return CompareResult(
        base=base,
        head=head,
        base_sha=git.short_sha(shas[base]),
        head_sha=git.short_sha(shas[head]),
        python=env.python,
        python_version=version,
        memory=memory,
        passes=passes,
        rows=rows,
        benchmark_files=files,
        injected=injected,
        pytest_args=pytest_args,
        command=compare_command(base, head, memory=memory, timeout=timeout, inject=injected),
        warnings=warnings + row_warnings,
    )


def compare_command(
    base: str, head: str, *, memory: bool, timeout: float, inject: Sequence[str]
) -> str:
    """The CLI line that reproduces a compare run."""
    parts = ["codeflash-bot", "compare", base, head]
    if memory:
        parts.append("--memory")
    parts += ["--timeout", f"{timeout:g}"]
    for path in _dedupe_injects(inject):
        parts += ["--inject", path]
    return " ".join(parts)


def _dedupe_injects(inject: Sequence[str]) -> list[str]:
    """Data files travel with their test file, and several tests with their common directory."""
    tests = [p for p in inject if p.endswith(".py")] or list(inject)
    parents = {str(Path(p).parent) for p in tests}
    if len(tests) > 1 and len(parents) == 1:
        return [parents.pop()]
    return tests


def check_ref(git: Git, ref: str) -> str:
    if ref.startswith("-") or not ref.strip() or not git.ref_exists(ref):
        raise BotError(BAD_REF.format(ref=ref, repo=git.cwd))
    return git.head_sha(ref)


def _pass_order(passes: int) -> list[str]:
    """base, head, head, base, base, head...: each side goes first as often as the other."""
    order: list[str] = []
    for i in range(max(1, passes)):
        order += ["base", "head"] if i % 2 == 0 else ["head", "base"]
    return order


def _check_tools(env: TargetEnv, tmp: Path, deadline: Deadline, timeout: float) -> str:
    """Fail early, in one line, when pytest/pytest-benchmark are missing; returns the version."""
    try:
        proc = run_python(env, ["-c", _TOOLS_PROBE], cwd=tmp, timeout=deadline.left())
    except Timeout:
        raise BotError(
            TIMED_OUT.format(timeout=timeout, doing="starting", ref="the target's python", hint="")
        ) from None
    if proc.returncode != 0:
        raise BotError(
            f"cannot run the target's interpreter {env.python}: "
            f"{_last_line(proc.stderr)}; set `python` in [tool.codeflash-bot]"
        )
    version, *missing = proc.stdout.split() or ["unknown"]
    if missing:
        tools = ["pytest", "pytest-benchmark"] if "pytest" in missing else ["pytest-benchmark"]
        if env.may_install_tools:  # an env the bot manages: install, as for pytest/pyinstrument
            pip_install(env.python, tools)
            return version
        raise BotError(
            NOT_INSTALLED.format(
                tool=" and ".join(tools),
                python=env.python,
                fix=f"{env.python} -m pip install {' '.join(tools)}",
            )
        )
    return version


def _inject_list(
    inject: Path | Sequence[Path] | None, root: Path, trees: dict[str, Path]
) -> list[tuple[Path, Path]]:
    """(source, the dir its repo-relative path is taken from) for each `--inject` item.

    A relative path is looked up here (cwd, then the project), then in the head and base
    worktrees, so `--inject tests/benchmarks` works from a checkout of main as well.
    """
    if inject is None:
        return []
    items = [inject] if isinstance(inject, str | Path) else list(inject)
    out: list[tuple[Path, Path]] = []
    for item in items:
        path = Path(item)
        if path.is_absolute():
            cands = [(path, _toplevel(path, root))]
        else:
            cands = [(Path.cwd() / path, root), (root / path, root)]
            cands += [(trees[side] / path, trees[side]) for side in ("head", "base")]
        found = next(((c.resolve(), a.resolve()) for c, a in cands if c.exists()), None)
        if found is None:
            raise BotError(f"--inject {item}: no such file or directory here or at either ref")
        out.append(found)
    return out


def _toplevel(path: Path, default: Path) -> Path:
    """The work tree holding `path` (a checkout or any worktree), so its repo path is kept."""
    where = path if path.is_dir() else path.parent
    if not where.is_dir():
        return default
    proc = Git(where).run("rev-parse", "--show-toplevel", check=False)
    return Path(proc.stdout.strip()) if proc.returncode == 0 else default


def _inject(src: Path, anchor: Path, trees: dict[str, Path], bench_root: str) -> list[str]:
    """Copy `src` into both worktrees; a test file brings its `<stem>.*` data files along.

    A path inside `anchor` (the project or a worktree) keeps its relative path; any other
    lands in the benchmarks root.
    """
    sources = [src]
    if src.is_file():
        sources += sorted(p for p in src.parent.glob(f"{src.stem}.*") if p != src and p.is_file())
    rels: list[str] = []
    for item in sources:
        try:
            rel = item.relative_to(anchor).as_posix()
        except ValueError:
            rel = f"{bench_root}/{item.name}"
        for tree in trees.values():
            dest = tree / rel
            if dest.resolve() == item:
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            if item.is_dir():
                shutil.copytree(item, dest, dirs_exist_ok=True)
            else:
                shutil.copy2(item, dest)
        rels.append(rel)
    return rels


def _benchmark_files(trees: dict[str, Path], bench_root: str, base: str, head: str) -> list[str]:
    found: dict[str, set[str]] = {}
    for side, tree in trees.items():
        root = tree / bench_root
        if not root.is_dir():
            continue
        found[side] = {
            p.relative_to(tree).as_posix()
            for pattern in ("test_*.py", "*_test.py")
            for p in root.rglob(pattern)
        }
    refs = {"base": base, "head": head}
    if not found:
        raise BotError(NO_BENCH_ROOT.format(root=bench_root, refs=f"{base} or {head}"))
    for side in ("base", "head"):
        if side not in found:
            other = "head" if side == "base" else "base"
            files = sorted(found[other]) or [bench_root]
            raise BotError(_missing(files, bench_root, refs[side], side, refs[other]))
    for side, other in (("base", "head"), ("head", "base")):
        missing = sorted(found[other] - found[side])
        if missing:
            raise BotError(_missing(missing, bench_root, refs[side], side, refs[other]))
    if not found["head"]:
        raise BotError(NO_BENCHMARKS.format(root=bench_root, ref=head))
    return sorted(found["head"])


def _missing(files: list[str], bench_root: str, ref: str, side: str, other: str) -> str:
    inject = files[0] if len(files) == 1 else bench_root
    return MISSING_AT_REF.format(file=files[0], ref=ref, side=side, inject=inject, other=other)


def _top_level_packages(tree: Path, env: TargetEnv) -> list[str]:
    """Importable top-level names in the worktree's source dirs (tests/docs/examples skipped)."""
    skip = ("test", "tests", "docs", "doc", "examples", "benchmarks", "scripts", "build")
    names: set[str] = set()
    for src in env.pythonpath:
        base = tree / src
        if not base.is_dir():
            continue
        for child in base.iterdir():
            if child.name.startswith((".", "_")) or child.name in skip:
                continue
            if child.is_dir() and (child / "__init__.py").is_file():
                names.add(child.name)
            elif child.suffix == ".py" and src != "." and child.stem.isidentifier():
                names.add(child.stem)
    return sorted(names)


def _check_imports(
    env: TargetEnv, tree: Path, ref: str, tmp: Path, deadline: Deadline, timeout: float
) -> None:
    names = _top_level_packages(tree, env)
    if not names:
        return
    out = tmp / f"imports-{tree.name}.json"
    try:
        proc = run_python(
            env, ["-c", _IMPORT_PROBE, str(out), *names], cwd=tree, timeout=deadline.left()
        )
    except Timeout:
        hint = " or make importing the package cheaper"
        raise BotError(
            TIMED_OUT.format(timeout=timeout, doing="importing the package", ref=ref, hint=hint)
        ) from None
    if proc.returncode != 0 or not out.exists():
        error = _last_line(proc.stderr) or f"exit code {proc.returncode}"
        raise BotError(
            CANNOT_IMPORT.format(
                ref=ref, name=names[0], error=error, python=env.python, install=_install(env)
            )
        )
    tree_real = tree.resolve()
    py = env.python
    for name, info in json.loads(out.read_text(encoding="utf-8")).items():
        if not info["ok"]:
            error = info["error"]
            raise BotError(
                CANNOT_IMPORT.format(
                    ref=ref, name=name, error=error, python=py, install=_install(env)
                )
            )
        if info["file"] and not Path(info["file"]).is_relative_to(tree_real):
            raise BotError(SHADOWED.format(ref=ref, name=name, file=info["file"], python=py))


def _install(env: TargetEnv) -> str:
    return f" (`{env.install_command}`)" if env.install_command else ""


def _collect(
    env: TargetEnv, tree: Path, ref: str, files: list[str], deadline: Deadline, timeout: float
) -> list[str]:
    """Collect only, timed: tells a broken or heavy conftest.py apart from a failing benchmark."""
    started = time.monotonic()
    try:
        proc = run_python(
            env,
            ["-m", "pytest", "--collect-only", *PYTEST_FLAGS, *files],
            cwd=tree,
            timeout=deadline.left(),
        )
    except Timeout:
        hint = " or lighten conftest.py (collection alone did not finish)"
        raise BotError(
            TIMED_OUT.format(timeout=timeout, doing="collecting benchmarks", ref=ref, hint=hint)
        ) from None
    seconds = time.monotonic() - started
    output = proc.stdout + proc.stderr
    if proc.returncode == 5:
        raise BotError(NOTHING_COLLECTED.format(ref=ref, files=", ".join(files)))
    if proc.returncode != 0:
        conftest = _conftest_in(output, tree)
        error = _error_line(output)
        if conftest:
            raise BotError(CONFTEST_BROKEN.format(ref=ref, conftest=conftest, error=error))
        raise BotError(COLLECTION_FAILED.format(ref=ref, error=error))
    if seconds > SLOW_COLLECTION_SECONDS:
        return [SLOW_COLLECTION.format(ref=ref, seconds=seconds)]
    return []


def _run_pytest(
    env: TargetEnv,
    tree: Path,
    ref: str,
    files: list[str],
    args: list[str],
    deadline: Deadline,
    timeout: float,
    doing: str,
    *,
    extra_path: Sequence[Path] = (),
    extra_env: dict[str, str] | None = None,
) -> None:
    try:
        proc = run_python(
            env,
            ["-m", "pytest", *args, *files],
            cwd=tree,
            timeout=deadline.left(),
            extra_path=extra_path,
            extra_env=extra_env,
        )
    except Timeout:
        hint = " or shrink the benchmark inputs"
        raise BotError(TIMED_OUT.format(timeout=timeout, doing=doing, ref=ref, hint=hint)) from None
    if proc.returncode != 0:
        raise BotError(BENCH_FAILED.format(ref=ref, error=_error_line(proc.stdout + proc.stderr)))


def _read_report(path: Path, ref: str) -> BenchReport:
    try:
        return BenchReport.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as exc:
        raise BotError(f"unreadable pytest-benchmark JSON at {ref}: {exc}".splitlines()[0]) from exc


def _rows(
    stats: dict[str, list[BenchReport]], peaks: dict[str, dict[str, int]]
) -> tuple[list[CompareRow], list[str]]:
    best: dict[str, dict[str, tuple[str, float, float]]] = {"base": {}, "head": {}}
    for side, reports in stats.items():
        by_name: dict[str, list[BenchEntry]] = {}
        for report in reports:
            for entry in report.benchmarks:
                by_name.setdefault(entry.fullname, []).append(entry)
        for fullname, entries in by_name.items():
            best[side][fullname] = (
                entries[0].name,
                min(e.stats.min for e in entries),
                statistics.median(e.stats.median for e in entries),
            )
    warnings = [
        f"benchmark {name} ran only at {side}; it is left out of the table"
        for side, other in (("base", "head"), ("head", "base"))
        for name in sorted(set(best[side]) - set(best[other]))
    ]
    rows = [
        CompareRow(
            name=best["head"][fullname][0],
            fullname=fullname,
            base_min=best["base"][fullname][1],
            base_median=best["base"][fullname][2],
            head_min=best["head"][fullname][1],
            head_median=best["head"][fullname][2],
            base_peak=peaks.get("base", {}).get(fullname),
            head_peak=peaks.get("head", {}).get(fullname),
        )
        for fullname in sorted(set(best["base"]) & set(best["head"]))
    ]
    return rows, warnings


def _conftest_in(output: str, tree: Path) -> str | None:
    for line in output.splitlines():
        if "conftest" in line and ("Error" in line or "error" in line or ".py" in line):
            for token in line.replace("'", " ").replace('"', " ").replace(":", " ").split():
                if token.endswith("conftest.py"):
                    path = Path(token)
                    if path.is_absolute() and path.is_relative_to(tree):
                        return path.relative_to(tree).as_posix()
                    return token
    return None


def _error_line(output: str) -> str:
    """The most telling line of pytest output: the last `E   ...` line, else the last line."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    errors = [ln[1:].strip() for ln in lines if ln.startswith("E ")]
    if errors:
        return errors[-1]
    flagged = [ln for ln in lines if "Error" in ln or "error" in ln]
    return flagged[-1] if flagged else (lines[-1] if lines else "no output")


def _last_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1].strip() if lines else ""
