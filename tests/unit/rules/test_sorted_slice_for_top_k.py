import ast

from codeflash_bot.propose.rules.sorted_slice_for_top_k import SortedSliceForTopK
from tests.support.rewrite import dedent, rewrite

RULE = SortedSliceForTopK()


def _call(source: str, name: str, *args: object) -> object:
    namespace: dict[str, object] = {}
    exec(source, namespace)
    return namespace[name](*args)  # type: ignore[operator]


def test_reverse_sorted_head_becomes_nlargest_with_key() -> None:
    before = """
    def f(scores, k):
        return sorted(scores, key=abs, reverse=True)[:k]
    """
    assert rewrite(RULE, before) == dedent("""
    import heapq

    def f(scores, k):
        return heapq.nlargest(k, scores, key=abs)
    """)


def test_sorted_head_becomes_nsmallest() -> None:
    before = """
    import math

    def f(xs):
        return sorted(xs, reverse=False)[:3]
    """
    assert rewrite(RULE, before) == dedent("""
    import math
    import heapq

    def f(xs):
        return heapq.nsmallest(3, xs)
    """)


def test_unknown_reverse_does_not_fire() -> None:
    before = """
    def f(xs, desc):
        return sorted(xs, reverse=desc)[:3]
    """
    assert rewrite(RULE, before) is None


def test_slice_with_start_or_step_does_not_fire() -> None:
    before = """
    def f(xs):
        return sorted(xs)[1:3], sorted(xs)[:3:2], sorted(xs)[2:]
    """
    assert rewrite(RULE, before) is None


def test_negative_k_does_not_fire() -> None:
    before = """
    def f(xs):
        return sorted(xs)[:-1]
    """
    assert rewrite(RULE, before) is None


def test_local_sorted_does_not_fire() -> None:
    before = """
    def f(xs, sorted):
        return sorted(xs)[:3]
    """
    assert rewrite(RULE, before) is None


def test_heapq_own_fallback_does_not_fire() -> None:
    before = """
    def nsmallest(n, iterable, key=None):
        return sorted(iterable, key=key)[:n]
    """
    assert rewrite(RULE, before, "nsmallest") is None


def test_before_and_after_agree() -> None:
    before = dedent("""
    def f(xs, k):
        return sorted(xs)[:k], sorted(xs, key=lambda p: p[0], reverse=True)[:k]
    """)
    after = rewrite(RULE, before)
    assert after is not None
    ast.parse(after)
    cases = [([], 2), ([(1, "a"), (2, "b"), (1, "c"), (2, "d")], 3), ([(3, "x")], 0)]
    for xs, k in cases:
        assert _call(after, "f", xs, k) == _call(before, "f", xs, k)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs, k=2):
        return sorted(xs)[:3]
    """,
    RULE.spellings[1]: """
    def f(xs, k=2):
        return sorted(xs, reverse=True)[:k]
    """,
    RULE.spellings[2]: """
    def f(xs, k=2):
        return sorted(xs, key=abs)[:k]
    """,
}
SPELLING_INPUTS = [([],), ([3, -1, 2, 7, -9],), ([5, 5, 1], 1)]
NOT_FIRING = {
    "slice with a start": """
    def f(xs, k=2):
        return sorted(xs)[1:k]
    """,
    "no slice": """
    def f(xs, k=2):
        return sorted(xs)
    """,
}
