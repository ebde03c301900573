"""The experiment loop: profile -> targets -> propose -> verify -> measure -> keep or discard.

Order of gates per candidate, cheapest first, and the original stays on disk until the very
last gates: scope -> replay on captured inputs -> timing (twice, fresh processes) -> write the
candidate -> repo tests + guard -> commit, or restore the file byte for byte.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import libcst as cst

from codeflash_bot.capture import corpus_dir
from codeflash_bot.capture.benchmarks import asv_gate, only_benchmarks
from codeflash_bot.capture.generate import with_hypothesis
from codeflash_bot.capture.sources import (
    INPUTS_HEADING,
    INPUTS_MARK,
    describe_counts,
    source_counts,
    sources_md,
)
from codeflash_bot.config import Config
from codeflash_bot.domains import Engine, EngineContext, available_domains, engine_for
from codeflash_bot.domains.choice import decide
from codeflash_bot.errors import BotError
from codeflash_bot.faults import checkpoint
from codeflash_bot.formatter import Formatter, same_code
from codeflash_bot.formatter import load as load_formatter
from codeflash_bot.git import Git, open_repo
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.measure.evidence import SCALE_FILE, save_scale
from codeflash_bot.models import (
    Candidate,
    ChangedReport,
    Domain,
    DomainScore,
    ExperimentRecord,
    Phase,
    Reason,
    Request,
    RunSummary,
    Status,
    Target,
    Verdict,
)
from codeflash_bot.profile.cpu import resolve_target
from codeflash_bot.progress import NullReporter, Reporter
from codeflash_bot.propose import Proposer, RunPaths
from codeflash_bot.propose.llm import build_proposers, llm_reports
from codeflash_bot.propose.llm.explanations import EXPLANATIONS, save_explanation
from codeflash_bot.router import route
from codeflash_bot.sandbox import HarnessError
from codeflash_bot.session.change_review import render_md, review_change
from codeflash_bot.session.changed import ChangedSet, changed_functions
from codeflash_bot.session.clock import BudgetSpent, PhaseClock, secs
from codeflash_bot.session.recovery import scratch_dir
from codeflash_bot.session.report import render_handoff, render_learnings
from codeflash_bot.session.setup import SetupInfo, detect_setup, ensure_tools, render_setup_md
from codeflash_bot.session.state import (
    CONVENTIONS,
    HANDOFF,
    LEARNINGS,
    RESULTS,
    SETUP,
    parse_scope_excludes,
)
from codeflash_bot.session.test_deps import install_missing_test_deps
from codeflash_bot.session.workspace import (
    Workspace,
    copy_ignored_sources,
    finish_interrupted_keep,
    open_workspace,
    publish_state,
    require_clean,
    sync_mirror_from_branch,
)
from codeflash_bot.verify.gate import BaselineGate, baseline_gate
from codeflash_bot.verify.tests import RunLimits, TestRun, plan_tests, run_guard, run_tests

STATE_FILES = (RESULTS, HANDOFF, LEARNINGS, SETUP, CONVENTIONS, EXPLANATIONS, SCALE_FILE)


@dataclass
class Run:
    """Mutable bookkeeping of one run (kept out of the frozen boundary models)."""

    ws: Workspace
    config: Config
    setup: SetupInfo
    engine: Engine
    ctx: EngineContext
    why: str
    reporter: Reporter
    baseline: TestRun
    guard: str | None
    gate: BaselineGate
    clock: PhaseClock
    experiments: int = 0
    discards_in_a_row: int = 0
    targets: list[Target] = field(default_factory=list)
    proposers: list[Proposer] = field(default_factory=list)
    changed_report: ChangedReport | None = None
    formatter: Formatter | None = None  # the project's formatter, run on each kept file

    @property
    def domain(self) -> Domain:
        return self.engine.domain

    def limited(self) -> EngineContext:
        """The engine context, its child timeouts cut to the time left in the current phase."""
        return replace(self.ctx, config=self.clock.limited(self.config), clock=self.clock)

    def out_of_budget(self) -> str | None:
        if self.clock.spent():
            self.clock.cut("the budget ended; no further experiment started")
            return f"time budget used ({self.config.budget_minutes:g} min)"
        if self.experiments >= self.config.max_experiments:
            return f"max experiments ({self.config.max_experiments}) reached"
        if self.discards_in_a_row >= self.config.plateau:
            return f"plateau: {self.config.plateau} discards in a row"
        return None


def optimize(
    request: Request,
    config: Config,
    reporter: Reporter | None = None,
    proposers: list[Proposer] | None = None,
    *,
    started: float | None = None,
) -> RunSummary:
    """Run the loop on `request.repo`; raises BotError for anything the user must fix.

    `proposers` defaults to the domain's rules; any Proposer (LLM, tests) goes through the very
    same verification and keep rule. `--budget-minutes` counts from `started` (time.monotonic();
    the CLI passes its process's start), else from here (session/clock.py).
    """
    minutes = config.merged(budget_minutes=request.budget_minutes).budget_minutes
    clock = PhaseClock(minutes, start=started)
    try:
        return _optimize(request, config, reporter, proposers, clock)
    finally:
        clock.finish()  # and no deadline left behind for the caller's own children


def _optimize(
    request: Request,
    config: Config,
    reporter: Reporter | None,
    proposers: list[Proposer] | None,
    clock: PhaseClock,
) -> RunSummary:
    reporter = reporter or NullReporter()
    config = config.merged(
        guard=request.guard,
        workload=request.workload,
        budget_minutes=request.budget_minutes,
        max_experiments=request.max_experiments,
        min_improvement=request.min_improvement,
    )
    user_git = open_repo(request.repo)
    for line in require_clean(user_git):
        reporter.note(line)
    toplevel = user_git.toplevel().resolve()
    project_rel = Path(request.repo).resolve().relative_to(toplevel)
    asked = request.domain if request.domain is not Domain.AUTO else config.domain
    domain, why = route(asked, request.text, user_git.current_branch())
    changed = _changed_scope(user_git, project_rel, request, domain)
    if domain is Domain.AUTO:
        clock.begin(Phase.AUTO)
        domain, why = choose_domain(user_git, project_rel, config, reporter, clock)
    engine = engine_for(domain)
    # built before anything is touched: `--proposer llm` without a key fails here, in one line
    chosen = proposers
    if chosen is None:
        chosen = build_proposers(config, domain, Path(request.repo), notify=reporter.note)
    reporter.stage("setup", "preparing the bot's branch")
    clock.begin(Phase.SETUP)
    ws = open_workspace(user_git, project_rel, domain)
    checkpoint("setup")
    start = ws.git.head_sha()
    try:
        summary = _run(ws, request, config, engine, why, reporter, chosen, clock, changed)
    except BaseException:
        ws.close()
        if not ws.resumed and user_git.head_sha(ws.branch) == start:
            user_git.run("branch", "-D", ws.branch, check=False)
        raise
    ws.close()
    return summary


def _changed_scope(
    user_git: Git, project_rel: Path, request: Request, domain: Domain
) -> ChangedSet | None:
    """`--changed-since REF` (PR mode): the changed functions, checked before anything runs."""
    if request.changed_since is None:
        return None
    if request.target:
        raise BotError("--changed-since and --target exclude each other")
    if domain is Domain.STRUCTURE:
        raise BotError("--changed-since works on functions: use the cpu, memory or async domain")
    changed = changed_functions(user_git, project_rel, request.changed_since)
    if not changed.functions:
        raise BotError(
            f"no function or method changed between {request.changed_since} and HEAD"
            f" (merge-base {changed.base[:12]}); nothing to optimize"
        )
    return changed


def choose_domain(
    user_git: Git,
    project_rel: Path,
    config: Config,
    reporter: Reporter,
    clock: PhaseClock | None = None,
) -> tuple[Domain, str]:
    """`--domain auto`: a short profile of each kind on a throwaway worktree of HEAD.

    The user's tree is never used for this (tests may write files). The numbers go to the pure
    `domains.choice.decide` (margin + fixed preference, so load does not flip the choice);
    returns (domain, why), the why holding every engine's numbers for HANDOFF.md. With a
    `clock`, the engines still to estimate share the time left in the auto phase equally.
    """
    domains = available_domains()
    if domains == [Domain.CPU]:
        return Domain.CPU, "auto: the CPU engine is the only one available"
    reporter.stage("auto", "short profile of each domain")
    tmp = scratch_dir("auto")
    worktree = tmp / "wt"
    scores: list[DomainScore] = []
    try:
        user_git.add_detached_worktree(worktree, "HEAD")
        copy_ignored_sources(user_git, worktree)
        checkpoint("auto")
        project = worktree / project_rel
        setup = detect_setup(project, config)
        for i, domain in enumerate(domains):
            engine = engine_for(domain)
            if clock is not None and clock.expired():
                detail = f"{domain.value}: not estimated, the auto phase's time share was used"
                clock.cut(detail)
                scores.append(DomainScore(domain=domain, detail=detail))
                continue
            limited = clock.limited(config, 1 / (len(domains) - i)) if clock else config
            cuts = clock.cuts if clock else 0
            try:
                ensured = ensure_tools(setup, list(engine.tools))
                runner = HarnessRunner.for_project(ensured, project, config.memory_limit_mb)
                ctx = EngineContext(
                    project, ensured, limited, tmp / "corpus", reporter, clock=clock, runner=runner
                )
                score = engine.score(ctx)
            except (BotError, HarnessError, OSError) as exc:
                detail = f"{domain.value}: could not estimate ({exc})"
                score = DomainScore(domain=domain, detail=detail)
            if clock is not None and (clock.cuts > cuts or clock.expired()):
                score = score.model_copy(update={"cut_short": True})
            scores.append(score)
    finally:
        user_git.remove_worktree(worktree)
        shutil.rmtree(tmp, ignore_errors=True)
    decision = decide(scores, config.auto_margin)
    reporter.note(f"domain {decision.domain.value}: {decision.reason}")
    return decision.domain, decision.why


def _run(
    ws: Workspace,
    request: Request,
    config: Config,
    engine: Engine,
    why: str,
    reporter: Reporter,
    proposers: list[Proposer],
    clock: PhaseClock,
    changed: ChangedSet | None = None,
) -> RunSummary:
    sync_mirror_from_branch(ws, STATE_FILES)
    if sha := finish_interrupted_keep(ws.mirror, ws.git):
        reporter.note(f"recorded keep {sha}, committed by a run that was killed before its row")
    clock.run_to_end()  # the environment may take the whole budget, never more
    setup = _environment(ws, config, engine, reporter)
    config, guard = _conventions(ws, config, reporter)
    if request.target:
        resolve_target(request.target, ws.project, setup)  # fail before touching anything
    guard, guard_words = _what_gates(ws, setup, config, guard, reporter)
    baseline, gate, cut = _baseline(ws, setup, config, clock, reporter, guard, guard_words)
    runner = HarnessRunner.for_project(setup, ws.project, config.memory_limit_mb)
    ctx = EngineContext(
        ws.project,
        setup,
        config,
        ws.corpus_root,
        reporter,
        clock=clock,
        changed=changed,
        runner=runner,
    )
    proposers = _bound(ws, setup, engine.proposers(proposers))
    run = Run(
        ws,
        config,
        setup,
        engine,
        ctx,
        why,
        reporter,
        baseline,
        guard,
        gate,
        clock,
        proposers=proposers,
    )
    run.formatter, line = load_formatter(ws.project, config.formatter, setup.python)
    if line:
        reporter.note(line)
    if request.target:
        run.targets = [resolve_target(request.target, ws.project, setup)]
    stopped = "finished"
    try:
        if cut:
            raise BudgetSpent(Phase.BASELINE, cut)
        stopped = _experiments(run, request)
    except BudgetSpent as exc:
        stopped = str(exc)
        reporter.note(stopped)
    except KeyboardInterrupt:
        stopped = "interrupted"
        raise
    except Exception as exc:
        stopped = f"stopped by an error: {' '.join(str(exc).split())[:200]}"
        raise
    finally:
        for line in llm_reports(run.proposers):
            reporter.note(line)
        clock.finish()
        _write_reports(run, stopped)
        publish_state(
            ws, STATE_FILES, f"codeflash: state after {_plural(len(ws.mirror.results()))}"
        )
    return _summary(run, stopped)


def _environment(ws: Workspace, config: Config, engine: Engine, reporter: Reporter) -> SetupInfo:
    """The project's environment with the engine's tools, the tests' undeclared dependencies
    and hypothesis (for generated inputs); setup.md says what was found."""
    setup = ensure_tools(detect_setup(ws.project, config), list(engine.tools))
    setup = install_missing_test_deps(
        setup, ws.project, timeout=config.test_timeout, memory_mb=config.memory_limit_mb
    )
    setup, no_hypothesis = with_hypothesis(setup)
    if no_hypothesis:
        reporter.note(no_hypothesis)
    ws.mirror.write(SETUP, render_setup_md(setup, ws.project))
    return setup


def _conventions(ws: Workspace, config: Config, reporter: Reporter) -> tuple[Config, str | None]:
    """conventions.md (maintainer input: review feedback lands on the branch, so the branch
    wins): the config with its scope exclusions applied, and the guard."""
    committed = ws.state.read(CONVENTIONS)
    if committed:
        ws.mirror.write(CONVENTIONS, committed)
    guard = config.guard or ws.mirror.guard()
    if not ws.mirror.read(CONVENTIONS):
        ws.mirror.write(CONVENTIONS, _conventions_md(guard))
    excluded = parse_scope_excludes(ws.mirror.read(CONVENTIONS))
    if excluded:
        config = config.merged(exclude=sorted({*config.exclude, *excluded}))
        reporter.note(f"conventions.md keeps the bot away from: {', '.join(excluded)}")
    return config, guard


def _what_gates(
    ws: Workspace, setup: SetupInfo, config: Config, guard: str | None, reporter: Reporter
) -> tuple[str | None, str]:
    """(guard, its words): a repository with no tests but an asv suite is gated by that suite;
    one with nothing that can check a change stops here with one line."""
    asv = None if setup.tests_found or config.workload else asv_gate(ws.project)
    if asv is not None and not config.test_command:
        reporter.note(f"no tests: {asv[1]} checks every change")
        return (guard, "") if guard else asv
    if not setup.tests_found and not config.workload and not config.test_command:
        raise BotError(
            f"no tests found in {ws.project_rel.as_posix() or '.'} (looked in the pytest"
            " testpaths, tests/, test/ and for test_*.py, *_test.py); add tests, set"
            " test-command or pass --workload"
        )
    return guard, ""


def _baseline(
    ws: Workspace,
    setup: SetupInfo,
    config: Config,
    clock: PhaseClock,
    reporter: Reporter,
    guard: str | None,
    guard_words: str,
) -> tuple[TestRun, BaselineGate, str | None]:
    """Run the tests (and the guard) once before any change: (the run, what it lets gate
    changes, why the budget cut the phase or None). Stops the run when nothing can gate."""
    reporter.stage("baseline", "running the tests once")
    clock.begin(Phase.BASELINE)
    limits: RunLimits = {
        "timeout": clock.timeout(config.test_timeout),
        "memory_mb": config.memory_limit_mb,
    }
    plan = plan_tests(setup, ws.project)
    baseline = run_tests(setup, ws.project, **limits)
    checkpoint("baseline")
    cut = _baseline_cut(clock, baseline.timed_out, "the baseline tests")
    if baseline.timed_out and not cut:
        raise BotError(f"the tests time out at baseline (test-timeout {config.test_timeout:g} s)")
    gate = baseline_gate(
        baseline,
        guard=guard,
        workload=config.workload,
        benchmarks_only=only_benchmarks(ws.project, config.benchmarks_root, setup.tests_found),
        guard_words=guard_words,
    )
    ws.mirror.write(SETUP, render_setup_md(setup, ws.project) + gate.setup_md(plan))
    if gate.stop and not cut:
        raise BotError(gate.stop)
    for line in gate.notes if not cut else []:
        reporter.note(line)
    if guard and not cut:
        limits["timeout"] = clock.timeout(config.test_timeout)
        ok, tail = run_guard(guard, setup, ws.project, **limits)
        cut = _baseline_cut(clock, not ok and clock.expired(), "the guard")
        if not ok and not cut:
            raise BotError(f"the guard fails before any change ({guard}): {tail}")
    return baseline, gate, cut


def _bound(ws: Workspace, setup: SetupInfo, proposers: list[Proposer]) -> list[Proposer]:
    """The proposers, each told where this run's checkout, state, corpus and interpreter are."""
    paths = RunPaths(
        ws.project,
        ws.mirror.dir,
        ws.corpus_root,
        python=setup.python,
        pythonpath=setup.pythonpath,
        env=setup.env(ws.project),
    )
    for proposer in proposers:
        proposer.bind(paths)
    return proposers


def _baseline_cut(clock: PhaseClock, timed_out: bool, what: str) -> str | None:
    """Why the baseline phase stops for the budget, when `what` ran out of the time it had left
    (a time-out at the configured test-timeout itself stays an error for the user to fix)."""
    if not timed_out or not clock.expired():
        return None
    detail = f"{what} did not finish in the {secs(clock.phase_seconds())} of the baseline share"
    clock.cut(detail)
    return detail


def _experiments(run: Run, request: Request) -> str:
    ws, clock = run.ws, run.clock
    run.reporter.stage("profile", f"{run.domain.value} profile")
    clock.begin(Phase.PROFILE)
    if not run.targets:
        try:
            run.targets = run.engine.find_targets(run.limited(), run.proposers)
        except BotError as exc:
            if not clock.expired():
                raise
            raise BudgetSpent(Phase.PROFILE, f"the profile was stopped unfinished ({exc})") from exc
        checkpoint("profile")
        run.reporter.note(run.ctx.funnel.line())
    _write_sources(run)
    changed_mode = run.ctx.changed is not None
    if not run.targets and not changed_mode:
        if cut := clock.cut_reason():
            raise BudgetSpent(Phase.PROFILE, f"{cut}; nothing to work on")
        return _nothing_to_rewrite(run.ctx)
    run.reporter.stage("prepare", f"{len(run.targets)} targets")
    clock.begin(Phase.PREPARE)
    explicit = bool(request.target)
    wanted = len(run.targets)
    if changed_mode:
        ready, run.changed_report = review_change(run.engine, run.limited(), run.targets)
        if not wanted:
            return "no rule applies to the functions this change touched"
    else:
        ready = run.engine.prepare(run.limited(), run.targets)
    checkpoint("capture")
    source = run.ctx.input_source()
    never_call = f"{source} never {'calls' if source.startswith('the workload') else 'call'}"
    if not ready and (cut := clock.cut_reason()):
        raise BudgetSpent(Phase.PREPARE, f"{cut}; no target has inputs")
    if explicit and not ready:
        raise BotError(f"{never_call} {request.target}; no inputs to verify a rewrite")
    _record_skips(run)
    run.targets = ready
    if not ready:
        return f"{never_call} the {_plural(wanted, 'function')} a rule can rewrite"
    clock.begin(Phase.EXPERIMENTS)
    tried_before = 0
    for index, target in enumerate(run.targets):
        run.reporter.target(target, index, len(run.targets))
        tried = {r.rule for r in ws.mirror.results() if r.target == target.ref}
        tried_before += len(tried)
        for proposer in run.proposers if explicit else _wanting(run, target):
            while True:
                if reason := run.out_of_budget():
                    return reason
                source_text = (ws.project / target.file).read_text(encoding="utf-8")
                candidate = proposer.next_candidate(target, source_text, tried)
                if candidate is None:
                    break
                tried.add(candidate.rule)
                _record(run, candidate, source_text)
    targets = _plural(len(run.targets), "target")
    if run.experiments:
        return f"every applicable rule was tried on the {targets} ({_plural(run.experiments)})"
    if tried_before:
        return f"no new experiment: every applicable rule was tried on the {targets} before"
    return f"no experiment ran: the rules matching the {targets} produced no rewrite"


def _inputs_of(run: Run, target: Target) -> str:
    """Where the inputs behind a verdict came from, for results.tsv, HANDOFF.md and the PR."""
    return describe_counts(source_counts(corpus_dir(run.ws.corpus_root, target)))


def _write_sources(run: Run) -> None:
    """setup.md's `## Inputs`: the input sources in order of trust and which ranked targets."""
    text = run.ws.mirror.read(SETUP).split(INPUTS_HEADING, 1)[0].rstrip("\n") + "\n"
    sources = run.ctx.input_sources()
    run.ws.mirror.write(SETUP, text + sources_md(sources, run.ctx.funnel.ranked_by))


def _record_skips(run: Run) -> None:
    """A target with neither captured nor generated inputs: one `skip` row saying why (once;
    a resumed run does not repeat it)."""
    ws = run.ws
    done = {(r.target, r.status) for r in ws.mirror.results()}
    for ref, why in run.ctx.funnel.skipped.items():
        if (ref, Status.SKIP) in done:
            continue
        row = ExperimentRecord(
            target=ref,
            domain=run.domain,
            metric=run.engine.metric,
            status=Status.SKIP,
            description=f"- no experiment — {why}",
            rule="-",
        )
        ws.mirror.append_result(row)
        run.reporter.note(f"{ref}: {why}")


def _nothing_to_rewrite(ctx: EngineContext) -> str:
    """Why the profile gave no target, in the words of what the run saw."""
    profiled = ctx.funnel.profiled
    if profiled is None:
        return "the profile found nothing in the repository's own code to work on"
    if profiled == 0:
        source = ctx.input_source()
        return f"the profile saw none of the repository's own functions run under {source}"
    return (
        f"no rule applies to the {_plural(profiled, 'own function')} in the profile"
        " (nor to any function found by the static scan)"
    )


def _wanting(run: Run, target: Target) -> list[Proposer]:
    """The proposers that want this target (an LLM is not asked about every function).

    A target the user named with --target is offered to every proposer instead.
    """
    try:
        module = cst.parse_module((run.ws.project / target.file).read_text(encoding="utf-8"))
    except (OSError, cst.ParserSyntaxError):
        return []
    return [p for p in run.proposers if p.wants(module, target)]


def _record(run: Run, candidate: Candidate, original: str) -> None:
    ws = run.ws
    try:
        verdict = _evaluate(run, candidate, original)
    except BaseException:
        ws.restore_candidate(candidate.target.file)
        raise
    best = min(verdict.measurements, key=lambda m: m.gain, default=None)
    description = candidate.description
    if verdict.status is Status.KEEP and verdict.detail:
        description += f" — {verdict.detail}"
    if verdict.status is not Status.KEEP:
        description += f" — {verdict.reason.value}" + (
            f": {verdict.detail}" if verdict.detail else ""
        )
    inputs = _inputs_of(run, candidate.target)
    description += f"{INPUTS_MARK}{inputs}"
    record = ExperimentRecord(
        target=candidate.target.ref,
        domain=run.domain,
        metric=run.engine.metric,
        baseline=best.baseline if best else None,
        candidate=best.candidate if best else None,
        delta_pct=(best.candidate / best.baseline - 1) * 100 if best and best.baseline else None,
        status=verdict.status,
        description=description,
        rule=candidate.rule,
    )
    if verdict.status is Status.KEEP:
        message = _commit_message(candidate, verdict, run.engine) + f"Inputs: {inputs}.\n"
        sha = ws.commit_keep(message, candidate.target.file, record)
        record = record.model_copy(update={"commit": sha})
        run.discards_in_a_row = 0
    else:
        ws.mirror.append_result(record)
        run.discards_in_a_row += 1
    checkpoint("recorded")
    if candidate.explanation:
        save_explanation(ws.mirror, record.target, candidate.rule, candidate.explanation)
    if verdict.scale is not None and verdict.status is Status.KEEP:
        save_scale(ws.mirror, record.target, candidate.rule, verdict.scale)
    for proposer in run.proposers:
        if proposer.name == candidate.proposer:
            proposer.feedback(record)
    run.experiments += 1
    kept = sum(r.status is Status.KEEP for r in ws.mirror.results())
    _write_reports(run, RUNNING)
    run.reporter.experiment(record, run.experiments, run.config.max_experiments, kept)


def _evaluate(run: Run, candidate: Candidate, original: str) -> Verdict:
    ws, config, target = run.ws, run.config, candidate.target
    problem = run.engine.scope_problem(original, candidate)
    if problem is not None:
        return Verdict(status=Status.DISCARD, reason=problem.reason, detail=problem.detail)
    verdict = run.engine.evaluate(run.limited(), candidate)
    _unjudged(run, candidate, verdict.reason is Reason.TIMEOUT)
    if verdict.status is not Status.KEEP:
        return verdict
    candidate, verdict = _formatted(run, candidate, original, verdict)
    if verdict.status is not Status.KEEP:
        return verdict
    measurements = verdict.measurements
    ws.write_candidate(target.file, candidate.source)
    checkpoint("candidate-written")
    limits: RunLimits = {
        "timeout": run.clock.timeout(config.test_timeout),
        "memory_mb": config.memory_limit_mb,
    }
    tests = run_tests(run.setup, ws.project, **limits)
    _unjudged(run, candidate, tests.timed_out)
    new = tests.new_failures(run.baseline)
    if new:
        ws.restore_candidate(target.file)
        detail = ", ".join(sorted(new)[:3])
        return Verdict(
            status=Status.DISCARD, reason=Reason.TESTS, detail=detail, measurements=measurements
        )
    if run.guard:
        limits["timeout"] = run.clock.timeout(config.test_timeout)
        ok, tail = run_guard(run.guard, run.setup, ws.project, **limits)
        _unjudged(run, candidate, not ok)
        if not ok:
            ws.restore_candidate(target.file)
            return Verdict(
                status=Status.DISCARD, reason=Reason.GUARD, detail=tail, measurements=measurements
            )
    if not run.gate.gating:
        detail = "; ".join(d for d in (verdict.detail, run.gate.keep_caveat) if d)
        return verdict.model_copy(update={"detail": detail})
    return verdict


def _formatted(
    run: Run, candidate: Candidate, original: str, verdict: Verdict
) -> tuple[Candidate, Verdict]:
    """The candidate as the project's formatter writes it, before the tests and the commit.

    Layout-only changes (same syntax tree) keep the verdict; anything else the tools changed
    (an import sorter moving imports) is verified and measured again, as a new candidate would
    be. A formatted text that leaves the target's scope is not used.
    """
    if run.formatter is None:
        return candidate, verdict
    path = run.ws.project / candidate.target.file
    source = run.formatter.apply(path, original, candidate.source)
    if source == candidate.source:
        return candidate, verdict
    formatted = candidate.model_copy(update={"source": source})
    if same_code(source, candidate.source):
        return formatted, verdict
    if run.engine.scope_problem(original, formatted) is not None:
        return candidate, verdict
    again = run.engine.evaluate(run.limited(), formatted)
    _unjudged(run, formatted, again.reason is Reason.TIMEOUT)
    return formatted, again


def _unjudged(run: Run, candidate: Candidate, timed_out: bool) -> None:
    """A step stopped at the end of the budget judged nothing: no row, the file restored (by
    `_record`), the run stops; the next run tries this candidate again."""
    if timed_out and run.clock.spent():
        detail = f"{candidate.target.ref} ({candidate.rule}) stopped unjudged, not recorded"
        run.clock.cut(detail)
        raise BudgetSpent(Phase.EXPERIMENTS, detail)


def _commit_message(candidate: Candidate, verdict: Verdict, engine: Engine) -> str:
    """First line: target, idea, headline figure (the engine's words); body: how measured."""
    headline, measured = engine.commit_figures(verdict)
    idea = candidate.description.split(":", 1)[0]
    detail = f"\n{verdict.detail}" if verdict.detail else ""
    return (
        f"⚡ {candidate.target.ref}: {idea} ({headline})\n\n"
        f"Domain: {engine.domain.value}. Proposer: {candidate.proposer} ({candidate.rule}).\n"
        f"Measured: {measured}.{detail}\n"
    )


RUNNING = "running"
PENDING_SECONDS = 10.0  # the final plan's rule matching is bounded: it runs after the budget
STILL_RUNNING = "the run is still working through its targets; the plan is written at its end"


def _write_reports(run: Run, stopped: str) -> None:
    """HANDOFF.md and learnings.md; the "Next" plan (rule matching on every target, libcst
    work the clock cannot interrupt) only at the end, and bounded in time there."""
    ws = run.ws
    records = ws.mirror.results()
    pending = [STILL_RUNNING] if stopped == RUNNING else _pending(run, records)
    ws.mirror.write(
        HANDOFF,
        render_handoff(
            branch=ws.branch,
            domain=run.domain,
            why=run.why,
            records=records,
            pending=pending,
            stopped=stopped,
            funnel=run.ctx.funnel.line(),
            phases=run.clock.phases(),
            budget_seconds=run.clock.total,
            wall_seconds=run.clock.used(),
        )
        + run.gate.handoff_md()
        + (render_md(run.changed_report) if run.changed_report else ""),
    )
    ws.mirror.write(LEARNINGS, render_learnings(ws.mirror.read(LEARNINGS), run.targets, records))


def _pending(run: Run, records: list[ExperimentRecord]) -> list[str]:
    out = []
    deadline = time.monotonic() + PENDING_SECONDS
    for index, target in enumerate(run.targets):
        if time.monotonic() > deadline:
            left = len(run.targets) - index
            out.append(f"{_plural(left, 'more target')} not checked for remaining rules (time)")
            break
        path = run.ws.project / target.file
        if not path.exists():
            continue
        tried = {r.rule for r in records if r.target == target.ref}
        source = path.read_text(encoding="utf-8")
        codes = [code for p in run.proposers for code in p.remaining(target, source, tried)]
        if codes:
            out.append(f"`{target.ref}`: try {', '.join(codes)}")
    return out


def _plural(n: int, noun: str = "experiment") -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _conventions_md(guard: str | None) -> str:
    body = guard or "<!-- a command that must pass after every keep, e.g. `python -m pytest -q` -->"
    return f"# Conventions\n\n## Guard\n\n{body}\n"


def _summary(run: Run, stopped: str) -> RunSummary:
    records = run.ws.mirror.results()
    kept = [r for r in records if r.status is Status.KEEP]
    best = max((-(r.delta_pct or 0.0) for r in kept), default=None)
    return RunSummary(
        branch=run.ws.branch,
        domain=run.domain,
        experiments=sum(r.status is not Status.SKIP for r in records),
        kept=kept,
        discarded=sum(r.status is Status.DISCARD for r in records),
        crashed=sum(r.status is Status.CRASH for r in records),
        best_improvement_pct=best,
        stopped_because=stopped,
        worktree_used=not run.ws.in_place,
        phases=run.clock.phases(),
        budget_seconds=run.clock.total,
        wall_seconds=run.clock.used(),
        changed=run.changed_report or _bare_report(run.ctx.changed),
    )


def _bare_report(changed: ChangedSet | None) -> ChangedReport | None:
    """What is known of the change when the run stopped before reviewing it."""
    if changed is None:
        return None
    refs = [f"{f.file.as_posix()}::{f.qualname}" for f in changed.functions]
    return ChangedReport(since=changed.since, base=changed.base, changed=refs)
