"""CPU engine: pyinstrument hot functions, replay on captured inputs, interleaved A/B timing."""

from __future__ import annotations

from codeflash_bot.capture import corpus_dir
from codeflash_bot.capture.sources import InputSource, timing_inputs
from codeflash_bot.domains.base import Engine, EngineContext
from codeflash_bot.domains.evidence import capture_for, replay_gate, timing_at, timing_once
from codeflash_bot.domains.scale import LADDER_SEEDS, Ladders, judge_at_scale, without_ladder
from codeflash_bot.domains.selection import workable
from codeflash_bot.errors import BotError
from codeflash_bot.faults import checkpoint
from codeflash_bot.measure.decide import Metric, crash_verdict, judge
from codeflash_bot.measure.timing import TIMING_INPUTS
from codeflash_bot.models import Candidate, Domain, DomainScore, Target, Verdict
from codeflash_bot.profile.budget import hard_stop_grace, harness_timeout, profile_budget
from codeflash_bot.profile.cpu import CpuProfile, profile_cpu
from codeflash_bot.propose import Proposer, RulesProposer
from codeflash_bot.sandbox import HarnessError


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
                ctx.runner,
                ctx.setup,
                workload=ctx.config.workload,
                exclude=ctx.config.exclude,
                timeout=harness_timeout(ctx.config),
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
            verdict = judge(once, ctx.config.min_improvement, ctx.config.max_aa_noise)
            return without_ladder(verdict, ladder)
        except HarnessError as exc:
            return crash_verdict(exc)
