from codeflash_bot.propose.rules.startswith_or_chain import StartswithOrChain
from tests.support.rewrite import dedent, rewrite

RULE = StartswithOrChain()


def test_two_prefixes_become_a_tuple() -> None:
    before = """
    def f(line):
        return line.startswith("#") or line.startswith(";")
    """
    assert rewrite(RULE, before) == dedent("""
    def f(line):
        return line.startswith(("#", ";"))
    """)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(line):
        return line.startswith("#") or line.startswith(";")
    """,
    RULE.spellings[1]: """
    def f(line):
        return line.endswith(".py") or line.endswith((".pyi", ".pyx")) or line.endswith(".c")
    """,
    RULE.spellings[2]: """
    def f(line):
        return not line.startswith("#") and not line.startswith(";")
    """,
}
SPELLING_INPUTS = [("",), ("# x",), ("; y",), ("a.py",), ("b.pyi",), ("c.c",), ("plain",)]
NOT_FIRING = {
    "different subjects": """
    def f(a, b):
        return a.startswith("x") or b.startswith("y")
    """,
    "startswith then endswith": """
    def f(a):
        return a.startswith("x") or a.endswith("y")
    """,
    "non-literal prefix": """
    def f(a, p):
        return a.startswith(p) or a.startswith("y")
    """,
    "start index given": """
    def f(a):
        return a.startswith("x", 1) or a.startswith("y", 1)
    """,
}
