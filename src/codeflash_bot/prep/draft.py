"""`prepare-pr` and the GitHub layer's entry point: kept commits -> benchmarks -> compare -> body.

The head branch gets one extra commit holding the generated benchmark tests (so the PR ships
the evidence); when the branch is not checked out anywhere it is checked out in a temporary
worktree for that, and the user's checkout is never switched. PR bodies are written to the
branch's `.codeflash/` and committed there too (`cleanup` removes them): nothing is left
untracked in the user's checkout. A ref that is not a local branch (or `commit=False`) gets its
bodies under `<git dir>/codeflash/pr/`, outside every work tree.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from codeflash_bot.capture.sources import inputs_in
from codeflash_bot.config import Config, load_config
from codeflash_bot.errors import BotError
from codeflash_bot.formatter import load as load_formatter
from codeflash_bot.git import Git, open_repo
from codeflash_bot.models import Domain, Frozen
from codeflash_bot.prep import pr_body
from codeflash_bot.prep.benchgen import GeneratedBenchmark, generate_benchmarks
from codeflash_bot.prep.compare import (
    BENCH_FLAGS,
    PYTEST_FLAGS,
    CompareResult,
    check_ref,
    compare,
    compare_command,
)
from codeflash_bot.prep.inventory import KeptOptimization, inventory
from codeflash_bot.prep.recapture import Recapture, missing_corpus, recapture
from codeflash_bot.prep.target_env import TargetEnv, resolve_env
from codeflash_bot.sandbox import HarnessError
from codeflash_bot.session.recovery import branch_worktree, scratch_dir
from codeflash_bot.session.state import STATE_DIR

COMBINED_BODY = "pr-body.md"
NOTHING_KEPT = "no kept optimizations on {head} since {base}: nothing to put in a pull request"
DISAGREES = (
    "`compare` disagrees in direction with the optimization run for `{target}` "
    "(run: {run}, compare: {cmp}); re-run compare on a quiet machine before merging"
)


class PullRequestDraft(Frozen):
    """What the GitHub layer needs to open the PR (and what `prepare-pr` prints)."""

    title: str
    body: str
    domain: Domain
    kept: int
    base: str
    head: str
    files_written: list[str]
    optimizations: list[KeptOptimization]
    benchmarks: list[GeneratedBenchmark]
    compare: CompareResult | None
    notes: list[str]
    recaptured: Recapture | None = None  # inputs captured again (no corpus in this clone)


def draft_pull_request(
    checkout: Path,
    base: str,
    head: str,
    *,
    run_compare: bool = True,
    timeout: float = 600.0,
    python: str | None = None,
    passes: int = 2,
    commit: bool = True,
) -> PullRequestDraft:
    """Inventory `base..head`, add benchmark tests to `head`, compare, render the PR bodies."""
    git = open_repo(checkout)
    root = git.cwd
    for ref in (base, head):
        check_ref(git, ref)
    items = inventory(git, head, base)
    if not items:
        raise BotError(NOTHING_KEPT.format(head=head, base=base))
    domain = Domain.MEMORY if any(it.domain is Domain.MEMORY for it in items) else items[0].domain
    config = load_config(root)
    bench_root = config.benchmarks_root.strip("/")
    notes: list[str] = []
    project_rel = root.resolve().relative_to(git.toplevel().resolve())
    with _head_tree(git, head) as (tree, branch):
        recaptured: Recapture | None = None
        if missing := missing_corpus(git, branch, items):
            kept = [it for it in items if it.target in missing]
            try:
                recaptured = recapture(
                    git, project_rel, base, branch, kept, config.merged(python=python)
                )
                notes.append(recaptured.line())
            except (BotError, HarnessError, OSError) as exc:
                notes.append(f"no captured inputs in this clone, and capturing them failed: {exc}")
        env = resolve_env(tree, config, python)
        benches = generate_benchmarks(git, tree, env, items, bench_root, branch=branch)
        _format_benchmarks(tree, config, env, benches)
        generated = [p for b in benches for p in (b.test_file, b.data_file) if p]
        if commit and branch and generated:
            _commit_benchmarks(Git(tree), generated, benches)
        notes += [f"no benchmark for `{b.target}`: {b.skipped}" for b in benches if b.skipped]
        inject = _to_inject(git, tree, base, bench_root)
        result: CompareResult | None = None
        if run_compare:
            try:
                result = compare(
                    root,
                    base,
                    head if branch else git.head_sha(head),
                    memory=domain is Domain.MEMORY,
                    timeout=timeout,
                    inject=[tree / p for p in inject],
                    python=python,  # None: compare resolves (and may equip) the same env
                    passes=passes,
                )
                notes += result.warnings
            except BotError as exc:
                notes.append(f"`compare` could not run here: {exc}")
        notes += _direction_notes(items, benches, result)
        platform = pr_body.detect_platform(env, tree)
        tests = {b.target: b.test_name for b in benches if b.test_file}
        cmd = compare_command(
            base, head, memory=domain is Domain.MEMORY, timeout=timeout, inject=inject
        )
        setup_md = _setup_md(git, root, head)
        combined = _view(
            git, items, benches, result, notes, platform, base, head, cmd, env, setup_md
        )
        body = pr_body.render_body(combined, domain)
        committed = commit and branch is not None
        out_dir = (
            tree / project_rel / STATE_DIR
            if committed
            else git.common_dir() / "codeflash" / "pr" / _safe(branch or git.head_sha(head))
        )
        written = _write_bodies(
            out_dir,
            git,
            items,
            benches,
            result,
            platform,
            base,
            head,
            cmd,
            env,
            domain,
            body,
            setup_md,
        )
        if committed:
            written = [(project_rel / STATE_DIR / Path(w).name).as_posix() for w in written]
            _commit_bodies(Git(tree), written)
    title = pr_body.title_for(items, result, tests)
    return PullRequestDraft(
        title=title,
        body=body,
        domain=domain,
        kept=len(items),
        base=base,
        head=head,
        files_written=[*generated, *written],
        optimizations=items,
        benchmarks=benches,
        compare=result,
        notes=notes,
        recaptured=recaptured,
    )


@contextmanager
def _head_tree(git: Git, head: str) -> Iterator[tuple[Path, str | None]]:
    """A checkout of `head` to generate into: where it is already checked out, or a temp one.

    Yields (path, branch name or None when `head` is not a local branch and cannot be
    committed to).
    """
    name = head.removeprefix("refs/heads/")
    branch = name if git.branch_exists(name) else None
    if branch is not None:
        if git.current_branch() == branch:
            yield git.cwd, branch
            return
        where = git.worktree_branches().get(branch)
        if where is not None and where.exists():
            yield where, branch
            return
    if branch is not None:
        with branch_worktree(git, branch) as path:  # claimed: a kill is repaired by the next run
            yield path, branch
        return
    tmp = scratch_dir("prep")
    path = tmp / "head"
    try:
        git.add_detached_worktree(path, git.head_sha(head))
        yield path, branch
    finally:
        git.remove_worktree(path)
        shutil.rmtree(tmp, ignore_errors=True)


def _format_benchmarks(
    tree: Path, config: Config, env: TargetEnv, benches: list[GeneratedBenchmark]
) -> None:
    """Generated tests in the project's own style (its formatter and import sorter)."""
    formatter, _ = load_formatter(tree, config.formatter, env.python)
    if formatter is None:
        return
    for bench in benches:
        if bench.test_file:
            path = tree / bench.test_file
            text = path.read_text(encoding="utf-8")
            path.write_text(formatter.apply(path, None, text), encoding="utf-8")


