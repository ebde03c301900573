"""Benchmark inputs as Python source: every expression rebuilds the captured value exactly."""

from __future__ import annotations

import random
import sys

import pytest

from codeflash_bot.sandbox import HARNESS_DIR

sys.path.insert(0, str(HARNESS_DIR))
from cf_source_of import MAX_LITERAL_CHARS, same, source_of

_RNG = random.Random(7)
_TAGS = [f"tag{_RNG.randrange(1000)}" for _ in range(2000)]
_SCORES = [_RNG.randrange(100_000) for _ in range(2000)]
_PRICES = [round(_RNG.uniform(1.0, 500.0), 2) for _ in range(2000)]


def _rebuilt(source: str) -> object:
    return eval(source, {"__builtins__": __builtins__})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (list(range(4000)), "list(range(4000))"),
        (list(range(0, 1000, 2)), "list(range(0, 1000, 2))"),
        ([j % 150 for j in range(300)], "list(range(150)) * 2"),
        ([5, 3, 9, 1] * 50, "[5, 3, 9, 1] * 50"),
        (" ".join(["lorem", "ipsum"] * 300), "' '.join(['lorem', 'ipsum'] * 300)"),
        ("ab" * 1000, "'ab' * 1000"),
        ({i: 2 * i for i in range(300)}, "dict(zip(list(range(300)), list(range(0, 600, 2))))"),
        ([i % 150 for i in range(4000)], "(list(range(150)) * 27)[:4000]"),
        ("abc" * 200 + "ab", "('abc' * 201)[:602]"),
        (float("nan"), "float('nan')"),
        (12345, "12345"),
        ({"a": [1, 2], "b": (3,)}, "{'a': [1, 2], 'b': (3,)}"),
    ],
)
def test_builders_and_literals_read_as_expected(value: object, expected: str) -> None:
    source = source_of(value)
    assert source == expected
    assert same(_rebuilt(source), value)


_LOG = [f"{('INFO', 'ERROR', 'WARN')[i % 3]} req={i} t={i % 97}ms" for i in range(3000)]


@pytest.mark.parametrize("value", [_TAGS, _SCORES, _PRICES, tuple(_SCORES), _LOG])
def test_large_irregular_sequences_are_split_text_not_a_giant_list(value: object) -> None:
    source = source_of(value)
    assert source is not None and (".split()" in source or ".splitlines()" in source)
    assert max(len(line) for line in source.splitlines()) < 100  # short lines in the diff
    assert same(_rebuilt(source), value)


def test_types_are_kept_all_the_way_down() -> None:
    assert source_of([1, True, 1.0]) == "[1, True, 1.0]"
    assert not same([1, 1], [1, True]) and not same((1,), [1]) and not same(-0.0, 0.0)
    assert not same({"a": 1, "b": 2}, {"b": 2, "a": 1})  # iteration order is behaviour


class _Opaque:
    pass


@pytest.mark.parametrize("value", [_Opaque(), [_Opaque()], {"k": _Opaque()}, object()])
def test_values_without_source_fall_back(value: object) -> None:
    assert source_of(value) is None


def test_short_literal_preferred_to_any_builder() -> None:
    value = list(range(10))
    assert len(repr(value)) <= MAX_LITERAL_CHARS
    assert source_of(value) == repr(value)


def test_long_irregular_text_is_cut_into_short_lines() -> None:
    text = "".join(
        chr(97 + _RNG.randrange(26)) + (" " if _RNG.random() < 0.2 else "") for _ in range(5000)
    )
    source = source_of(text)
    assert source is not None and source.startswith("(\n")
    assert max(len(line) for line in source.splitlines()) < 100
    assert same(_rebuilt(source), text)


@pytest.mark.parametrize("text", ["a\rb", "a\x85b", "a\u2028b", ""])
def test_texts_with_odd_line_breaks_are_never_split_into_lines(text: str) -> None:
    value = [*["plain line"] * 10, text, *[f"x {i}" for i in range(200)]]
    source = source_of(value)
    assert source is not None and same(_rebuilt(source), value)


@pytest.mark.parametrize(
    "seed",
    [
        [5, 3, 9, 1],
        [5, -3, 9, 1, 0, 7],
        [1.5, 2.5, -0.5, 3.0],
        ["the", "cat", "sat", "on"],
        (4, 1, 3, 2),
    ],
)
def test_a_rung_grown_x64_is_a_one_line_builder(seed: object) -> None:
    from cf_grow import DISTINCT, grow

    grown = grow(seed, 3, DISTINCT, "/nonexistent")
    source = source_of(grown)
    assert source is not None and "for c in range(64)" in source
    assert len(source) < 120 and "\n" not in source
    assert same(_rebuilt(source), grown)


def test_shifted_copies_that_break_the_pattern_are_not_a_builder() -> None:
    near = [x + 9 * c for c in range(64) for x in [5, 3, 9, 1]]
    near[-1] += 1
    source = source_of(near)
    assert source is not None and "for c in range" not in source
    assert same(_rebuilt(source), near)
