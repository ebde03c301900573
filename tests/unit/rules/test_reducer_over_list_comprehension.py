import ast

from codeflash_bot.propose.rules.reducer_over_list_comprehension import (
    ReducerOverListComprehension,
)
from tests.support.rewrite import dedent, rewrite

RULE = ReducerOverListComprehension()


def test_sum_of_listcomp_becomes_generator() -> None:
    before = """
    def f(items):
        return sum([p * 2 for p in items])
    """
    assert rewrite(RULE, before) == dedent("""
    def f(items):
        return sum(p * 2 for p in items)
    """)


def test_keywords_and_start_keep_the_generator_parenthesized() -> None:
    before = """
    def f(xs):
        return min([x for x in xs if x], default=0) + sum([x for x in xs], 10)
    """
    after = rewrite(RULE, before)
    assert after == dedent("""
    def f(xs):
        return min((x for x in xs if x), default=0) + sum((x for x in xs), 10)
    """)
    ast.parse(after)


def test_conversions_become_generators() -> None:
    before = """
    def f(xs):
        return set([x for x in xs]), tuple([x for x in xs]), frozenset([x for x in xs])
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        return set(x for x in xs), tuple(x for x in xs), frozenset(x for x in xs)
    """)


def test_sorted_and_list_do_not_fire() -> None:
    before = """
    def f(xs):
        return sorted([x for x in xs]), list([x for x in xs])
    """
    assert rewrite(RULE, before) is None


def test_unknown_keyword_does_not_fire() -> None:
    before = """
    def f(xs):
        return max([x for x in xs], reverse=True)
    """
    assert rewrite(RULE, before) is None


def test_walrus_in_comprehension_does_not_fire() -> None:
    before = """
    def f(xs):
        return sum([(y := x) for x in xs]) + y
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree_when_executed() -> None:
    before = """
    def f(xs):
        return (
            sum([x * x for x in xs], 3),
            min([x for x in xs], default=None),
            max([-x for x in xs if x % 3], key=abs, default=0),
            set([x % 4 for x in xs]),
            tuple([x for x in xs if x > 2]),
        )
    """
    after = rewrite(RULE, before)
    assert after is not None
    old: dict = {}
    new: dict = {}
    exec(dedent(before), old)
    exec(after, new)
    for xs in ([], [3], [5, 1, 4], list(range(-6, 20))):
        assert old["f"](xs) == new["f"](xs)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        return sum([x * x for x in xs], 10)
    """,
    RULE.spellings[1]: """
    def f(xs):
        return min([x for x in xs], default=None), max([x for x in xs] or [0], key=abs)
    """,
    RULE.spellings[2]: """
    def f(xs):
        return tuple([x + 1 for x in xs]), frozenset([x for x in xs if x])
    """,
}
SPELLING_INPUTS = [([],), ([1, 3, -1],), ([0, 2],)]
NOT_FIRING = {
    "not a comprehension": """
    def f(xs):
        return sum(xs)
    """,
    "sum shadowed": """
    def f(xs, sum):
        return sum([x for x in xs])
    """,
}