def _commit_benchmarks(git: Git, paths: list[str], benches: list[GeneratedBenchmark]) -> None:
    if not git.run("status", "--porcelain", "--", *paths).stdout.strip():
        return
    names = ", ".join(f"`{b.target}`" for b in benches if b.test_file)
    git.commit_paths(f"codeflash: benchmark tests for {names} (captured inputs)", paths)


def _commit_bodies(git: Git, paths: list[str]) -> None:
    git.run("add", "--", *paths)
    if git.run("diff", "--cached", "--quiet", "--", *paths, check=False).returncode:
        git.commit_paths("codeflash: PR body drafts (`codeflash-bot cleanup` removes them)", paths)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "-" for c in name)


def _to_inject(git: Git, tree: Path, base: str, bench_root: str) -> list[str]:
    """Benchmark files present in the head tree but not at `base` (tests + their data)."""
    bench = tree / bench_root
    if not bench.is_dir():
        return []
    out: list[str] = []
    for path in sorted(bench.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(tree).as_posix()
        if git.run("cat-file", "-e", f"{base}:{rel}", check=False).returncode != 0:
            out.append(rel)
    return out


def _direction_notes(
    items: list[KeptOptimization], benches: list[GeneratedBenchmark], result: CompareResult | None
) -> list[str]:
    if result is None:
        return []
    tests = {b.target: b.test_name for b in benches}
    notes: list[str] = []
    for it in items:
        row = result.row_for(tests.get(it.target, ""))
        better = pr_body.is_improvement(it)
        if row is None or better is None:
            continue
        if it.domain is Domain.MEMORY and row.memory_delta_pct is not None:
            agrees = (row.memory_delta_pct < 0) == better
            cmp = f"{row.memory_delta_pct:+.1f}% peak"
        else:
            agrees = (row.speedup > 1) == better
            cmp = f"{row.speedup:.2f}x"
        if not agrees:
            run = f"{it.delta_pct:+.1f}% {it.metric}"
            notes.append(DISAGREES.format(target=it.target, run=run, cmp=cmp))
    return notes


def _view(
    git: Git,
    items: list[KeptOptimization],
    benches: list[GeneratedBenchmark],
    result: CompareResult | None,
    notes: list[str],
    platform: pr_body.Platform,
    base: str,
    head: str,
    cmd: str,
    env: TargetEnv,
    setup_md: str = "",
) -> pr_body.BodyView:
    by_target = {b.target: b for b in benches}
    opts = [pr_body.optimization_view(git, it, by_target.get(it.target), result) for it in items]
    tests = {b.target: b.test_name for b in benches if b.test_file}
    memory = items[0].domain is Domain.MEMORY
    summary = [_summary_line(it, o, memory) for it, o in zip(items, opts, strict=True)]
    made = [b for b in benches if b.test_file]
    if made:
        where = Path(made[0].test_file or "").parent
        summary.append(
            f"Adds {len(made)} pytest-benchmark test(s) under `{where}`, each fed by an input "
            "captured from a real call, so the gain can be re-measured. They skip where "
            "pytest-benchmark is not installed, so the project's test run stays as it was; run "
            f"them with `python -m pip install pytest-benchmark && python -m pytest {where}`."
        )
        pickled = [b for b in made if b.input_form == "pickle"]
        if pickled:
            names = ", ".join(f"`{b.target}` (`{b.data_file}`)" for b in pickled)
            summary.append(
                f"Inputs stored as pickles, the last resort (their arguments have no Python "
                f"source; unpickling runs code, so check where they came from): {names}. "
                "Every other benchmark input is written in its test as Python source."
            )
    sources = {it.target: inputs_in(it.description) for it in items}
    counts = "; ".join(
        f"`{t}` on "
        + pr_body.replay_evidence(
            by_target[t].inputs_captured if t in by_target else 0, sources.get(t, "")
        )
        for t in dict.fromkeys(it.target for it in items)
    )
    summary.append(
        "Each change was kept only after replaying captured calls through the original and the "
        f"rewrite (same results, exceptions and argument mutations): {counts}."
    )
    summary.append(pr_body.summarize_tests(setup_md))
    if result is not None:
        intro = (
            f"`{result.command}`: each ref benchmarked in its own git worktree by the project's "
            f"interpreter (Python {result.python_version}), {result.passes} interleaved pass(es) "
            "per ref; min is the best pass, median the median of the passes; speedup = base min "
            "/ head min."
        )
        table = result.markdown()
        flags = " ".join(result.pytest_args)
    else:
        intro = f"`compare` was not run for this draft; reproduce it with `{cmd}`."
        table = "The measurements from the optimization run are below."
        flags = " ".join([*PYTEST_FLAGS, *BENCH_FLAGS])
    return pr_body.BodyView(
        title=pr_body.title_for(items, result, tests),
        base=base,
        head=head,
        base_sha=git.short_sha(base),
        head_sha=git.short_sha(head),
        summary=summary,
        optimizations=opts,
        loop_table=pr_body.loop_table(items),
        compare_intro=intro,
        compare_table=table,
        compare_flags=flags,
        chart=pr_body.chart(result, items[0].domain),
        notes=notes,
        platform=platform,
        reproduce=_reproduce(base, head, cmd, result, env),
        changelog=[pr_body.changelog_line(it, result, tests.get(it.target)) for it in items],
    )


def _setup_md(git: Git, root: Path, head: str) -> str:
    """`.codeflash/setup.md` as committed on `head` ("" when the branch has none)."""
    rel = root.resolve().relative_to(git.toplevel().resolve()) / STATE_DIR / "setup.md"
    proc = git.run("show", f"{head}:{rel.as_posix()}", check=False)
    return proc.stdout if proc.returncode == 0 else ""


def _summary_line(it: KeptOptimization, opt: pr_body.OptimizationView, memory: bool) -> str:
    word = "Reduces peak memory of" if memory else "Speeds up"
    return f"{word} `{it.target}` ({opt.rule}): {opt.summary}; bot measured {opt.measured}."


def _reproduce(base: str, head: str, cmd: str, result: CompareResult | None, env: TargetEnv) -> str:
    files = " ".join(result.benchmark_files) if result else "tests/benchmarks"
    pythonpath = ":".join(env.pythonpath)
    flags = " ".join([*PYTEST_FLAGS[:-2], *BENCH_FLAGS])
    return "\n".join(
        [
            "# with codeflash-bot (worktrees for both refs, removed afterwards), installed from",
            "# a clone of its repository as its README says: pip install . (or uv tool install .)",
            "python -m pip install pytest pytest-benchmark   # in the project's environment",
            cmd,
            "",
            "# or by hand, at each ref (copy the benchmark files into the base checkout first):",
            f"git switch --detach {base}   # then: git switch --detach {head}",
            f"PYTHONPATH={pythonpath} python -m pytest {flags} {files}",
        ]
    )


def _write_bodies(
    out_dir: Path,
    git: Git,
    items: list[KeptOptimization],
    benches: list[GeneratedBenchmark],
    result: CompareResult | None,
    platform: pr_body.Platform,
    base: str,
    head: str,
    cmd: str,
    env: TargetEnv,
    domain: Domain,
    combined: str,
    setup_md: str = "",
) -> list[str]:
    """`pr-body-<func>.md` per function and `pr-body.md` combined, in `out_dir`; returns the
    paths written (absolute)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    by_target = {b.target: b for b in benches}
    for target in dict.fromkeys(it.target for it in items):
        subset = [it for it in items if it.target == target]
        bench = by_target.get(target)
        sub_result = None
        if result is not None:
            rows = [r for r in result.rows if bench and r.name == bench.test_name]
            sub_result = result.model_copy(update={"rows": rows})
        view = _view(
            git,
            subset,
            [bench] if bench else [],
            sub_result,
            [],
            platform,
            base,
            head,
            cmd,
            env,
            setup_md,
        )
        slug = bench.test_name.removeprefix("test_benchmark_") if bench else subset[0].func_slug
        name = f"pr-body-{slug}.md"
        (out_dir / name).write_text(pr_body.render_body(view, domain), encoding="utf-8")
        written.append(str(out_dir / name))
    (out_dir / COMBINED_BODY).write_text(combined, encoding="utf-8")
    written.append(str(out_dir / COMBINED_BODY))
    return written
