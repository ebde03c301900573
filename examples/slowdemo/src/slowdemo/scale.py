"""Functions whose tests use tiny inputs: only a size ladder shows what a rewrite does at scale.

`stair_ways` is tested up to 6 steps, where a memoised rewrite (CPU109) costs more than it saves
(building the cache per call); at 17+ steps it is hundreds of times faster. `count_matching` is
tested on a three-line file; reading the whole file first only matters for large files.
`stopword_share` is the other way round: tested on short titles, where moving its stop-word set
to a module constant (CPU130) halves the call; on a realistic text the scan dominates and the
saving vanishes, so the size ladder discards what the tests' size alone would keep.
"""

from __future__ import annotations


def stair_ways(steps: int) -> int:
    """Return how many ways there are to climb ``steps`` stairs taking 1, 2 or 3 at a time.

    Anti-pattern CPU109: tree recursion recomputes the same sub-staircases exponentially often.
    """
    if steps < 0:
        return 0
    if steps == 0:
        return 1
    return stair_ways(steps - 1) + stair_ways(steps - 2) + stair_ways(steps - 3)


def count_matching(path: str, word: str) -> int:
    """Return how many lines of the file at ``path`` contain ``word``.

    Anti-pattern CPU113/MEM203: `readlines()` holds the whole file in memory to loop over it once.
    """
    found = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh.readlines():
            if word in line:
                found += 1
    return found


def stopword_share(words: list[str]) -> float:
    """Return the share of ``words`` that are common English stop words.

    Anti-pattern CPU130: the stop-word set is built anew on every call. Tested on short titles,
    where building it is most of the call and a module constant is several times faster; on
    a realistic text the scan dominates and the constant saves nothing measurable.
    """
    stop = {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have",
        "he", "her", "his", "in", "is", "it", "its", "not", "of", "on", "or", "she", "that",
        "the", "their", "they", "this", "to", "was", "were", "which", "will", "with", "you",
    }  # fmt: skip
    if not words:
        return 0.0
    hits = 0
    for word in words:
        if word.lower() in stop:
            hits += 1
    return hits / len(words)
