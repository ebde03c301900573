"""Functions that are already written the fast way.

They are called with large inputs, so they show up in the profile, but codeflash-bot should
keep nothing here: any candidate it proposes must fail to beat the original.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, deque

_TIMESTAMP = re.compile(r"(\d{2}):(\d{2}):(\d{2})")


def allowed_users(users: list[str], allowed: list[str]) -> list[str]:
    """Return the users (in order, repeats kept) that are in ``allowed``; one set, built once."""
    allowed_set = frozenset(allowed)
    return [user for user in users if user in allowed_set]


def most_common_words(words: list[str], n: int) -> list[tuple[str, int]]:
    """Return the ``n`` most frequent words with their counts, most frequent first."""
    return Counter(words).most_common(n)


def fastest_latencies(latencies_ms: list[float], k: int) -> list[float]:
    """Return the ``k`` smallest latencies, smallest first, without sorting them all."""
    return heapq.nsmallest(k, latencies_ms)


def price_range(prices: list[float]) -> tuple[float, float]:
    """Return ``(lowest, highest)`` price in two linear passes."""
    return min(prices), max(prices)


def hop_distances(graph: dict[int, list[int]], start: int) -> dict[int, int]:
    """Return the number of hops from ``start`` to every reachable node (BFS with a deque)."""
    distances = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        next_distance = distances[node] + 1
        for neighbour in graph[node]:
            if neighbour not in distances:
                distances[neighbour] = next_distance
                queue.append(neighbour)
    return distances


def lookup_all(table: dict[str, int], keys: list[str], default: int) -> list[int]:
    """Return ``table[key]`` for each key, or ``default`` for keys that are not in the table."""
    get = table.get
    return [get(key, default) for key in keys]


def to_csv(rows: list[list[int]]) -> str:
    """Render rows of ints as CSV text, one line per row, with a single join per level."""
    return "\n".join([",".join(map(str, row)) for row in rows])


def parse_timestamps(lines: list[str]) -> list[int]:
    """Return, for each line holding an ``HH:MM:SS`` time, that time in seconds since midnight."""
    seconds = []
    search = _TIMESTAMP.search
    for line in lines:
        found = search(line)
        if found is not None:
            hours, minutes, secs = found.groups()
            seconds.append(int(hours) * 3600 + int(minutes) * 60 + int(secs))
    return seconds
