"""The one keep policy for every domain (MEASUREMENT.md): floors, the A/A noise bar, retries.

Engines measure; this module decides. Every bar is `max(floor, NOISE_FACTOR x A/A deviation)`,
every noisy measurement is retaken the same way, and a harness crash becomes the same verdict
whichever engine hit it. The growth-aware rule over size ladders (`measure.growth`) builds on
these same bars.
"""

from __future__ import annotations

from collections.abc import Callable

from codeflash_bot.models import Measurement, Reason, Status, Verdict
from codeflash_bot.models import Metric as Metric  # the policy's vocabulary; defined with models
from codeflash_bot.sandbox import HarnessError

TINY_CALL = 1e-6
SMALL_CALL = 1e-5
NOISE_FACTOR = 3.0  # a gain must beat this multiple of the run's own A/A deviation
MIN_SAVED_BYTES = 4096  # a smaller peak saving is real (tracemalloc is exact) but not worth it
TIME_CHECK_TRIES = 3  # timings taken at most while their A/A is too noisy (the quietest counts)


def noise_bar(measurement: Measurement) -> float:
    return NOISE_FACTOR * measurement.aa_noise


def required_gain(measurement: Measurement, floor_pct: float) -> float:
    """Minimum (orig-cand)/cand to keep: the floor, raised for sub-10 µs calls and by noise."""
    floor = floor_pct / 100.0
    if measurement.per_call < TINY_CALL:
        floor = max(floor, 0.30)
    elif measurement.per_call < SMALL_CALL:
        floor = max(floor, 0.15)
    return max(floor, noise_bar(measurement))


def views(measurement: Measurement) -> list[Measurement]:
    """The views a gain must hold in: wall time, and CPU time when the harness took it."""
    return [measurement] if measurement.cpu is None else [measurement, measurement.cpu]


def clears(measurement: Measurement, floor_pct: float) -> bool:
    """The gain beats the floor and the noise bar in wall time and in CPU time.

    CPU time guards the wall-time view on a machine with more runnable jobs than cores: there
    the side that happened to run undisturbed looks faster in wall time, by 20 % and more, while
    its CPU time barely moves. A real win shows in both.
    """
    return not short_view(measurement, floor_pct)


def short_view(measurement: Measurement, floor_pct: float) -> Measurement | None:
    """The first view (wall, then CPU) whose gain does not clear its bar, or None."""
    for view in views(measurement):
        if view.gain <= required_gain(view, floor_pct):
            return view
    return None


def shortfall(measurement: Measurement, floor_pct: float) -> str:
    """Why `measurement` does not clear (gain, the bar, the A/A noise), or "" when it does."""
    view = short_view(measurement, floor_pct)
    if view is None:
        return ""
    need = required_gain(view, floor_pct) * 100
    where = ""
    if view is not measurement:
        where = f" in CPU time (wall time {measurement.gain * 100:+.1f}%)"
    return (
        f"{view.gain * 100:+.1f}%{where} (needs > {need:.1f}%;"
        f" A/A noise {view.aa_noise * 100:.1f}%)"
    )


def too_noisy(measurement: Measurement, max_aa_noise_pct: float) -> bool:
    return measurement.aa_noise * 100.0 > max_aa_noise_pct


def quietest(
    measure_once: Callable[[], Measurement], max_aa_noise_pct: float, tries: int
) -> Measurement:
    """Measure until one run's own A/A is quiet enough (at most `tries`); the quietest counts."""
    taken = [measure_once()]
    while len(taken) < tries and too_noisy(taken[-1], max_aa_noise_pct):
        taken.append(measure_once())
    return min(taken, key=lambda m: m.aa_noise)


def judge(
    measure_once: Callable[[], Measurement],
    floor_pct: float,
    max_aa_noise_pct: float,
    *,
    runs: int = 2,
    noisy_retries: int = 2,
) -> Verdict:
    """Keep only if `runs` independent measurements each clear the floor and the noise.

    A measurement whose own A/A ratio exceeds `max_aa_noise_pct` is retaken (up to
    `noisy_retries` times) and the quietest one is used. Noise never lets a candidate through:
    it raises the bar to 3x the A/A deviation (`required_gain`), so a no-op cannot be kept; a
    gain between the floor and that raised bar is reported as NOISY rather than NOT_FASTER.
    """
    taken: list[Measurement] = []
    for _ in range(runs):
        m = quietest(measure_once, max_aa_noise_pct, 1 + noisy_retries)
        taken.append(m)
        view = short_view(m, floor_pct)
        if view is None:
            continue
        noisy = too_noisy(view, max_aa_noise_pct) and view.gain * 100 > floor_pct
        reason = Reason.NOISY if noisy else Reason.NOT_FASTER
        detail = shortfall(m, floor_pct)
        return Verdict(status=Status.DISCARD, reason=reason, detail=detail, measurements=taken)
    return Verdict(status=Status.KEEP, reason=Reason.KEPT, measurements=taken)


def peak_reduction(m: Measurement) -> float:
    """1 - candidate/baseline: 0.4 means the candidate peaks 40 % lower."""
    return 1.0 - m.candidate / m.baseline if m.baseline > 0 else 0.0


def slowdown(m: Measurement) -> float:
    """candidate/baseline - 1 of a timing Measurement: 0.05 means 5 % slower."""
    return m.candidate / m.baseline - 1.0 if m.baseline > 0 else 0.0


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB"):
        if abs(n) < 1024 or unit == "MiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"  # pragma: no cover


def decide_peak(peak: Measurement, floor_pct: float) -> str | None:
    """None if the peak reduction clears floor, noise and MIN_SAVED_BYTES; else why not."""
    need = max(floor_pct / 100.0, noise_bar(peak))
    reduction = peak_reduction(peak)
    saved = peak.baseline - peak.candidate
    if reduction >= need and reduction > 0 and saved >= MIN_SAVED_BYTES:
        return None
    return (
        f"peak {human_bytes(peak.baseline)} -> {human_bytes(peak.candidate)}"
        f" ({-reduction * 100:+.1f}%; needs <= -{need * 100:.1f}% and"
        f" >= {human_bytes(MIN_SAVED_BYTES)} saved; A/A {peak.aa_ratio:.3f})"
    )


def time_check(
    measure_once: Callable[[], Measurement], tolerance_pct: float, max_aa_noise_pct: float
) -> Measurement:
    """The timing that decides "not too much slower" (memory domain's side condition).

    Retaken while its own A/A is too noisy (the quietest counts); a slowdown over the tolerance
    is re-measured once and the smaller slowdown counts, so one noisy run neither keeps nor
    discards alone.
    """
    m = quietest(measure_once, max_aa_noise_pct, TIME_CHECK_TRIES)
    if slowdown(m) * 100 <= tolerance_pct:
        return m
    return min(m, measure_once(), key=slowdown)


def crash_verdict(exc: HarnessError) -> Verdict:
    """A harness that crashed or timed out: the same CRASH verdict in every domain."""
    reason = Reason.TIMEOUT if exc.timed_out else Reason.HARNESS
    return Verdict(status=Status.CRASH, reason=reason, detail=str(exc))
