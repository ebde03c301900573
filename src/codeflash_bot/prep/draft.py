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
from dataclasses import dataclass, replace
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


class DraftRequest(Frozen):
    """What `prepare-pr` was asked to draft: the refs and `draft_pull_request`'s options."""

    base: str
    head: str
    run_compare: bool = True
    timeout: float = 600.0
    python: str | None = None
    passes: int = 2
    commit: bool = True


@dataclass(frozen=True)
class DraftInputs:
    """What a PR body is rendered from: the whole draft's, or one function's (`for_target`)."""

    git: Git
    domain: Domain
    items: list[KeptOptimization]
    benches: list[GeneratedBenchmark]
    result: CompareResult | None
    notes: list[str]
    platform: pr_body.Platform
    base: str
    head: str
    cmd: str
    env: TargetEnv
    setup_md: str = ""

    def for_target(self, target: str) -> DraftInputs:
        """The same draft narrowed to `target`: its items, benchmark and compare row; no notes."""
        bench = {b.target: b for b in self.benches}.get(target)
        result = self.result
        if result is not None:
            rows = [r for r in result.rows if bench and r.name == bench.test_name]
            result = result.model_copy(update={"rows": rows})
        return replace(
            self,
            items=[it for it in self.items if it.target == target],
            benches=[bench] if bench else [],
            result=result,
            notes=[],
        )


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
    request = DraftRequest(
        base=base,
        head=head,
        run_compare=run_compare,
        timeout=timeout,
        python=python,
        passes=passes,
        commit=commit,
    )
    git = open_repo(checkout)
    for ref in (base, head):
        check_ref(git, ref)
    items = inventory(git, head, base)
    if not items:
        raise BotError(NOTHING_KEPT.format(head=head, base=base))
    domain = _domain_of(items)
    config = load_config(git.cwd)
    project_rel = git.cwd.resolve().relative_to(git.toplevel().resolve())
    with _head_tree(git, head) as (tree, branch):
        notes: list[str] = []
        recaptured = _recapture_missing(
            git, project_rel, branch, items, config=config, request=request, notes=notes
        )
        draft = _evidence(git, tree, branch, items, config=config, request=request, notes=notes)
        body = pr_body.render_body(_view(draft), domain)
        written = _write_drafts(draft, body, tree, project_rel, branch, commit=commit)
    tests = {b.target: b.test_name for b in draft.benches if b.test_file}
    return PullRequestDraft(
        title=pr_body.title_for(items, draft.result, tests),
        body=body,
        domain=domain,
        kept=len(items),
        base=base,
        head=head,
        files_written=[*_generated(draft.benches), *written],
        optimizations=items,
        benchmarks=draft.benches,
        compare=draft.result,
        notes=notes,
        recaptured=recaptured,
    )


def _domain_of(items: list[KeptOptimization]) -> Domain:
    """Memory if any kept optimization is (its body variant), else the first one's domain."""
    return Domain.MEMORY if any(it.domain is Domain.MEMORY for it in items) else items[0].domain


def _recapture_missing(
    git: Git,
    project_rel: Path,
    branch: str | None,
    items: list[KeptOptimization],
    *,
    config: Config,
    request: DraftRequest,
    notes: list[str],
) -> Recapture | None:
    """Inputs captured again for kept targets whose corpus this clone lacks (noted either way)."""
    missing = missing_corpus(git, branch, items)
    if not missing:
        return None
    kept = [it for it in items if it.target in missing]
    try:
        merged = config.merged(python=request.python)
        recaptured = recapture(git, project_rel, request.base, branch, kept, merged)
    except (BotError, HarnessError, OSError) as exc:
        notes.append(f"no captured inputs in this clone, and capturing them failed: {exc}")
        return None
    notes.append(recaptured.line())
    return recaptured


