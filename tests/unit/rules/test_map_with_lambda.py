from codeflash_bot.propose.rules.map_with_lambda import MapWithLambda
from tests.support.rewrite import dedent, rewrite

RULE = MapWithLambda()


def test_list_map_lambda_becomes_list_comprehension() -> None:
    before = """
    def f(xs):
        return list(map(lambda s: s * 2, xs))
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        return [s * 2 for s in xs]
    """)


def test_loop_iterable_becomes_generator() -> None:
    before = """
    def f(xs):
        out = 0
        for y in map(lambda s: s * 2, xs):
            out += y
        return out
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        out = 0
        for y in (s * 2 for s in xs):
            out += y
        return out
    """)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        return list(map(lambda x: x * 3 + 1, xs))
    """,
    RULE.spellings[1]: """
    def f(xs):
        return sorted(set(map(lambda x: x % 3, xs)))
    """,
    RULE.spellings[2]: """
    def f(xs):
        out = []
        for y in map(lambda x: -x, xs):
            out.append(y)
        return out
    """,
    RULE.spellings[3]: """
    def f(xs):
        return sum(map(lambda x: x * x, xs))
    """,
}
SPELLING_INPUTS = [([],), ([3, 1, 4, 1, 5],), ([2.5, -1.0],)]
NOT_FIRING = {
    "named function, not a lambda": """
    def f(xs):
        return list(map(abs, xs))
    """,
    "two iterables": """
    def f(xs, ys):
        return list(map(lambda a, b: a + b, xs, ys))
    """,
    "map left lazy": """
    def f(xs):
        return map(lambda x: x + 1, xs)
    """,
    "map shadowed": """
    def f(xs, map):
        return list(map(lambda x: x + 1, xs))
    """,
}
