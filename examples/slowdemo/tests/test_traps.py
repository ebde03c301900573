"""Tests for slowdemo.traps: they pin down the behaviour an over-eager rewrite would break."""

from __future__ import annotations

import random
from collections import defaultdict

from slowdemo import traps


def make_numbers() -> list[int]:
    rng = random.Random(201)
    return [rng.randrange(-1000, 1000) for _ in range(5000)]


def make_words() -> list[str]:
    rng = random.Random(202)
    vocab = [f"w{n}" for n in range(300)]
    return [rng.choice(vocab) for _ in range(5000)]


def make_tied_words() -> list[str]:
    """Words of length 3..9; many share the maximal length 9, the last of them is 'zzzzzzzz9'."""
    rng = random.Random(203)
    words = ["".join(rng.choice("abcdefgh") for _ in range(rng.randrange(3, 10))) for _ in range(3000)]
    words.append("zzzzzzzz9")
    words.extend(["abc", "defgh", "ijklmn"])  # shorter words after the last longest
    return words


def make_rows() -> tuple[list[list[int]], list[list[int]]]:
    rows = [[i % 37, i % 11, i % 5] for i in range(2000)]
    allowed = [[a, a % 11, a % 5] for a in range(0, 37, 3)]
    return rows, allowed


def make_late_positive() -> list[int]:
    xs = [-((i % 100) + 1) for i in range(5000)]
    xs[-1] = 7  # the only positive value is the very last one
    return xs


def make_no_positive() -> list[int]:
    return [-((i * 7) % 53) for i in range(5000)]


def test_total_squares_large():
    xs = make_numbers()
    total = 0
    for x in xs:
        total += x * x
    assert traps.total_squares(xs) == total


def test_total_squares_small():
    assert traps.total_squares([1, 2, 3]) == 14
    assert traps.total_squares([]) == 0


def test_tally_large():
    words = make_words()
    counts = traps.tally(words)
    assert type(counts) is defaultdict
    assert counts.default_factory is int
    assert counts["w7"] == words.count("w7")
    assert sum(counts.values()) == len(words)


def test_tally_missing_key_is_zero_and_inserted():
    counts = traps.tally(["a", "b", "a"])
    assert type(counts) is defaultdict
    assert counts == {"a": 2, "b": 1}
    assert counts["missing"] == 0
    assert "missing" in counts  # defaultdict inserts on lookup; Counter would not
    assert list(counts) == ["a", "b", "missing"]


def test_last_longest_large_with_ties():
    words = make_tied_words()
    longest = max(len(w) for w in words)
    tied = [w for w in words if len(w) == longest]
    assert len(tied) > 100
    assert traps.last_longest(words) == tied[-1] == "zzzzzzzz9"


def test_last_longest_small_with_ties():
    assert traps.last_longest(["ab", "cd", "e"]) == "cd"
    assert traps.last_longest(["one", "two", "six"]) == "six"
    assert traps.last_longest(["solo"]) == "solo"


def test_overlap_large():
    rows, allowed = make_rows()
    result = traps.overlap(rows, allowed)
    assert result == [r for r in rows if r[0] % 3 == 0 and r[1] == r[0] % 11 and r[2] == r[0] % 5]
    assert len(result) > 0


def test_overlap_small():
    assert traps.overlap([[1, 2], [3, 4], [1, 2]], [[1, 2]]) == [[1, 2], [1, 2]]
    assert traps.overlap([], [[1]]) == []


def test_any_slow_first_large():
    assert traps.any_slow_first(make_late_positive()) is True
    assert traps.any_slow_first(make_no_positive()) is False


def test_any_slow_first_small():
    assert traps.any_slow_first([-3, -2, 0, 4]) is True
    assert traps.any_slow_first([0, -1]) is False
    assert traps.any_slow_first([]) is False
