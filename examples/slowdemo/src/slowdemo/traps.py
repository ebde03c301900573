"""Traps: each function matches a rewrite rule's pattern, but the rewrite is wrong or not faster.

codeflash-bot's rules are expected to propose a candidate for every function here, and the bot
must discard every one of them: replay or the tests catch the behaviour changes, and the
interleaved measurement catches the rewrites that are not faster.
"""

from __future__ import annotations

from collections import defaultdict


def total_squares(xs: list[int]) -> int:
    """Return the sum of the squares.

    CPU112 proposes ``sum(x * x for x in xs)``; on CPython a list comprehension feeding
    ``sum`` is faster than a generator, so the candidate must lose the measurement.
    """
    return sum([x * x for x in xs])


def tally(words: list[str]) -> defaultdict[str, int]:
    """Count the words into a ``defaultdict(int)``.

    Callers rely on the defaultdict: looking up a missing word gives 0 *and inserts it*.
    A ``Counter`` rewrite changes the type and does not insert on lookup (a plain dict raises).
    """
    counts: defaultdict[str, int] = defaultdict(int)
    for word in words:
        counts[word] += 1
    return counts


def last_longest(words: list[str]) -> str:
    """Return the longest word; among words of equal length, the one that comes last.

    CPU103 proposes ``max(words, key=len)``, which returns the *first* of the tied words.
    """
    return sorted(words, key=len)[-1]


def overlap(rows: list[list[int]], allowed: list[list[int]]) -> list[list[int]]:
    """Return the rows (each a list of ints) that also appear in ``allowed``.

    CPU101 proposes building ``set(allowed)``, which raises TypeError: lists are unhashable.
    """
    return [row for row in rows if row in allowed]


def any_slow_first(xs: list[int]) -> bool:
    """Return True if any value is positive.

    CPU110 proposes ``any(x > 0 for x in xs)``; in this workload the only positive value is at
    the very end (or there is none), so nothing short-circuits and the generator is slower.
    """
    return len([x for x in xs if x > 0]) > 0
