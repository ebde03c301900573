"""Memory engine pieces that need no subprocess: the peak keep rule and the slots scope."""

from __future__ import annotations

import textwrap
from pathlib import Path

from codeflash_bot.domains.memory import MIN_SAVED_BYTES, MemoryEngine, decide_peak
from codeflash_bot.models import Candidate, Measurement, Target


def peak(baseline: float, candidate: float, aa: float = 1.0) -> Measurement:
    return Measurement(
        baseline=baseline,
        candidate=candidate,
        aa_ratio=aa,
        rounds=3,
        loops=1,
        per_call=0.0,
        metric="peak_bytes",
    )


def test_peak_keep_rule_needs_floor_noise_and_bytes() -> None:
    assert decide_peak(peak(1_000_000, 500_000), 10.0) is None
    assert decide_peak(peak(1_000_000, 1_000_000), 10.0) is not None  # a no-op
    assert decide_peak(peak(1_000_000, 950_000), 10.0) is not None  # below the floor
    assert decide_peak(peak(1_000_000, 800_000, aa=1.10), 10.0) is not None  # 3x noise = 30 %
    small = MIN_SAVED_BYTES  # 50 % of a tiny peak is not worth a commit
    assert decide_peak(peak(small, small / 2), 10.0) is not None


ORIGINAL = textwrap.dedent("""
    class Point:
        def __init__(self, x, y):
            self.x = x
            self.y = y
""")


def candidate(source: str, rule: str) -> Candidate:
    target = Target(module="m", qualname="Point.__init__", file=Path("m.py"), lineno=3)
    return Candidate(target=target, proposer="rules", rule=rule, description="", source=source)


def test_slots_rule_may_add_slots_to_the_target_class_only() -> None:
    engine = MemoryEngine()
    with_slots = ORIGINAL.replace("class Point:\n", 'class Point:\n    __slots__ = ("x", "y")\n')
    assert engine.scope_problem(ORIGINAL, candidate(with_slots, "MEM206")) is None
    assert engine.scope_problem(ORIGINAL, candidate(with_slots, "MEM201")) is not None
    other = with_slots.replace('__slots__ = ("x", "y")', "z = 1")
    assert engine.scope_problem(ORIGINAL, candidate(other, "MEM206")) is not None
