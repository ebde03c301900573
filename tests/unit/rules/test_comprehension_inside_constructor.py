from codeflash_bot.propose.rules.comprehension_inside_constructor import (
    ComprehensionInsideConstructor,
)
from tests.support.rewrite import dedent, rewrite

RULE = ComprehensionInsideConstructor()


def test_dict_of_pairs_becomes_dict_comprehension() -> None:
    before = """
    def f(xs):
        return dict([(x, len(str(x))) for x in xs])
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        return {x: len(str(x)) for x in xs}
    """)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        return sorted(set([x % 3 for x in xs]))
    """,
    RULE.spellings[1]: """
    def f(xs):
        return sorted(set(x for x in xs if x > 1))
    """,
    RULE.spellings[2]: """
    def f(xs):
        return dict([(x, x * x) for x in xs])
    """,
    RULE.spellings[3]: """
    def f(xs):
        return dict((k, v) for k, v in enumerate(xs))
    """,
}
SPELLING_INPUTS = [([],), ([3, 1, 4, 1, 5],)]
NOT_FIRING = {
    "pairs not written as tuples": """
    def f(pairs):
        return dict([p for p in pairs])
    """,
    "set shadowed by a parameter": """
    def f(xs, set):
        return set([x for x in xs])
    """,
    "keyword arguments to dict": """
    def f(xs):
        return dict([(x, 1) for x in xs], extra=2)
    """,
}
