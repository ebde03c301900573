from codeflash_bot.propose.rules.string_rebuilt_by_concatenation import (
    StringRebuiltByConcatenation,
)
from tests.support.rewrite import dedent, rewrite

RULE = StringRebuiltByConcatenation()


def test_self_concatenation_in_a_loop_becomes_augmented() -> None:
    before = """
    def f(rows):
        out = ""
        for name, city in rows:
            out = out + name + "," + city + "\\n"
        return out
    """
    assert rewrite(RULE, before) == dedent("""
    def f(rows):
        out = ""
        for name, city in rows:
            out += name + "," + city + "\\n"
        return out
    """)


def test_not_a_string_or_not_in_a_loop_does_not_fire() -> None:
    before = """
    def f(rows, acc):
        total = 0
        s = ""
        s = s + "header"
        for r in rows:
            total = total + r + 1
            acc = acc + r + 1
        return total, s, acc
    """
    assert rewrite(RULE, before) is None


def test_rebinding_to_something_else_does_not_fire() -> None:
    before = """
    def f(rows):
        out = ""
        for r in rows:
            out = out + r + ";"
        out = out.split(";")
        return out
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree_when_executed() -> None:
    before = """
    def f(words):
        s = "<"
        i = 0
        while i < len(words):
            s = s + words[i] + (" " if i % 2 else "-")
            i += 1
        return s
    """
    after = rewrite(RULE, before)
    assert after is not None and "s += words[i]" in after
    old: dict = {}
    new: dict = {}
    exec(dedent(before), old)
    exec(after, new)
    for words in ([], ["a"], ["x", "yy", "zzz"]):
        assert old["f"](words) == new["f"](words)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        s = ""
        for x in xs:
            s = s + str(x) + ";"
        return s
    """,
    RULE.spellings[1]: """
    def f(xs):
        s = "start"
        i = 0
        while i < len(xs):
            s = s + str(xs[i])
            i += 1
        return s
    """,
    RULE.spellings[2]: """
    def f(xs):
        s = ""
        s += "["
        for x in xs:
            s = s + repr(x) + ","
        return s
    """,
}
SPELLING_INPUTS = [([],), ([1, "a", None],)]
NOT_FIRING = {
    "prepend": """
    def f(xs):
        s = ""
        for x in xs:
            s = str(x) + s
        return s
    """,
    "s starts as a parameter": """
    def f(xs, s):
        for x in xs:
            s = s + str(x)
        return s
    """,
}
