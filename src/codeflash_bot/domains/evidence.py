"""Evidence from captured calls, for every engine that replays them (CPU, memory, async) and
for PR mode's base-vs-head check: record the inputs, prove behaviour on them, time on them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from codeflash_bot.capture import capture_inputs, corpus_dir, count_inputs
from codeflash_bot.capture.generate import GENERATE_BELOW, NO_INPUTS, generate_inputs
from codeflash_bot.domains.base import EngineContext
from codeflash_bot.faults import checkpoint
from codeflash_bot.measure.timing import measure
from codeflash_bot.models import Candidate, Measurement, Reason, Status, Target, Verdict
from codeflash_bot.profile.budget import hard_stop_grace, harness_timeout, profile_budget
from codeflash_bot.verify.replay import replay


def capture_for(ctx: EngineContext, targets: list[Target]) -> list[Target]:
    """Record inputs from every input source, most trusted first; generate inputs from type
    hints where fewer than GENERATE_BELOW calls were captured; drop (and say why) targets left
    with no inputs at all (`ctx.funnel.skipped`, which the loop records in results.tsv).

    A capture stopped at its budget keeps the inputs recorded until then (and says so).
    """
    counts, coverage = capture_inputs(
        ctx.runner,
        targets,
        ctx.corpus_root,
        sources=ctx.input_sources(),
        timeout=harness_timeout(ctx.config),
        budget=profile_budget(ctx.config),
        grace=hard_stop_grace(ctx.config),
    )
    if line := coverage.describe("capture"):
        ctx.cut_short(line)
    few = [t for t in targets if counts.get(t.ref, 0) < GENERATE_BELOW]
    made = generate_inputs(
        ctx.runner,
        [(t, corpus_dir(ctx.corpus_root, t)) for t in few],
        timeout=harness_timeout(ctx.config),
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
        ctx.runner, candidate.target, candidate.source, corpus, timeout=ctx.config.candidate_timeout
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
            ctx.runner,
            candidate.target,
            candidate.source,
            inputs,
            fresh_args=mutates,
            timeout=ctx.config.candidate_timeout,
        )
        checkpoint("timing")
        return measured

    return once


def timing_at(
    ctx: EngineContext, candidate: Candidate, mutates: bool
) -> Callable[[list[Path]], Measurement]:
    """`timing_once` for any call-set: what the growth-aware rule measures at each rung."""
    return lambda inputs: timing_once(ctx, candidate, inputs, mutates)()
