"""Tests for slowdemo.optimal: exact results, with large realistic inputs for the profiler."""

from __future__ import annotations

import random

from slowdemo import optimal


def make_users() -> tuple[list[str], list[str]]:
    rng = random.Random(301)
    users = [f"user{rng.randrange(2000)}" for _ in range(5000)]
    allowed = [f"user{n}" for n in range(0, 2000, 3)]
    return users, allowed


def make_words() -> list[str]:
    rng = random.Random(302)
    vocab = [f"term{n}" for n in range(500)]
    weights = [1.0 / (n + 1) for n in range(500)]  # Zipf-like, so the top words are distinct
    return rng.choices(vocab, weights=weights, k=5000)


def make_latencies() -> list[float]:
    rng = random.Random(303)
    return [round(rng.lognormvariate(3.0, 0.6), 3) for _ in range(5000)]


def make_graph(n: int) -> dict[int, list[int]]:
    return {i: [(2 * i + 1) % n, (3 * i + 2) % n, (i + n - 1) % n] for i in range(n)}


def make_table() -> tuple[dict[str, int], list[str]]:
    table = {f"k{n}": n * n for n in range(0, 3000, 2)}
    keys = [f"k{(n * 7) % 3000}" for n in range(5000)]
    return table, keys


def make_rows() -> list[list[int]]:
    return [[i, i * 3 % 101, -i, i % 7] for i in range(3000)]


def make_log() -> list[str]:
    lines = []
    for i in range(5000):
        if i % 10 == 9:
            lines.append(f"--- heartbeat {i} ---")
        else:
            h, m, s = (i // 3600) % 24, (i // 60) % 60, i % 60
            lines.append(f"2024-05-01 {h:02d}:{m:02d}:{s:02d} worker-{i % 4} handled job {i}")
    return lines


def test_allowed_users_large():
    users, allowed = make_users()
    result = optimal.allowed_users(users, allowed)
    assert result == [u for u in users if int(u[4:]) % 3 == 0]


def test_allowed_users_small():
    assert optimal.allowed_users(["a", "b", "a"], ["a"]) == ["a", "a"]
    assert optimal.allowed_users([], ["a"]) == []


def test_most_common_words_large():
    words = make_words()
    result = optimal.most_common_words(words, 5)
    counts: dict[str, int] = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    expected = sorted(counts.items(), key=lambda kv: -kv[1])[:5]
    assert [c for _, c in result] == [c for _, c in expected]
    assert result[0] == ("term0", counts["term0"])


def test_most_common_words_small():
    assert optimal.most_common_words(["x", "y", "x"], 1) == [("x", 2)]
    assert optimal.most_common_words([], 3) == []


def test_fastest_latencies_large():
    latencies = make_latencies()
    assert optimal.fastest_latencies(latencies, 20) == sorted(latencies)[:20]


def test_fastest_latencies_small():
    assert optimal.fastest_latencies([5.0, 1.0, 3.0], 2) == [1.0, 3.0]
    assert optimal.fastest_latencies([], 2) == []


def test_price_range_large():
    prices = make_latencies()
    ordered = sorted(prices)
    assert optimal.price_range(prices) == (ordered[0], ordered[-1])


def test_price_range_small():
    assert optimal.price_range([2.5]) == (2.5, 2.5)
    assert optimal.price_range([3.0, 1.0, 2.0]) == (1.0, 3.0)


def test_hop_distances_large():
    graph = make_graph(20_000)
    expected, frontier, level = {0: 0}, [0], 0
    while frontier:  # reference: expand one whole level at a time
        level += 1
        nxt = []
        for node in frontier:
            for m in graph[node]:
                if m not in expected:
                    expected[m] = level
                    nxt.append(m)
        frontier = nxt
    distances = optimal.hop_distances(graph, 0)
    assert distances == expected
    assert list(distances) == list(expected)
    assert len(distances) == 20_000


def test_hop_distances_small():
    graph = {0: [1], 1: [2], 2: [0], 3: [0]}
    assert optimal.hop_distances(graph, 0) == {0: 0, 1: 1, 2: 2}
    assert optimal.hop_distances(graph, 3) == {3: 0, 0: 1, 1: 2, 2: 3}


def test_lookup_all_large():
    table, keys = make_table()
    result = optimal.lookup_all(table, keys, -1)
    assert result == [table[k] if k in table else -1 for k in keys]
    assert result.count(-1) == 2500


def test_lookup_all_small():
    assert optimal.lookup_all({"a": 1}, ["a", "b"], 0) == [1, 0]
    assert optimal.lookup_all({}, [], 0) == []


def test_to_csv_large():
    rows = make_rows()
    text = optimal.to_csv(rows)
    lines = text.split("\n")
    assert len(lines) == 3000
    assert lines[10] == "10,30,-10,3"
    assert [[int(v) for v in line.split(",")] for line in lines] == rows


def test_to_csv_small():
    assert optimal.to_csv([[1, 2], [3]]) == "1,2\n3"
    assert optimal.to_csv([]) == ""


def test_parse_timestamps_large():
    lines = make_log()
    expected = [i % 86400 for i in range(5000) if i % 10 != 9]
    assert optimal.parse_timestamps(lines) == expected


def test_parse_timestamps_small():
    assert optimal.parse_timestamps(["at 01:02:03 ok", "none", "23:59:59"]) == [3723, 86399]
    assert optimal.parse_timestamps([]) == []
