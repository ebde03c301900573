"""Tests for slowdemo.scale: deliberately tiny inputs (the size ladder finds the real scale)."""

from __future__ import annotations

from pathlib import Path

from slowdemo import scale

DATA = Path(__file__).parent / "data"


def test_stair_ways_small():
    assert [scale.stair_ways(n) for n in range(7)] == [1, 1, 2, 4, 7, 13, 24]
    assert scale.stair_ways(-1) == 0


def test_count_matching_on_a_tiny_file():
    path = str(DATA / "three_lines.log")
    assert scale.count_matching(path, "error") == 2
    assert scale.count_matching(path, "missing") == 0
