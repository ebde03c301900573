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
