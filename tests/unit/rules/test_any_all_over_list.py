import ast

from codeflash_bot.propose.rules.any_all_over_list import AnyAllOverList
from tests.support.rewrite import dedent, rewrite

RULE = AnyAllOverList()


def test_any_over_listcomp_becomes_generator() -> None:
    before = """
    def f(xs):
        return any([x > 1 for x in xs])
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        return any(x > 1 for x in xs)
    """)


def test_all_over_multiline_listcomp_keeps_layout_and_comment() -> None:
    before = """
    def f(xs):
        return all([
            x > 1  # big enough
            for x in xs
            if x
        ])
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        return all(
            x > 1  # big enough
            for x in xs
            if x
        )
    """)


def test_trailing_comma_is_dropped_to_stay_valid() -> None:
    after = rewrite(RULE, "def f(xs):\n    return any([x for x in xs],)\n")
    assert after == "def f(xs):\n    return any(x for x in xs)\n"
    ast.parse(after)


def test_walrus_in_comprehension_does_not_fire() -> None:
    before = """
    def f(xs):
        return any([(last := x) > 1 for x in xs])
    """
    assert rewrite(RULE, before) is None


def test_async_comprehension_does_not_fire() -> None:
    before = """
    async def f(xs):
        return any([x async for x in xs])
    """
    assert rewrite(RULE, before) is None


def test_shadowed_any_does_not_fire() -> None:
    before = """
    def f(xs, any):
        return any([x for x in xs])
    """
    assert rewrite(RULE, before) is None


def test_already_a_generator_does_not_fire() -> None:
    before = """
    def f(xs):
        return any(x for x in xs) and all([*xs])
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree_when_executed() -> None:
    before = """
    def f(xs):
        return any([x % 7 == 3 for x in xs]), all([x > -5 for x in xs if x % 2])
    """
    after = rewrite(RULE, before)
    assert after is not None
    old: dict = {}
    new: dict = {}
    exec(dedent(before), old)
    exec(after, new)
    for xs in ([], [3], [1, 2, 4], list(range(-10, 30)), [-7, 10]):
        assert old["f"](xs) == new["f"](xs)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        return any([x > 2 for x in xs])
    """,
    RULE.spellings[1]: """
    def f(xs):
        return all([x for x in xs])
    """,
    RULE.spellings[2]: """
    def f(xs):
        return not any([x == y for x in xs for y in xs if x != 0])
    """,
}
SPELLING_INPUTS = [([],), ([1, 3, -1],), ([0, 0],)]
NOT_FIRING = {
    "a list variable": """
    def f(xs):
        ys = [x > 1 for x in xs]
        return any(ys)
    """,
    "any shadowed": """
    def f(xs, any):
        return any([x for x in xs])
    """,
}
