"""Stands in for a heavy dependency (think a plotting or dataframe library).

Importing it does a fixed amount of work (half a million loop steps, about 50-100 ms) to build
its glyph table, every time a process imports it. Only ``slowdemo.report.sparkline`` needs it.
"""

_GLYPHS = " .:-=+*#%@"

_state = 0
for _step in range(500_000):
    _state = (_state * 31 + _step) % 1_000_003
ROTATION = _state % len(_GLYPHS)
TABLE = _GLYPHS[ROTATION:] + _GLYPHS[:ROTATION]
del _step, _state


def shade(fraction: float) -> str:
    """The glyph for `fraction` in [0, 1] (clamped)."""
    index = int(fraction * (len(TABLE) - 1))
    return TABLE[min(len(TABLE) - 1, max(0, index))]