def _evidence(
    git: Git,
    tree: Path,
    branch: str | None,
    items: list[KeptOptimization],
    *,
    config: Config,
    request: DraftRequest,
    notes: list[str],
) -> DraftInputs:
    """Benchmark tests generated (and committed) on the head tree, then compare BASE HEAD."""
    base, head, domain = request.base, request.head, _domain_of(items)
    bench_root = config.benchmarks_root.strip("/")
    env = resolve_env(tree, config, request.python)
    benches = generate_benchmarks(git, tree, env, items, bench_root, branch=branch)
    _format_benchmarks(tree, config, env, benches)
    if request.commit and branch and _generated(benches):
        _commit_benchmarks(Git(tree), _generated(benches), benches)
    notes += [f"no benchmark for `{b.target}`: {b.skipped}" for b in benches if b.skipped]
    inject = _to_inject(git, tree, base, bench_root)
    result: CompareResult | None = None
    if request.run_compare:
        compared = head if branch else git.head_sha(head)
        injected = [tree / p for p in inject]
        result = _compare(git.cwd, compared, domain, injected, request=request, notes=notes)
    notes += _direction_notes(items, benches, result)
    memory = domain is Domain.MEMORY
    return DraftInputs(
        git=git,
        domain=domain,
        items=items,
        benches=benches,
        result=result,
        notes=notes,
        platform=pr_body.detect_platform(env, tree),
        base=base,
        head=head,
        cmd=compare_command(base, head, memory=memory, timeout=request.timeout, inject=inject),
        env=env,
        setup_md=_setup_md(git, git.cwd, head),
    )


def _compare(
    root: Path,
    head: str,
    domain: Domain,
    inject: list[Path],
    *,
    request: DraftRequest,
    notes: list[str],
) -> CompareResult | None:
    """`compare BASE HEAD` with the new benchmarks injected; its warnings, or why it could not
    run, go to `notes`."""
    try:
        result = compare(
            root,
            request.base,
            head,
            memory=domain is Domain.MEMORY,
            timeout=request.timeout,
            inject=inject,
            python=request.python,  # None: compare resolves (and may equip) the same env
            passes=request.passes,
        )
    except BotError as exc:
        notes.append(f"`compare` could not run here: {exc}")
        return None
    notes += result.warnings
    return result


def _generated(benches: list[GeneratedBenchmark]) -> list[str]:
    """Files the benchmark generation wrote (tests and their data), repo-relative."""
    return [p for b in benches for p in (b.test_file, b.data_file) if p]


def _write_drafts(
    draft: DraftInputs,
    body: str,
    tree: Path,
    project_rel: Path,
    branch: str | None,
    *,
    commit: bool,
) -> list[str]:
    """The PR bodies, committed to `.codeflash/` on the branch, or kept in the git dir."""
    git = draft.git
    committed = commit and branch is not None
    out_dir = (
        tree / project_rel / STATE_DIR
        if committed
        else git.common_dir() / "codeflash" / "pr" / _safe(branch or git.head_sha(draft.head))
    )
    written = _write_bodies(out_dir, draft, body)
    if committed:
        written = [(project_rel / STATE_DIR / Path(w).name).as_posix() for w in written]
        _commit_bodies(Git(tree), written)
    return written


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


def _view(d: DraftInputs) -> pr_body.BodyView:
    """The template's view of a draft: summary, optimizations, tables, reproduction."""
    by_target = {b.target: b for b in d.benches}
    opts = [
        pr_body.optimization_view(d.git, it, by_target.get(it.target), d.result) for it in d.items
    ]
    tests = {b.target: b.test_name for b in d.benches if b.test_file}
    intro, table, flags = _compare_section(d.result, d.cmd)
    return pr_body.BodyView(
        title=pr_body.title_for(d.items, d.result, tests),
        base=d.base,
        head=d.head,
        base_sha=d.git.short_sha(d.base),
        head_sha=d.git.short_sha(d.head),
        summary=_summary(d, opts),
        optimizations=opts,
        loop_table=pr_body.loop_table(d.items),
        compare_intro=intro,
        compare_table=table,
        compare_flags=flags,
        chart=pr_body.chart(d.result, d.items[0].domain),
        notes=d.notes,
        platform=d.platform,
        reproduce=_reproduce(d.base, d.head, d.cmd, d.result, d.env),
        changelog=[pr_body.changelog_line(it, d.result, tests.get(it.target)) for it in d.items],
    )


