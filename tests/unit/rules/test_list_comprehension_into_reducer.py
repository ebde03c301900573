from codeflash_bot.propose.rules.list_comprehension_into_reducer import (
    ListComprehensionIntoReducer,
)
from tests.support.rewrite import dedent, rewrite

RULE = ListComprehensionIntoReducer()


def test_reducers_and_join_get_generators() -> None:
    before = """
    def f(xs):
        return sum([x * 2 for x in xs]), any([x < 0 for x in xs]), ",".join([str(x) for x in xs])
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        return sum(x * 2 for x in xs), any(x < 0 for x in xs), ",".join(str(x) for x in xs)
    """)


def test_keywords_keep_the_generator_parenthesized() -> None:
    before = """
    def f(xs):
        return max([x for x in xs], default=0) + sum([x for x in xs], 10)
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        return max((x for x in xs), default=0) + sum((x for x in xs), 10)
    """)


def test_sorted_and_shadowed_reducers_do_not_fire() -> None:
    before = """
    def f(xs, all):
        return sorted([x for x in xs]), all([x for x in xs]), sep.join([x for x in xs])
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree_when_executed() -> None:
    before = """
    def f(xs):
        return (sum([x * x for x in xs]), all([x > -5 for x in xs]),
                min([x for x in xs], default=None), "-".join([str(x) for x in xs]))
    """
    after = rewrite(RULE, before)
    assert after is not None
    old: dict = {}
    new: dict = {}
    exec(dedent(before), old)
    exec(after, new)
    for xs in ([], [3], [5, -9, 4]):
        assert old["f"](xs) == new["f"](xs)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        return sum([x * 2 for x in xs])
    """,
    RULE.spellings[1]: """
    def f(xs):
        return max([x for x in xs if x], default=0)
    """,
    RULE.spellings[2]: """
    def f(xs):
        return ",".join([str(x) for x in xs])
    """,
}
SPELLING_INPUTS = [([],), ([1, 3, -1],), ([0, 2],)]
NOT_FIRING = {
    "generator already": """
    def f(xs):
        return sum(x for x in xs)
    """,
    "list variable": """
    def f(xs):
        ys = [x for x in xs]
        return sum(ys)
    """,
}
