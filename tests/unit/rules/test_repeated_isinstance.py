from codeflash_bot.propose.rules.repeated_isinstance import RepeatedIsinstance
from tests.support.rewrite import dedent, rewrite

RULE = RepeatedIsinstance()


def test_two_calls_become_one_with_a_tuple() -> None:
    before = """
    def f(v):
        return isinstance(v, int) or isinstance(v, float)
    """
    assert rewrite(RULE, before) == dedent("""
    def f(v):
        return isinstance(v, (int, float))
    """)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(v):
        return isinstance(v, int) or isinstance(v, float)
    """,
    RULE.spellings[1]: """
    from collections import abc

    def f(v):
        if isinstance(v, (list, tuple)) or isinstance(v, dict) or isinstance(v, abc.Set):
            return "container"
        return "scalar"
    """,
    RULE.spellings[2]: """
    def f(v):
        return not isinstance(v, str) and not isinstance(v, bytes)
    """,
}
SPELLING_INPUTS = [(1,), (1.5,), ("s",), (b"b",), ([],), ({1},), (None,)]
NOT_FIRING = {
    "different subjects": """
    def f(a, b):
        return isinstance(a, int) or isinstance(b, int)
    """,
    "subject is a call": """
    def f(a):
        return isinstance(a(), int) or isinstance(a(), str)
    """,
    "mixed with another test": """
    def f(a):
        return isinstance(a, int) or a is None
    """,
    "isinstance shadowed": """
    def isinstance(a, b):
        return False

    def f(a):
        return isinstance(a, int) or isinstance(a, str)
    """,
}
