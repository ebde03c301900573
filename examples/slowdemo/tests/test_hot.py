"""Tests for slowdemo.hot: exact results, with large realistic inputs for the profiler."""

from __future__ import annotations

import math
import random

from slowdemo import hot

# ---------------------------------------------------------------- deterministic inputs


def make_tags() -> tuple[list[str], list[str]]:
    rng = random.Random(101)
    tags = [f"tag{rng.randrange(1000)}" for _ in range(5000)]
    allowed = [f"tag{n}" for n in range(0, 1000, 2)]  # 500 allowed tags
    return tags, allowed


def make_items() -> list[str]:
    rng = random.Random(102)
    return [f"sku-{rng.randrange(400):03d}" for _ in range(4000)]


def make_prices() -> list[float]:
    rng = random.Random(103)
    return [round(rng.uniform(1.0, 500.0), 2) for _ in range(5000)]


def make_scores() -> list[int]:
    rng = random.Random(104)
    return [rng.randrange(100_000) for _ in range(5000)]


def make_graph(n: int) -> dict[int, list[int]]:
    """A binary tree over 0..n-1 plus one deterministic cross edge per node."""
    graph: dict[int, list[int]] = {}
    for i in range(n):
        graph[i] = [c for c in (2 * i + 1, 2 * i + 2) if c < n]
        graph[i].append((i * 7919 + 13) % n)
    return graph


def make_log(n: int) -> list[str]:
    levels = ["INFO", "DEBUG", "WARN", "ERROR", "INFO", "INFO", "ERRORS"]
    return [f"{levels[i % 7]} req={i} t={i % 97}ms" for i in range(n)]


def make_words() -> list[str]:
    rng = random.Random(105)
    vocab = [f"w{n}" for n in range(300)]
    return [rng.choice(vocab) for _ in range(5000)]


def make_readings() -> list[float]:
    readings = [20.0 + (i % 50) * 0.5 for i in range(5000)]
    readings[3] = -1.5  # the sensor glitch shows up early
    return readings


def make_values() -> list[int]:
    return [(i * 37) % 1009 for i in range(3000)]


def make_repeats() -> list[int]:
    rng = random.Random(106)
    return [rng.randrange(3000) for _ in range(2000)]


# ---------------------------------------------------------------- reference implementations


def ref_bfs(graph: dict[int, list[int]], start: int) -> list[int]:
    order, seen, frontier = [], {start}, [start]
    while frontier:
        order.extend(frontier)
        nxt = []
        for node in frontier:
            for m in graph[node]:
                if m not in seen:
                    seen.add(m)
                    nxt.append(m)
        frontier = nxt
    return order


# ---------------------------------------------------------------- tests


def test_common_tags_large():
    tags, allowed = make_tags()
    result = hot.common_tags(tags, allowed)
    assert result == [t for t in tags if int(t[3:]) % 2 == 0]
    assert 2000 < len(result) < 3000


def test_common_tags_small():
    assert hot.common_tags(["a", "b", "a", "c"], ["a", "c"]) == ["a", "a", "c"]
    assert hot.common_tags([], ["a"]) == []
    assert hot.common_tags(["a"], []) == []


def test_unique_in_order_large():
    items = make_items()
    result = hot.unique_in_order(items)
    first_seen: dict[str, int] = {}
    for i, item in enumerate(items):
        first_seen.setdefault(item, i)
    assert result == sorted(first_seen, key=first_seen.__getitem__)
    assert len(result) == 400


def test_unique_in_order_small():
    assert hot.unique_in_order(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]
    assert hot.unique_in_order([]) == []


def test_cheapest_large():
    prices = make_prices()
    lowest = prices[0]
    for p in prices:
        if p < lowest:
            lowest = p
    assert hot.cheapest(prices) == lowest


def test_cheapest_small():
    assert hot.cheapest([3.5, 1.25, 9.0]) == 1.25
    assert hot.cheapest([7.0]) == 7.0


def test_top_scores_large():
    scores = make_scores()
    result = hot.top_scores(scores, 10)
    assert len(result) == 10
    assert result == sorted(scores)[-10:][::-1]


def test_top_scores_small():
    assert hot.top_scores([5, 1, 9, 3], 2) == [9, 5]
    assert hot.top_scores([5, 1], 5) == [5, 1]
    assert hot.top_scores([], 3) == []


def test_bfs_order_large():
    graph = make_graph(20_000)
    result = hot.bfs_order(graph, 0)
    assert result == ref_bfs(graph, 0)
    assert len(result) == 20_000


def test_bfs_order_small():
    graph = {0: [1, 2], 1: [3], 2: [3], 3: [0], 4: [0]}
    assert hot.bfs_order(graph, 0) == [0, 1, 2, 3]
    assert hot.bfs_order(graph, 4) == [4, 0, 1, 2, 3]
    assert hot.bfs_order({7: []}, 7) == [7]


def test_count_errors_large():
    lines = make_log(5000)
    expected = sum(1 for line in lines if line.split(" ", 1)[0] == "ERROR")
    assert hot.count_errors(lines) == expected == 714


def test_count_errors_small():
    assert hot.count_errors(["ERROR x", "ERRORS y", "INFO ERROR", "ERROR"]) == 2
    assert hot.count_errors([]) == 0


def test_word_counts_large():
    words = make_words()
    result = hot.word_counts(words)
    assert sum(result.values()) == len(words)
    assert list(result) == list(dict.fromkeys(words))
    for word in ("w0", "w150", "w299"):
        assert result[word] == words.count(word)


def test_word_counts_small():
    result = hot.word_counts(["to", "be", "or", "not", "to", "be"])
    assert result == {"to": 2, "be": 2, "or": 1, "not": 1}
    assert list(result) == ["to", "be", "or", "not"]
    assert hot.word_counts([]) == {}


def test_grid_paths_large():
    assert hot.grid_paths(10, 10) == math.comb(20, 10)


def test_grid_paths_small():
    assert hot.grid_paths(0, 5) == 1
    assert hot.grid_paths(2, 3) == math.comb(5, 2)
    assert hot.grid_paths(4, 6) == math.comb(10, 4)


def test_has_negative_large():
    readings = make_readings()
    assert hot.has_negative(readings) is True


def test_has_negative_small():
    assert hot.has_negative([1.0, 2.0, 3.0]) is False
    assert hot.has_negative([0.5, -0.5]) is True
    assert hot.has_negative([]) is False


def test_doubled_large():
    values = make_values()
    result = hot.doubled(values)
    assert result == [2 * v for v in values]
    assert values == make_values()  # input untouched


def test_doubled_small():
    assert hot.doubled([1, -2, 0]) == [2, -4, 0]
    assert hot.doubled([]) == []


def test_repeated_items_large():
    items = make_repeats()
    seen_twice: set[int] = set()
    seen: set[int] = set()
    for x in items:
        (seen_twice if x in seen else seen).add(x)
    result = hot.repeated_items(items)
    assert result == [x for x in items if x in seen_twice]
    assert len(result) > 500


def test_repeated_items_small():
    assert hot.repeated_items([3, 1, 3, 2, 1]) == [3, 1, 3, 1]
    assert hot.repeated_items([1, 2, 3]) == []
    assert hot.repeated_items([]) == []