def _summary(d: DraftInputs, opts: list[pr_body.OptimizationView]) -> list[str]:
    """The summary bullets: one per optimization, the benchmarks added, the evidence."""
    memory = d.items[0].domain is Domain.MEMORY
    summary = [_summary_line(it, o, memory) for it, o in zip(d.items, opts, strict=True)]
    summary += _benchmarks_added([b for b in d.benches if b.test_file])
    summary.append(_replay_line(d))
    summary.append(pr_body.summarize_tests(d.setup_md))
    return summary


def _benchmarks_added(made: list[GeneratedBenchmark]) -> list[str]:
    """Where the generated benchmarks are and how to run them; which inputs are pickles."""
    if not made:
        return []
    where = Path(made[0].test_file or "").parent
    lines = [
        f"Adds {len(made)} pytest-benchmark test(s) under `{where}`, each fed by an input "
        "captured from a real call, so the gain can be re-measured. They skip where "
        "pytest-benchmark is not installed, so the project's test run stays as it was; run "
        f"them with `python -m pip install pytest-benchmark && python -m pytest {where}`."
    ]
    pickled = [b for b in made if b.input_form == "pickle"]
    if pickled:
        names = ", ".join(f"`{b.target}` (`{b.data_file}`)" for b in pickled)
        lines.append(
            f"Inputs stored as pickles, the last resort (their arguments have no Python "
            f"source; unpickling runs code, so check where they came from): {names}. "
            "Every other benchmark input is written in its test as Python source."
        )
    return lines


def _replay_line(d: DraftInputs) -> str:
    """How many captured calls each change was replayed on, and where they came from."""
    by_target = {b.target: b for b in d.benches}
    sources = {it.target: inputs_in(it.description) for it in d.items}
    counts = "; ".join(
        f"`{t}` on "
        + pr_body.replay_evidence(
            by_target[t].inputs_captured if t in by_target else 0, sources.get(t, "")
        )
        for t in dict.fromkeys(it.target for it in d.items)
    )
    return (
        "Each change was kept only after replaying captured calls through the original and the "
        f"rewrite (same results, exceptions and argument mutations): {counts}."
    )


def _compare_section(result: CompareResult | None, cmd: str) -> tuple[str, str, str]:
    """(intro, table, pytest flags) of the body's compare section."""
    if result is None:
        intro = f"`compare` was not run for this draft; reproduce it with `{cmd}`."
        table = "The measurements from the optimization run are below."
        return intro, table, " ".join([*PYTEST_FLAGS, *BENCH_FLAGS])
    intro = (
        f"`{result.command}`: each ref benchmarked in its own git worktree by the project's "
        f"interpreter (Python {result.python_version}), {result.passes} interleaved pass(es) "
        "per ref; min is the best pass, median the median of the passes; speedup = base min "
        "/ head min."
    )
    return intro, result.markdown(), " ".join(result.pytest_args)


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


def _write_bodies(out_dir: Path, draft: DraftInputs, combined: str) -> list[str]:
    """`pr-body-<func>.md` per function and `pr-body.md` combined, in `out_dir`; returns the
    paths written (absolute)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for target in dict.fromkeys(it.target for it in draft.items):
        one = draft.for_target(target)
        bench = one.benches[0] if one.benches else None
        slug = bench.test_name.removeprefix("test_benchmark_") if bench else one.items[0].func_slug
        name = f"pr-body-{slug}.md"
        (out_dir / name).write_text(pr_body.render_body(_view(one), draft.domain), encoding="utf-8")
        written.append(str(out_dir / name))
    (out_dir / COMBINED_BODY).write_text(combined, encoding="utf-8")
    written.append(str(out_dir / COMBINED_BODY))
    return written
