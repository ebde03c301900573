"""A kept candidate's headline figure and how it was measured, in its metric's own words.

Each engine picks the wording of its metric (`Engine.commit_figures`), so the loop writes the
commit message without knowing what a metric is.
"""

from __future__ import annotations

from typing import NamedTuple

from codeflash_bot.models import Measurement, Verdict


class Figures(NamedTuple):
    """`headline` ends the commit's first line; `measured` is its `Measured:` line."""

    headline: str
    measured: str


def _worst(verdict: Verdict) -> Measurement:
    """The most conservative of the verdict's measurements (a keep has at least one)."""
    return min(verdict.measurements, key=lambda x: x.gain)


def _gains(verdict: Verdict) -> str:
    return ", ".join(f"{x.gain * 100:+.1f}%" for x in verdict.measurements)


def time_figures(verdict: Verdict) -> Figures:
    """Seconds per call-set: the speedup, where it was measured, every run's gain, the noise."""
    m = _worst(verdict)
    sizes = ", ".join(i.shape or "?" for i in m.inputs[:3]) or "captured inputs"
    where = f"{len(m.inputs)} largest captured inputs: {sizes}"
    if verdict.scale is not None:
        top = [r for r in verdict.scale.rungs if not r.variant][-1]
        where = f"top rung {top.size} of the size ladder {verdict.scale.sizes}"
    measured = (
        f"{m.baseline * 1e6:.1f} us -> {m.candidate * 1e6:.1f} us per call-set"
        f" ({where}); gains in"
        f" {len(verdict.measurements)} independent runs: {_gains(verdict)};"
        f" A/A noise {m.aa_noise * 100:.1f}%"
    )
    return Figures(f"{m.baseline / m.candidate:.2f}x faster", measured)


def peak_figures(verdict: Verdict) -> Figures:
    """Peak bytes: how much lower the candidate peaks."""
    m = _worst(verdict)
    less = (1 - m.candidate / m.baseline) * 100 if m.baseline else 0.0
    measured = f"peak {m.baseline:.0f} B -> {m.candidate:.0f} B ({less:.1f}% less)"
    return Figures(f"{less:.0f}% less peak memory", measured)


def import_figures(verdict: Verdict) -> Figures:
    """Seconds per import in a fresh interpreter."""
    m = _worst(verdict)
    measured = (
        f"import time {m.baseline * 1e3:.1f} ms -> {m.candidate * 1e3:.1f} ms, fresh"
        f" interpreter per import, min of {m.rounds} rounds; gains {_gains(verdict)};"
        f" A/A noise {m.aa_noise * 100:.1f}%"
    )
    return Figures(f"{m.baseline / m.candidate:.2f}x faster import", measured)
