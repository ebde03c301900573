"""A kept optimization's size ladder as the PR body shows it: table, fitted growth, chart."""

from __future__ import annotations

from codeflash_bot.measure.growth import SMALL_COST, cost, growth_words, speedup
from codeflash_bot.models import RungResult, Scale
from codeflash_bot.prep.compare_models import fmt_bytes, fmt_seconds


def scale_table(scale: Scale, *, memory: bool) -> str:
    """| size | before | after | ratio | per rung (per call-set), smallest first."""
    fmt = (lambda v: fmt_bytes(int(v))) if memory else fmt_seconds
    lines = ["| input size | before | after | ratio |", "|:---|---:|---:|---:|"]
    for r in scale.rungs:
        m = r.measurement
        ratio = f"{speedup(m):.2f}x" + ("" if memory else " faster")
        lines.append(f"| {r.size} | {fmt(m.baseline)} | {fmt(m.candidate)} | {ratio} |")
    return "\n".join(lines)


def growth_line(scale: Scale) -> str:
    """ "Fitted growth: ~n² → ~n" plus the crossover when small inputs get slower."""
    text = f"Fitted growth (log-log slope): {growth_words(scale.slope_before)} →"
    text += f" {growth_words(scale.slope_after)}"
    if scale.crossover:
        text += f"; {scale.crossover} (each call there costs the original less than"
        text += f" {fmt_seconds(SMALL_COST['seconds'])}, so the loss is reported, not held"
        text += " against it)"
    return text + "."


def scale_chart(scale: Scale, *, memory: bool) -> str:
    """A mermaid xychart-beta of the original and the candidate against rung size."""
    rungs = [r for r in scale.rungs if not r.variant]
    if len(rungs) < 2:
        return ""
    unit, div = ("KiB", 1024.0) if memory else _time_unit(max(cost_of(r) for r in rungs))
    names = ", ".join(f'"{r.size}"' for r in rungs)
    before = ", ".join(f"{r.measurement.baseline / div:.2f}" for r in rungs)
    after = ", ".join(f"{r.measurement.candidate / div:.2f}" for r in rungs)
    top = max(max(r.measurement.baseline, r.measurement.candidate) for r in rungs) / div * 1.1
    what = "Peak memory" if memory else "Time per call-set"
    return "\n".join(
        [
            "xychart-beta",
            f'    title "{what} against input size (line 1: before, line 2: after)"',
            f"    x-axis [{names}]",
            f'    y-axis "{unit}" 0 --> {top:.2f}',
            f"    line [{before}]",
            f"    line [{after}]",
        ]
    )


def cost_of(r: RungResult) -> float:
    return max(r.measurement.baseline, r.measurement.candidate, cost(r.measurement))


def _time_unit(largest: float) -> tuple[str, float]:
    if largest >= 1.0:
        return "s", 1.0
    if largest >= 1e-3:
        return "ms", 1e-3
    return "µs", 1e-6


def scale_markdown(scale: Scale | None, *, memory: bool) -> str:
    """The whole block for one optimization ("" when it was judged without a ladder)."""
    if scale is None or not scale.rungs:
        return ""
    parts = [
        "**At scale** (A/B/A' at every rung of a size ladder grown from the captured inputs):",
        "",
        scale_table(scale, memory=memory),
        "",
        growth_line(scale),
    ]
    if chart := scale_chart(scale, memory=memory):
        parts += ["", "```mermaid", chart, "```"]
    return "\n".join(parts)
