from codeflash_bot.propose.rules.key_check_then_index import KeyCheckThenIndex
from tests.support.rewrite import dedent, rewrite

RULE = KeyCheckThenIndex()


def test_if_else_assignment_becomes_get() -> None:
    before = """
    def f(d, k):
        # look up
        if k in d:
            v = d[k]
        else:
            v = None
        return v
    """
    assert rewrite(RULE, before) == dedent("""
    def f(d, k):
        # look up
        v = d.get(k, None)
        return v
    """)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(d, k):
        return d[k] if k in d else 0
    """,
    RULE.spellings[1]: """
    def f(d, k):
        if k not in d:
            v = []
        else:
            v = d[k]
        return v
    """,
    RULE.spellings[2]: """
    def f(d, k):
        if k in d:
            return d[k]
        return "missing"
    """,
}
SPELLING_INPUTS = [({}, "a"), ({"a": 1}, "a"), ({"a": None}, "a"), ({1: 2}, 1)]
NOT_FIRING = {
    "different keys": """
    def f(d, k, j):
        return d[j] if k in d else 0
    """,
    "default is a call": """
    def f(d, k):
        return d[k] if k in d else compute()
    """,
    "if without else": """
    def f(d, k):
        v = 0
        if k in d:
            v = d[k]
        return v
    """,
    "key is a call": """
    def f(d, k):
        return d[k()] if k() in d else 0
    """,
}
