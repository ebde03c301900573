"""The keep rule (MEASUREMENT.md): a floor that rises for tiny functions, and the A/A noise."""

from __future__ import annotations

from codeflash_bot.models import Measurement

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
