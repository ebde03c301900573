from codeflash_bot.propose.rules.unnecessary_comprehension import UnnecessaryComprehension
from tests.support.rewrite import dedent, rewrite

RULE = UnnecessaryComprehension()


def test_list_copy_becomes_list_call() -> None:
    before = """
    def f(xs):
        return [x for x in xs]
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        return list(xs)
    """)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        return [x for x in xs]
    """,
    RULE.spellings[1]: """
    def f(xs):
        return {x for x in xs}
    """,
    RULE.spellings[2]: """
    def f(xs):
        return {k: v for k, v in zip(xs, xs[1:])}
    """,
    RULE.spellings[3]: """
    def f(xs):
        return len([row for row in iter(xs)])
    """,
}
SPELLING_INPUTS = [([],), ([3, 1, 3, 2],), (["ab", "cd"],)]
NOT_FIRING = {
    "element transformed": """
    def f(xs):
        return [x + 1 for x in xs]
    """,
    "filtered": """
    def f(xs):
        return [x for x in xs if x]
    """,
    "list shadowed at module level": """
    def list(xs):
        return xs

    def f(xs):
        return [x for x in xs]
    """,
    "swapped dict pairs": """
    def f(pairs):
        return {v: k for k, v in pairs}
    """,
}
