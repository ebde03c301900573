"""CPU engine: pyinstrument hot functions, replay on captured inputs, interleaved A/B timing."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import libcst as cst

from codeflash_bot.capture import capture_inputs, corpus_dir, count_inputs
from codeflash_bot.capture.generate import GENERATE_BELOW, NO_INPUTS, generate_inputs
from codeflash_bot.capture.sources import InputSource, timing_inputs
from codeflash_bot.domains.base import Engine, EngineContext
from codeflash_bot.domains.scale import Ladders, judge_at_scale
from codeflash_bot.errors import BotError
from codeflash_bot.faults import checkpoint
from codeflash_bot.measure.decide import Metric, judge
from codeflash_bot.measure.decide import crash_verdict as crash_verdict
from codeflash_bot.measure.timing import TIMING_INPUTS, measure
from codeflash_bot.models import (
    Candidate,
    Domain,
    DomainScore,
    Measurement,
    Reason,
    Status,
    Target,
    Verdict,
)
from codeflash_bot.profile.budget import hard_stop_grace, harness_timeout, profile_budget
from codeflash_bot.profile.cpu import CpuProfile, own_functions, profile_cpu
from codeflash_bot.propose import Proposer, RulesProposer
from codeflash_bot.sandbox import HarnessError, current_deadline
from codeflash_bot.verify.replay import replay

STATIC_SCAN_SECONDS = 60.0
LADDER_SEEDS = 64  # captured calls timed to pick the one a size ladder grows from
MIN_MATCHED = 3  # hottest profiled functions checked for a rule even past the phase's deadline


def workable(ctx: EngineContext, profiled: list[Target], proposers: list[Proposer]) -> list[Target]:
    """Hottest profiled targets a proposer wants, then statically matched ones.

    Sampling misses sub-millisecond functions, so functions of the repo's own code that a
    proposer wants are added after the profiled ones; capture drops those the tests never call.
    """
    parsed: dict[Path, cst.Module | None] = {}

    def wanted(target: Target) -> bool:
        if target.file not in parsed:
            try:
                text = (ctx.project / target.file).read_text(encoding="utf-8")
                parsed[target.file] = cst.parse_module(text)
            except (OSError, cst.ParserSyntaxError):
                parsed[target.file] = None
        module = parsed[target.file]
        return module is not None and any(p.wants(module, target) for p in proposers)

    limit = ctx.config.max_targets
    profiled = [t for t in profiled if ctx.in_scope(t)]
    seen = {t.ref for t in profiled}
    # Matching every rule is a libcst pass per rule over each function (about a second per
    # function of a big module on a loaded machine): the hottest functions are matched first
    # and the matching stops at the phase's deadline, keeping what matched until then. The
    # profile itself may use most of the phase, so the first MIN_MATCHED are always checked
    # until one matches: a profile that found hot code is never thrown away unread.
    run_deadline = current_deadline()
    ordered: list[Target] = []
    for checked, target in enumerate(profiled[: 4 * limit]):
        if len(ordered) >= limit:
            break
        late = run_deadline is not None and time.monotonic() > run_deadline
        if late and (ordered or checked >= MIN_MATCHED):
            ctx.cut_short(
                f"matching rules to the profiled functions stopped at the phase's end"
                f" ({checked} of {min(len(profiled), 4 * limit)} checked)"
            )
            _count(ctx, profiled, ordered, 0)
            return ordered
        if wanted(target):
            ordered.append(target)
    if len(ordered) >= limit:
        _count(ctx, profiled, ordered, 0)
        return ordered
    # Static matches fill the remaining slots; rules can be slow on big trees, so this pass is
    # bounded in time (files of profiled functions first: that is where the tests go).
    hot_files = {t.file for t in profiled}
    static = sorted(
        own_functions(ctx.project, ctx.setup, ctx.config.exclude),
        key=lambda t: (t.file not in hot_files, t.file.as_posix(), t.lineno),
    )
    deadline = time.monotonic() + STATIC_SCAN_SECONDS
    if run_deadline is not None:
        deadline = min(deadline, run_deadline)
    from_profile = len(ordered)
    for target in static:
        if len(ordered) >= limit:
            break
        if time.monotonic() > deadline:
            if run_deadline is not None and deadline == run_deadline:
                ctx.cut_short("the static scan for functions a rule matches stopped at the limit")
            break
        if target.ref not in seen and ctx.in_scope(target) and wanted(target):
            ordered.append(target)
    _count(ctx, profiled, ordered, len(ordered) - from_profile)
    return ordered


def _count(ctx: EngineContext, profiled: list[Target], ordered: list[Target], static: int) -> None:
    ctx.funnel.profiled = len(profiled)
    ctx.funnel.wanted = len(ordered)
    ctx.funnel.from_static = static


def capture_for(ctx: EngineContext, targets: list[Target]) -> list[Target]:
    """Record inputs from every input source, most trusted first; generate inputs from type
    hints where fewer than GENERATE_BELOW calls were captured; drop (and say why) targets left
    with no inputs at all (`ctx.funnel.skipped`, which the loop records in results.tsv).

    A capture stopped at its budget keeps the inputs recorded until then (and says so).
    """
    counts, coverage = capture_inputs(
        ctx.setup,
        ctx.project,
        targets,
        ctx.corpus_root,
        sources=ctx.input_sources(),
        timeout=harness_timeout(ctx.config),
        memory_mb=ctx.config.memory_limit_mb,
        budget=profile_budget(ctx.config),
        grace=hard_stop_grace(ctx.config),
    )
    if line := coverage.describe("capture"):
        ctx.cut_short(line)
    few = [t for t in targets if counts.get(t.ref, 0) < GENERATE_BELOW]
    made = generate_inputs(
        ctx.setup,
        ctx.project,
        [(t, corpus_dir(ctx.corpus_root, t)) for t in few],
        timeout=harness_timeout(ctx.config),
        memory_mb=ctx.config.memory_limit_mb,
    )
    source = ctx.input_source() + (" (the sample that ran)" if coverage.stopped else "")
    generated_only = 0
    for target in targets:
        got = made.get(target.ref)
        if counts.get(target.ref, 0) == 0:
            if got is not None and got.count > 0:
                generated_only += 1
            else:
                why = got.reason if got is not None and got.reason else "no usable type hints"
                ctx.funnel.skipped[target.ref] = (
                    f"{NO_INPUTS}: not called by {source}, and no inputs generated ({why})"
                )
    silent = [t.ref for t in targets if counts.get(t.ref, 0) == 0]
    if silent:
        names = ", ".join(silent)
        ctx.reporter.note(f"no inputs captured for {names}: not called by {source}")
    for ref, got in made.items():
        if got.count and counts.get(ref, 0) == 0:
            ctx.reporter.note(f"{ref}: {got.count} inputs generated from type hints")
    ready = [t for t in targets if count_inputs(corpus_dir(ctx.corpus_root, t)) > 0]
    ctx.funnel.ready = len(ready) - generated_only
    ctx.funnel.generated = generated_only
    return ready


def replay_gate(ctx: EngineContext, candidate: Candidate) -> tuple[Verdict | None, bool]:
    """Behaviour on captured inputs: (a discard/crash verdict or None, mutates_args)."""
    corpus = corpus_dir(ctx.corpus_root, candidate.target)
    if count_inputs(corpus) == 0:
        return Verdict(status=Status.DISCARD, reason=Reason.NO_INPUTS), False
    result = replay(
        ctx.setup,
        ctx.project,
        candidate.target,
        candidate.source,
        corpus,
        timeout=ctx.config.candidate_timeout,
        memory_mb=ctx.config.memory_limit_mb,
    )
    if result.mismatches:
        first = result.mismatches[0]
        detail = f"input {first['input']}: {first['detail']}"
        return Verdict(status=Status.DISCARD, reason=Reason.BEHAVIOUR, detail=detail), False
    if result.compared == 0:
        detail = "all inputs nondeterministic"
        return Verdict(status=Status.DISCARD, reason=Reason.NO_INPUTS, detail=detail), False
    return None, result.mutates_args


def timing_once(
    ctx: EngineContext, candidate: Candidate, inputs: list[Path], mutates: bool
) -> Callable[[], Measurement]:
    """One interleaved original/candidate timing in a fresh process, ready for `judge`."""

    def once() -> Measurement:
        measured = measure(
            ctx.setup,
            ctx.project,
            candidate.target,
            candidate.source,
            inputs,
            fresh_args=mutates,
            timeout=ctx.config.candidate_timeout,
            memory_mb=ctx.config.memory_limit_mb,
        )
        checkpoint("timing")
        return measured

    return once


def run_profile(ctx: EngineContext) -> CpuProfile:
    """The CPU profile of every input source, within the run's profile budget each.

    Targets are ranked by the most trusted source first (the workload, or the repository's
    benchmarks, whose inputs have the sizes the program really uses), then by the tests for
    functions the benchmarks never ran; `ctx.funnel.ranked_by` says which sources ranked them.
    """
    profiles: list[tuple[InputSource, CpuProfile]] = []
    sources = ctx.input_sources()
    for source in sources:
        try:
            profile = profile_cpu(
                ctx.setup,
                ctx.project,
                workload=ctx.config.workload,
                exclude=ctx.config.exclude,
                timeout=harness_timeout(ctx.config),
                memory_mb=ctx.config.memory_limit_mb,
                budget=profile_budget(ctx.config),
                grace=hard_stop_grace(ctx.config),
                mode=source.run_mode(),
            )
        except BotError as exc:
            if source is sources[-1]:
                raise
            ctx.reporter.note(f"{source.words()} could not be profiled: {exc}")
            continue
        profiles.append((source, profile))
    merged: dict[str, Target] = {}
    used = []
    for source, profile in profiles:
        fresh = [t for t in profile.targets if t.ref not in merged]
        if fresh:
            used.append(source.words())
        merged.update({t.ref: t for t in fresh})
    ctx.funnel.ranked_by = ", then ".join(used)
    last = profiles[-1][1]
    return CpuProfile(targets=list(merged.values()), coverage=last.coverage, sampler=last.sampler)


def timing_at(
    ctx: EngineContext, candidate: Candidate, mutates: bool
) -> Callable[[list[Path]], Measurement]:
    """`timing_once` for any call-set: what the growth-aware rule measures at each rung."""
    return lambda inputs: timing_once(ctx, candidate, inputs, mutates)()


class CpuEngine(Engine):
    domain = Domain.CPU
    metric = Metric.SECONDS
    tools = ("pytest", "pyinstrument")

    def __init__(self) -> None:
        self.ladders = Ladders()

    def find_targets(self, ctx: EngineContext, proposers: list[Proposer]) -> list[Target]:
        profile = run_profile(ctx)
        if line := profile.coverage.describe("CPU profile"):
            ctx.cut_short(line)
        return workable(ctx, profile.targets, proposers)

    def prepare(self, ctx: EngineContext, targets: list[Target]) -> list[Target]:
        return capture_for(ctx, targets)

    def score(self, ctx: EngineContext) -> DomainScore:
        """Profiled functions a CPU rule can rewrite, and their share of own-code self time."""
        profile = run_profile(ctx)
        if line := profile.coverage.describe("CPU profile"):
            ctx.cut_short(line)
        profiled = profile.targets
        total = sum(t.self_seconds for t in profiled)
        if total <= 0:
            return DomainScore(domain=self.domain, detail="cpu: no own-code time in the profile")
        wanted = {t.ref for t in workable(ctx, profiled, [RulesProposer(Domain.CPU)])}
        hot = [t for t in profiled if t.ref in wanted]
        share = min(1.0, sum(t.self_seconds for t in hot) / total)
        line = f"cpu: {share:.0%} of own-code time is in {len(hot)} rewritable hot functions"
        return DomainScore(
            domain=self.domain,
            share=share,
            matches=len(hot),
            detail=line + profile.coverage.suffix(),
        )

    def evaluate(self, ctx: EngineContext, candidate: Candidate) -> Verdict:
        try:
            failed, mutates = replay_gate(ctx, candidate)
            if failed is not None:
                return failed
            checkpoint("replay")
            corpus = corpus_dir(ctx.corpus_root, candidate.target)
            inputs = timing_inputs(corpus, TIMING_INPUTS)
            ladder = self.ladders.get(ctx, candidate.target, timing_inputs(corpus, LADDER_SEEDS))
            if ladder is not None and ladder.usable:
                measure_at = timing_at(ctx, candidate, mutates)
                return judge_at_scale(ctx, candidate, ladder, measure_at)
            once = timing_once(ctx, candidate, inputs, mutates)
            return judge(once, ctx.config.min_improvement, ctx.config.max_aa_noise)
        except HarnessError as exc:
            return crash_verdict(exc)
