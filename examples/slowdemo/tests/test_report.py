"""Tests for slowdemo.report (the structure case: a heavy import used by one function)."""

from __future__ import annotations

from slowdemo import report


def test_summarize() -> None:
    assert report.summarize([2.0, 4.0, 9.0]) == {
        "count": 3.0,
        "total": 15.0,
        "mean": 5.0,
        "low": 2.0,
        "high": 9.0,
    }
    assert report.summarize([])["mean"] == 0.0


def test_sparkline_scales_between_low_and_high() -> None:
    line = report.sparkline([0.0, 5.0, 10.0, 2.5])
    assert len(line) == 4
    assert line[0] != line[2]
    assert report.sparkline([3.0, 3.0]) == line[0] * 2
    assert report.sparkline([]) == ""
