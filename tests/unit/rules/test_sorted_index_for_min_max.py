from codeflash_bot.propose.rules.sorted_index_for_min_max import SortedIndexForMinMax
from tests.support.rewrite import dedent, rewrite

RULE = SortedIndexForMinMax()


def test_first_of_sorted_becomes_min() -> None:
    before = """
    def f(xs):
        return sorted(xs)[0]
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        return min(xs)
    """)


def test_last_of_sorted_with_key_becomes_max() -> None:
    before = """
    def f(xs):
        return sorted(xs, key=len)[-1]
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        return max(xs, key=len)
    """)


def test_reverse_sort_does_not_fire() -> None:
    before = """
    def f(xs):
        return sorted(xs, reverse=True)[0]
    """
    assert rewrite(RULE, before) is None


def test_other_functions_untouched() -> None:
    before = """
    def g(xs):
        return sorted(xs)[0]

    def f(xs):
        return xs[0]
    """
    assert rewrite(RULE, before) is None


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        return sorted(xs)[0]
    """,
    RULE.spellings[1]: """
    def f(xs):
        return sorted(xs)[-1]
    """,
    RULE.spellings[2]: """
    def f(xs):
        return [sorted(xs, key=abs)[0], len(xs)]
    """,
}
SPELLING_INPUTS = [([3, -1, 2],), ([5],), ([1.5, -2.5],)]
NOT_FIRING = {
    "reverse given": """
    def f(xs):
        return sorted(xs, reverse=True)[0]
    """,
    "other index": """
    def f(xs):
        return sorted(xs)[1]
    """,
}
