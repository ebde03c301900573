from codeflash_bot.propose.rules.join_over_generator import JoinOverGenerator
from tests.support.rewrite import dedent, rewrite

RULE = JoinOverGenerator()


def test_generator_becomes_list_comprehension() -> None:
    before = """
    def f(values, sep=","):
        return ", ".join(str(v) for v in values)
    """
    assert rewrite(RULE, before) == dedent("""
    def f(values, sep=","):
        return ", ".join([str(v) for v in values])
    """)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(values, sep=","):
        return "".join(str(v) for v in values)
    """,
    RULE.spellings[1]: """
    def f(values, sep=","):
        return sep.join(str(v) for v in values if v)
    """,
    RULE.spellings[2]: """
    def f(values, sep=","):
        return f"[{', '.join(repr(v) for v in values)}]"
    """,
}
SPELLING_INPUTS = [([],), ([1, 0, "a"],), ([None, 2.5], "-")]
NOT_FIRING = {
    "already a list": """
    def f(values):
        return "".join([str(v) for v in values])
    """,
    "os.path.join": """
    import os

    def f(parts):
        return os.path.join(p for p in parts)
    """,
    "imported join receiver": """
    import posixpath as sep

    def f(parts):
        return sep.join(p for p in parts)
    """,
    "async generator": """
    async def f(parts):
        return "".join(p async for p in parts)
    """,
}
