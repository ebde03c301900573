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


def test_stopword_share_of_short_titles():
    assert scale.stopword_share([]) == 0.0
    assert scale.stopword_share(["The", "cat", "sat", "on", "the", "mat"]) == 0.5
    title = "A study of the growth of the size of inputs in the tests of a tool".split()
    assert scale.stopword_share(title) == 10 / 16
