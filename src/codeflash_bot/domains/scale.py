"""Judging a candidate at scale: a size ladder per target, behaviour and the rule on every rung.

Shared by the engines that replay captured calls (CPU, memory): the ladder is built once per
target (measure.ladder) within the run's `ladder-seconds`, the candidate must behave the same on
every rung (the replay harness on the ladder's directory), and `measure.growth.judge_ladder`
decides. With no ladder (nothing carries size, budget spent) the engine's captured-input rule
applies unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from codeflash_bot.domains.base import EngineContext
from codeflash_bot.measure.growth import Step, judge_ladder
from codeflash_bot.measure.ladder import Ladder, build_ladder, ladder_dir
from codeflash_bot.models import Candidate, Measurement, Reason, Status, Target, Verdict
from codeflash_bot.verify.replay import replay

LADDER_TIMEOUT = 120.0
LADDER_SEEDS = 64  # captured calls timed to pick the one a size ladder grows from


class Ladders:
    """The run's ladders by target ref, and the seconds spent building them."""

    def __init__(self) -> None:
        self.built: dict[str, Ladder] = {}
        self.spent = 0.0

    def get(self, ctx: EngineContext, target: Target, captured: list[Path]) -> Ladder | None:
        """The target's ladder (built on first use from the captured input it is slowest on)."""
        if target.ref in self.built:
            return self.built[target.ref]
        left = ctx.config.ladder_seconds - self.spent
        if not captured or left <= 1.0:
            return None
        start = time.monotonic()
        ladder = build_ladder(
            ctx.runner,
            target,
            captured,
            ladder_dir(ctx.corpus_root, target),
            timeout=min(ctx.config.candidate_timeout, LADDER_TIMEOUT),
            cap=ctx.config.ladder_cap_ms / 1000.0,
            budget=min(left, 20.0),
        )
        self.spent += time.monotonic() - start
        self.built[target.ref] = ladder
        if ladder.usable:
            sizes = ", ".join(r.size for r in ladder.rungs)
            ctx.reporter.note(f"size ladder for {target.ref}: {sizes}")
        return ladder


NO_LADDER_BUDGET = "no captured call to grow, or the run's ladder-seconds are spent"


def without_ladder(verdict: Verdict, ladder: Ladder | None) -> Verdict:
    """`verdict`, taken at the captured sizes alone, saying why no ladder judged it: a keep
    on the tests' tiny inputs must not read as a keep at scale."""
    why = ladder.stopped if ladder is not None else NO_LADDER_BUDGET
    note = f"no size ladder: {why or 'one captured size only'}"
    detail = f"{verdict.detail}; {note}" if verdict.detail else note
    return verdict.model_copy(update={"detail": detail})


def steps(ladder: Ladder) -> list[Step]:
    """Each rung as a one-call step, smallest first."""
    return [Step(size=r.size, n=r.n, inputs=[r.path], variant=r.variant) for r in ladder.rungs]


def behaves_at_scale(ctx: EngineContext, candidate: Candidate, ladder: Ladder) -> Verdict | None:
    """A BEHAVIOUR discard when the candidate differs from the original on a grown input."""
    if ladder.grown_dir is None:
        return None
    result = replay(
        ctx.runner,
        candidate.target,
        candidate.source,
        ladder.grown_dir,
        timeout=ctx.config.candidate_timeout,
    )
    if not result.mismatches:
        return None
    first = result.mismatches[0]
    detail = f"grown input {first['input']}: {first['detail']}"
    return Verdict(status=Status.DISCARD, reason=Reason.BEHAVIOUR, detail=detail)


def judge_at_scale(
    ctx: EngineContext,
    candidate: Candidate,
    ladder: Ladder,
    measure_at: Callable[[list[Path]], Measurement],
) -> Verdict:
    """Behaviour on every rung, then the growth-aware rule over the measured ladder."""
    failed = behaves_at_scale(ctx, candidate, ladder)
    if failed is not None:
        return failed
    return judge_ladder(
        measure_at,
        steps(ladder),
        ctx.config.min_improvement,
        ctx.config.max_aa_noise,
    )
