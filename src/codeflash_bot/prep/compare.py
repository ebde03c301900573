"""`compare BASE HEAD`: run the same pytest-benchmark tests at two refs and tabulate them.

Each ref is checked out in its own detached worktree under a temp dir and benchmarked by the
target's interpreter with PYTHONPATH pointing at that worktree's source dirs, so the two runs
differ only in the code. Passes are interleaved (base, head, head, base, ...) and the best
(minimum) value of each side is reported, per MEASUREMENT.md: min is the statistic that stays
stable under load. Worktrees are removed in a `finally`, so also on failure and Ctrl-C.

Every way this can fail that a user can fix is a `BotError` with one line naming the fix
(`compare_checks.DIAGNOSTICS` lists them; the tests share these strings). The result and its
formatting are in `compare_models`, `--inject` in `compare_inject`; this module runs it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from codeflash_bot.config import Config, load_config
from codeflash_bot.errors import BotError
from codeflash_bot.git import Git, open_repo
from codeflash_bot.prep.compare_checks import (
    BENCH_FAILED,
    PYTEST_FLAGS,
    TIMED_OUT,
    benchmark_files,
    check_collection,
    check_imports,
    check_ref,
    check_tools,
    error_line,
)
from codeflash_bot.prep.compare_inject import dedupe_injects, inject_into, inject_list
from codeflash_bot.prep.compare_models import (
    BenchReport,
    CompareResult,
    CompareRow,
    build_rows,
    fmt_bytes,
    fmt_seconds,
    fmt_speedup,
    read_report,
)
from codeflash_bot.prep.target_env import Deadline, TargetEnv, Timeout, resolve_env, run_python
from codeflash_bot.session.recovery import scratch_dir
from codeflash_bot.session.workspace import copy_ignored_sources

__all__ = [
    "BENCH_FLAGS",
    "PYTEST_FLAGS",
    "CompareResult",
    "CompareRow",
    "check_ref",
    "compare",
    "compare_command",
    "fmt_bytes",
    "fmt_seconds",
    "fmt_speedup",
]

BENCH_FLAGS = (
    "--benchmark-only",
    "--benchmark-min-rounds=5",
    "--benchmark-max-time=0.5",
    "--benchmark-sort=name",
)
MEMORY_FLAGS = ("--benchmark-disable", "-p", "codeflash_compare_memory")
MEMORY_PLUGIN = "codeflash_compare_memory"
SIDES = ("base", "head")


@dataclass
class _Run:
    """One compare run's fixed inputs and the worktrees it made (removed by `_remove`)."""

    git: Git
    env: TargetEnv
    refs: dict[str, str]  # side -> the ref as the user spelled it
    deadline: Deadline
    timeout: float
    bench_root: str
    tmp: Path
    trees: dict[str, Path] = field(default_factory=dict)
    added: list[Path] = field(default_factory=list)


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
    config = load_config(git.cwd)
    shas = {ref: check_ref(git, ref) for ref in (base, head)}
    run = _open(git, config, base, head, timeout, python)
    env = run.env
    try:
        version = check_tools(env, run.tmp, run.deadline, timeout)
        _add_worktrees(run, shas)
        injected = _injected(run, inject)
        files = benchmark_files(run.trees, run.bench_root, base, head)
        warnings = _check_sides(run, files, same=shas[base] == shas[head])
        stats = _benchmark(run, files, passes)
        peaks = _measure_memory(run, files) if memory else {}
        rows, row_warnings = build_rows(stats, peaks)
    finally:
        _remove(run)
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
        pytest_args=_pytest_args(memory),
        command=compare_command(base, head, memory=memory, timeout=timeout, inject=injected),
        warnings=warnings + row_warnings,
    )


def _open(
    git: Git, config: Config, base: str, head: str, timeout: float, python: str | None
) -> _Run:
    """The run's environment, deadline and scratch dir (checked refs, no worktree yet)."""
    return _Run(
        git=git,
        env=resolve_env(git.cwd, config, python),
        refs={"base": base, "head": head},
        deadline=Deadline(timeout),
        timeout=timeout,
        bench_root=config.benchmarks_root.strip("/"),
        tmp=scratch_dir("compare"),
    )


def compare_command(
    base: str, head: str, *, memory: bool, timeout: float, inject: Sequence[str]
) -> str:
    """The CLI line that reproduces a compare run."""
    parts = ["codeflash-bot", "compare", base, head]
    if memory:
        parts.append("--memory")
    parts += ["--timeout", f"{timeout:g}"]
    for path in dedupe_injects(inject):
        parts += ["--inject", path]
    return " ".join(parts)


