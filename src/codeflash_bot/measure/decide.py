"""The keep rule (MEASUREMENT.md): a floor that rises for tiny functions, and the A/A noise."""

from __future__ import annotations

from collections.abc import Callable

from codeflash_bot.models import Measurement, Reason, Status, Verdict

TINY_CALL = 1e-6
SMALL_CALL = 1e-5


def required_gain(measurement: Measurement, floor_pct: float) -> float:
    """Minimum (orig-cand)/cand to keep: the floor, raised for sub-10 µs calls and by noise."""
    floor = floor_pct / 100.0
    if measurement.per_call < TINY_CALL:
        floor = max(floor, 0.30)
    elif measurement.per_call < SMALL_CALL:
        floor = max(floor, 0.15)
    return max(floor, 3.0 * measurement.aa_noise)


def clears(measurement: Measurement, floor_pct: float) -> bool:
    return measurement.gain > required_gain(measurement, floor_pct)


def too_noisy(measurement: Measurement, max_aa_noise_pct: float) -> bool:
    return measurement.aa_noise * 100.0 > max_aa_noise_pct


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
        tries = []
        for _ in range(1 + noisy_retries):
            tries.append(measure_once())
            if not too_noisy(tries[-1], max_aa_noise_pct):
                break
        m = min(tries, key=lambda x: x.aa_noise)
        taken.append(m)
        if clears(m, floor_pct):
            continue
        need = required_gain(m, floor_pct) * 100
        detail = f"{m.gain * 100:+.1f}% (needs > {need:.1f}%; A/A noise {m.aa_noise * 100:.1f}%)"
        noisy = too_noisy(m, max_aa_noise_pct) and m.gain * 100 > floor_pct
        reason = Reason.NOISY if noisy else Reason.NOT_FASTER
        return Verdict(status=Status.DISCARD, reason=reason, detail=detail, measurements=taken)
    return Verdict(status=Status.KEEP, reason=Reason.KEPT, measurements=taken)
