"""Hot functions, each written with exactly one well-known performance anti-pattern.

Every function here is correct but slow; codeflash-bot is expected to find a faster rewrite
for each one (the rule that should fire is named in each docstring) and keep it.
"""

from __future__ import annotations

import re


def common_tags(tags: list[str], allowed: list[str]) -> list[str]:
    """Return the tags (in order, repeats kept) that are in ``allowed``.

    Anti-pattern CPU101: ``in`` on a list inside a comprehension scans ``allowed`` once per tag.
    """
    return [tag for tag in tags if tag in allowed]


def unique_in_order(items: list[str]) -> list[str]:
    """Return the items without duplicates, keeping the first occurrence of each.

    Anti-pattern CPU102: ``not in out`` on the growing result list makes this quadratic.
    """
    out = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def cheapest(prices: list[float]) -> float:
    """Return the lowest price.

    Anti-pattern CPU103: sorts the whole list to read its first element.
    """
    return sorted(prices)[0]


def top_scores(scores: list[int], k: int) -> list[int]:
    """Return the ``k`` highest scores, highest first.

    Anti-pattern CPU104: sorts every score to keep only the first ``k``.
    """
    return sorted(scores, reverse=True)[:k]


def bfs_order(graph: dict[int, list[int]], start: int) -> list[int]:
    """Return the nodes reachable from ``start`` in breadth-first order.

    Anti-pattern CPU106: ``list.pop(0)`` shifts the whole queue on every step.
    """
    seen = {start}
    order = []
    queue = [start]
    while queue:
        node = queue.pop(0)
        order.append(node)
        for neighbour in graph[node]:
            if neighbour not in seen:
                seen.add(neighbour)
                queue.append(neighbour)
    return order


def count_errors(lines: list[str]) -> int:
    """Count the log lines that start with ``ERROR``.

    Anti-pattern CPU107: ``re.match`` with a pattern string looks the pattern up in re's
    cache on every call of the loop.
    """
    count = 0
    for line in lines:
        if re.match(r"ERROR\b", line):
            count += 1
    return count


def word_counts(words: list[str]) -> dict[str, int]:
    """Return how many times each word occurs, in order of first occurrence.

    Anti-pattern CPU108: a hand-written counting loop where ``collections.Counter`` counts in C.
    """
    counts = {}
    for word in words:
        if word in counts:
            counts[word] += 1
        else:
            counts[word] = 1
    return counts


def grid_paths(rows: int, cols: int) -> int:
    """Return the number of monotone lattice paths across a ``rows`` x ``cols`` grid.

    Anti-pattern CPU109: tree recursion recomputes the same sub-grids exponentially often.
    """
    if rows == 0 or cols == 0:
        return 1
    return grid_paths(rows - 1, cols) + grid_paths(rows, cols - 1)


def has_negative(readings: list[float]) -> bool:
    """Return True if any reading is negative.

    Anti-pattern CPU110: builds the full list of matches just to test that it is non-empty.
    """
    return len([x for x in readings if x < 0]) > 0


def doubled(values: list[int]) -> list[int]:
    """Return every value multiplied by two.

    Anti-pattern CPU114: ``acc = acc + [...]`` copies the whole list on every iteration.
    """
    acc = []
    for value in values:
        acc = acc + [value * 2]
    return acc


def repeated_items(items: list[int]) -> list[int]:
    """Return the items (in order, repeats kept) that occur more than once.

    Anti-pattern CPU118: ``items.count`` inside the comprehension rescans the list per item.
    """
    return [x for x in items if items.count(x) > 1]
