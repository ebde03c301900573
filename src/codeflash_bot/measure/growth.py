"""The growth-aware keep rule: a candidate judged on every rung of a size ladder, any domain.

Keep when (1) the candidate clears the floor and the noise bar (`decide.required_gain`) at the
top rung, in every measurement taken there; (2) it never loses beyond noise at a rung where the
original costs more than SMALL_COST (a loss on trivially fast inputs is reported as the
crossover, not held against it); (3) its gain does not shrink as size grows: a speedup
trending down with size that, projected one rung past the top, falls below the floor is
rejected. A no-op fails (1) at every rung.
Each side's growth is fitted as the log-log slope of cost against size ("~n² → ~n").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from codeflash_bot.measure.decide import (
    Metric,
    decide_peak,
    noise_bar,
    quietest,
    shortfall,
    views,
)
from codeflash_bot.models import Measurement, Reason, RungResult, Scale, Status, Verdict

SMALL_COST = {"seconds": 2e-5, "peak_bytes": 64 * 1024}  # per call: below it, losses are noted
LOSS_TOLERANCE = 0.05  # a loss is "beyond noise" when worse than this and the noise bar
SHRINK_SLOPE = 0.1  # a speedup falling faster than n^-0.1 with size is a trend, not noise
NEXT_RUNG = 4.0  # how far past the top rung a shrinking trend is projected
RETAKEN = (Reason.SCALE, Reason.NOISY)  # verdicts that rest on rungs measured once: retaken
_SUPERSCRIPTS = {2: "²", 3: "³", 4: "⁴"}


def cost(m: Measurement) -> float:
    """Per-call cost of the original side: seconds, or peak bytes in the memory domain."""
    return m.baseline if m.metric is Metric.PEAK_BYTES else m.per_call


def speedup(m: Measurement) -> float:
    """baseline / candidate: 2.0 is twice as fast (or half the peak)."""
    return m.baseline / m.candidate if m.candidate > 0 else math.inf


def slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(y) against log(x); None with fewer than two distinct sizes."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len({x for x, _ in pts}) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    num = sum((x - mx) * (y - my) for x, y in pts)
    den = sum((x - mx) ** 2 for x, _ in pts)
    return num / den


def growth_words(s: float | None) -> str:
    """A fitted slope as a reader says it: "~n²", "~n", "~1", "~n^1.4"."""
    if s is None:
        return "?"
    whole = round(s)
    if abs(s - whole) > 0.2:
        return f"~n^{s:.1f}"
    if whole <= 0:
        return "~1"
    return "~n" if whole == 1 else f"~n{_SUPERSCRIPTS.get(whole, f'^{whole}')}"


def fit(rungs: list[RungResult]) -> tuple[float | None, float | None]:
    """(slope of the original, slope of the candidate) over rungs of distinct size."""
    fitted = [r for r in rungs if not r.variant]
    before = slope([(r.n, r.measurement.baseline) for r in fitted])
    after = slope([(r.n, r.measurement.candidate) for r in fitted])
    return before, after


def short_of_floor(m: Measurement, floor_pct: float) -> str:
    """Why `m` does not clear the floor and the noise bar of its metric, or ""."""
    if m.metric == Metric.PEAK_BYTES:
        return decide_peak(m, floor_pct) or ""
    return shortfall(m, floor_pct)


def _slower(m: Measurement) -> float:
    return m.candidate / m.baseline - 1.0 if m.baseline > 0 else 0.0


def _loses(m: Measurement) -> bool:
    """The candidate costs more than the original by more than the tolerance and the noise
    (in the one view `m` is; the crossover asks wall time, whose speedups it quotes)."""
    return _slower(m) > max(LOSS_TOLERANCE, noise_bar(m))


def _losing_view(m: Measurement) -> Measurement | None:
    """The view (wall, then CPU time) in which the candidate loses, or None: a real loss
    shows in both, either stops."""
    return next((v for v in views(m) if _loses(v)), None)


def _in_view(view: Measurement) -> str:
    """How a figure names the clock it was read on: nothing for wall time."""
    return " in CPU time" if view.metric == Metric.CPU_SECONDS else ""


def _unclear(m: Measurement) -> bool:
    """Measured slower than the tolerance, but within the noise: a loss not ruled out.

    Noise must never help a candidate: at a rung that matters, "no loss" needs a measurement
    precise enough to show it, so a 2x slowdown under 40 % A/A noise is not waved through.
    """
    return any(LOSS_TOLERANCE < _slower(v) <= noise_bar(v) for v in views(m))


def _matters(m: Measurement) -> bool:
    return cost(m) >= SMALL_COST.get(m.metric, 0.0)


def crossover(rungs: list[RungResult]) -> str:
    """Where small inputs get slower: "slower below list[640] (0.3x at int 10)", or ""."""
    ordered = [r for r in rungs if not r.variant]
    losing = [i for i, r in enumerate(ordered) if _loses(r.measurement)]
    if not losing or losing[-1] == len(ordered) - 1:
        return ""
    worst = min((ordered[i] for i in losing), key=lambda r: speedup(r.measurement))
    return (
        f"slower below {ordered[losing[-1] + 1].size}"
        f" ({speedup(worst.measurement):.2f}x at {worst.size})"
    )


def _table(rungs: list[RungResult]) -> str:
    return ", ".join(f"{r.size} {speedup(r.measurement):.2f}x" for r in rungs)


def judge_growth(rungs: list[RungResult], confirm: list[Measurement], floor_pct: float) -> Verdict:
    """The verdict over a measured ladder (smallest rung first); `confirm` holds further
    independent measurements of the top rung, each of which must clear the floor too."""
    fitted = [r for r in rungs if not r.variant]
    top = fitted[-1]
    before, after = fit(rungs)
    scale = Scale(rungs=rungs, slope_before=before, slope_after=after, crossover=crossover(rungs))
    summary = f"sizes: {_table(rungs)}"
    if before is not None and after is not None:
        summary += f"; growth {growth_words(before)} → {growth_words(after)}"
    if scale.crossover:
        summary += f"; {scale.crossover}"
    tops = [top.measurement, *confirm]

    def verdict(status: Status, reason: Reason, why: str = "") -> Verdict:
        detail = f"{why}; {summary}" if why else summary
        return Verdict(status=status, reason=reason, detail=detail, measurements=tops, scale=scale)

    for m in tops:
        if why := short_of_floor(m, floor_pct):
            won = [r for r in fitted[:-1] if not short_of_floor(r.measurement, floor_pct)]
            if won:  # a win at the tests' size that does not hold where it matters
                best = max(won, key=lambda r: speedup(r.measurement))
                small = f"wins {speedup(best.measurement):.2f}x at {best.size} but not at scale"
                return verdict(Status.DISCARD, Reason.SCALE, f"{small}: at {top.size}: {why}")
            return verdict(Status.DISCARD, Reason.NOT_FASTER, f"at {top.size}: {why}")
    for r in rungs:
        if _matters(r.measurement) and (lost := _losing_view(r.measurement)):
            why = f"loses at {r.size}: {speedup(lost):.2f}x{_in_view(lost)}"
            return verdict(Status.DISCARD, Reason.SCALE, why)
    for r in rungs:
        if _matters(r.measurement) and _unclear(r.measurement):
            why = (
                f"a loss at {r.size} is not ruled out: {speedup(r.measurement):.2f}x"
                f" under A/A noise {r.measurement.aa_noise * 100:.1f}%"
            )
            return verdict(Status.DISCARD, Reason.NOISY, why)
    if why := _shrinks(fitted, floor_pct):
        return verdict(Status.DISCARD, Reason.SCALE, why)
    return verdict(Status.KEEP, Reason.KEPT)


def _shrinks(fitted: list[RungResult], floor_pct: float) -> str:
    """Why the gain shrinks with size, or "" when it holds or grows.

    The speedup's own log-log trend over the rungs that matter is projected one rung further
    (NEXT_RUNG x the top size): a trend down by more than SHRINK_SLOPE that would take the
    speedup below the floor there is a win that fades at scale. A large win with a noisy,
    slightly falling speedup (1,500x, then 700x) is not.
    """
    counted = [r for r in fitted if _matters(r.measurement)]
    if len(counted) < 2:
        return ""
    trend = slope([(r.n, speedup(r.measurement)) for r in counted])
    if trend is None or trend > -SHRINK_SLOPE:
        return ""
    top = counted[-1]
    projected = speedup(top.measurement) * NEXT_RUNG**trend
    if projected > 1 + floor_pct / 100.0:
        return ""
    best = max(counted, key=lambda r: speedup(r.measurement))
    return (
        f"gain shrinks with size (speedup ~n^{trend:.2f}): {speedup(best.measurement):.2f}x at"
        f" {best.size}, {speedup(top.measurement):.2f}x at {top.size},"
        f" ~{projected:.2f}x projected at {NEXT_RUNG}x that size"
    )


@dataclass(frozen=True)
class Step:
    """One rung to measure: its inputs (a call-set), size in words and as a number."""

    size: str
    n: float
    inputs: list[Path]
    variant: str = ""


def judge_ladder(
    measure_at: Callable[[list[Path]], Measurement],
    steps: list[Step],
    floor_pct: float,
    max_aa_noise_pct: float,
    *,
    noisy_retries: int = 1,
) -> Verdict:
    """Measure A/B/A' at every step (smallest first) and apply `judge_growth`.

    The top rung is measured first (retaken while noisy): a candidate that does not clear the
    floor there is discarded after one more measurement, at the smallest rung (the captured
    call), so the verdict says whether it won at the tests' size and lost at scale (no-ops and
    losers cost two measurements). Otherwise every other rung is measured once and the top
    once more, independently (the second run of `decide.judge`), both decisive ones retaken
    while noisy.

    Every rung is retaken while its own A/A is too noisy. A discard for scale (or for a loss the
    noise cannot rule out) rests on rungs measured once, so it must reproduce: the ladder is
    measured again (top rung included) and the candidate is discarded only when the retake
    finds such a problem too. A systematic loss or fading gain reproduces; a load spike
    that hit one rung's candidate timings does not. When the retake keeps, the verdict rests on
    the retake plus the two top-rung measurements already taken.
    """

    def at(step: Step, retries: int = 0) -> RungResult:
        m = quietest(lambda: measure_at(step.inputs), max_aa_noise_pct, 1 + retries)
        return RungResult(size=step.size, n=step.n, measurement=m, variant=step.variant)

    top_step = [s for s in steps if not s.variant][-1]
    top = at(top_step, noisy_retries)
    if short_of_floor(top.measurement, floor_pct):
        smallest = next(s for s in steps if not s.variant)
        measured = [at(smallest), top] if smallest is not top_step else [top]
        return judge_growth(measured, [], floor_pct)
    rungs = [top if s is top_step else at(s, noisy_retries) for s in steps]
    again = quietest(lambda: measure_at(top_step.inputs), max_aa_noise_pct, 1 + noisy_retries)
    first = judge_growth(rungs, [again], floor_pct)
    if first.reason not in RETAKEN:
        return first
    retaken = [at(s, noisy_retries) for s in steps]
    second = judge_growth(retaken, [top.measurement, again], floor_pct)
    if second.reason not in RETAKEN:
        return second
    return first.model_copy(update={"detail": f"{first.detail} (reproduced on a retake)"})