def _pytest_args(memory: bool) -> list[str]:
    """The pytest arguments of the run, as the result reports them."""
    args = [*PYTEST_FLAGS, *BENCH_FLAGS, "--benchmark-json=<out>.json"]
    if memory:
        args += ["&&", *PYTEST_FLAGS, *MEMORY_FLAGS]
    return args


def _add_worktrees(run: _Run, shas: dict[str, str]) -> None:
    """A detached worktree per side (with the checkout's ignored sources copied in)."""
    for side in SIDES:
        run.trees[side] = run.tmp / side
        run.added.append(run.trees[side])
        run.git.add_detached_worktree(run.trees[side], shas[run.refs[side]])
        copy_ignored_sources(run.git, run.trees[side])


def _injected(run: _Run, inject: Path | Sequence[Path] | None) -> list[str]:
    """`--inject` copied into both worktrees; the repo paths copied."""
    copied: list[str] = []
    for src, anchor in inject_list(inject, run.git.cwd, run.trees):
        copied += inject_into(src, anchor, run.trees, run.bench_root)
    return copied


def _remove(run: _Run) -> None:
    for path in run.added:
        run.git.remove_worktree(path)
    shutil.rmtree(run.tmp, ignore_errors=True)


def _check_sides(run: _Run, files: list[str], *, same: bool) -> list[str]:
    """Imports and collection at each side, before any timing; returns the warnings."""
    warnings: list[str] = []
    if same:
        base, head = run.refs["base"], run.refs["head"]
        warnings.append(f"{base} and {head} are the same commit: expect a speedup of ~1.00x")
    for side in SIDES:
        ref, tree = run.refs[side], run.trees[side]
        check_imports(run.env, tree, ref, run.tmp, run.deadline, run.timeout)
        warnings += check_collection(run.env, tree, ref, files, run.deadline, run.timeout)
    return warnings


def _benchmark(run: _Run, files: list[str], passes: int) -> dict[str, list[BenchReport]]:
    """The timing passes, interleaved (`_pass_order`); each side's pytest-benchmark reports."""
    out = run.tmp / "out"
    out.mkdir()
    stats: dict[str, list[BenchReport]] = {"base": [], "head": []}
    for i, side in enumerate(_pass_order(passes)):
        ref = run.refs[side]
        json_path = out / f"{side}-{i}.json"
        args = [*PYTEST_FLAGS, *BENCH_FLAGS, f"--benchmark-json={json_path}"]
        _run_pytest(run, side, files, args, "benchmarking")
        stats[side].append(read_report(json_path, ref))
    return stats


def _measure_memory(run: _Run, files: list[str]) -> dict[str, dict[str, int]]:
    """`--memory`: one pass per side under the peak-memory plugin; peak bytes by benchmark."""
    plugin_dir = run.tmp / "plugins"
    plugin_dir.mkdir()
    plugin_src = Path(__file__).with_name("_memory_plugin.py")
    shutil.copy(plugin_src, plugin_dir / f"{MEMORY_PLUGIN}.py")
    peaks: dict[str, dict[str, int]] = {}
    for side in SIDES:
        mem_path = run.tmp / "out" / f"{side}-memory.json"
        _run_pytest(
            run,
            side,
            files,
            [*PYTEST_FLAGS, *MEMORY_FLAGS],
            "measuring memory",
            extra_path=[plugin_dir],
            extra_env={"CODEFLASH_MEMORY_OUT": str(mem_path)},
        )
        peaks[side] = json.loads(mem_path.read_text(encoding="utf-8"))
    return peaks


def _pass_order(passes: int) -> list[str]:
    """base, head, head, base, base, head...: each side goes first as often as the other."""
    order: list[str] = []
    for i in range(max(1, passes)):
        order += ["base", "head"] if i % 2 == 0 else ["head", "base"]
    return order


def _run_pytest(
    run: _Run,
    side: str,
    files: list[str],
    args: list[str],
    doing: str,
    *,
    extra_path: Sequence[Path] = (),
    extra_env: dict[str, str] | None = None,
) -> None:
    ref = run.refs[side]
    try:
        proc = run_python(
            run.env,
            ["-m", "pytest", *args, *files],
            cwd=run.trees[side],
            timeout=run.deadline.left(),
            extra_path=extra_path,
            extra_env=extra_env,
        )
    except Timeout:
        hint = " or shrink the benchmark inputs"
        raise BotError(
            TIMED_OUT.format(timeout=run.timeout, doing=doing, ref=ref, hint=hint)
        ) from None
    if proc.returncode != 0:
        raise BotError(BENCH_FAILED.format(ref=ref, error=error_line(proc.stdout + proc.stderr)))
