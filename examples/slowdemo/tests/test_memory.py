"""Tests for slowdemo.memory: a large input for the memory case, every error for the trap."""

from __future__ import annotations

from slowdemo import memory


def make_lines() -> list[str]:
    return [f"{n},item{n % 97},{n % 13},{(n * 7) % 1000},north,{n % 5},x,y" for n in range(20_000)]


def test_column_total_sums_the_column() -> None:
    lines = make_lines()
    assert memory.column_total(lines, 3) == sum((n * 7) % 1000 for n in range(20_000))
    assert memory.column_total(lines, 5) == sum(n % 5 for n in range(20_000))
    assert memory.column_total([], 0) == 0


def test_all_valid_reports_every_invalid_record() -> None:
    records = [{"id": n, "qty": (n % 7) - 1} for n in range(300)]
    errors: list[str] = []
    assert memory.all_valid(records, errors) is False
    assert len(errors) == sum(1 for n in range(300) if (n % 7) - 1 <= 0)
    assert errors[0] == "record 0: qty must be positive"


def test_all_valid_accepts_good_records() -> None:
    errors: list[str] = []
    assert memory.all_valid([{"id": 1, "qty": 2}], errors) is True
    assert errors == []


def test_load_readings_keeps_every_reading() -> None:
    rows = [(f"s{n % 7}", n % 1440, 32.0 + n % 90) for n in range(5_000)]
    readings = memory.load_readings(rows)
    assert len(readings) == 5_000
    assert (readings[9].sensor, readings[9].minute, readings[9].value) == ("s2", 9, 41.0)
    assert readings[9].celsius() == 5.0


def test_flag_outliers_marks_every_sample() -> None:
    samples = [memory.Sample(f"p{n}", float(n % 10)) for n in range(200)]
    assert memory.flag_outliers(samples, 7.5) == [f"p{n}" for n in range(200) if n % 10 > 7]
    assert [s.outlier for s in samples[:10]] == [False] * 8 + [True] * 2
