"""Text reports of a series of measurements.

The structure case: ``_heavy`` is imported at module level, so every ``import slowdemo.report``
pays for it, but only ``sparkline`` uses it (the bot should make it a function-level import).
"""

from __future__ import annotations

from slowdemo import _heavy


def summarize(values: list[float]) -> dict[str, float]:
    """Count, total, mean, lowest and highest of `values`."""
    count = len(values)
    total = float(sum(values))
    return {
        "count": float(count),
        "total": total,
        "mean": total / count if count else 0.0,
        "low": min(values, default=0.0),
        "high": max(values, default=0.0),
    }


def sparkline(values: list[float]) -> str:
    """One glyph per value, scaled between the lowest and the highest."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return "".join(_heavy.shade((v - low) / span) for v in values)
