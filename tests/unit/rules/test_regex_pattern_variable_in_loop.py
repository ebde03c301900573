from codeflash_bot.propose.rules.regex_pattern_variable_in_loop import RegexPatternVariableInLoop
from tests.support.rewrite import dedent, rewrite

RULE = RegexPatternVariableInLoop()


def test_parameter_pattern_compiled_before_the_statement() -> None:
    before = """
    import re

    def f(pattern, lines):
        # keep me
        return [s for s in lines if re.search(pattern, s)]
    """
    assert rewrite(RULE, before) == dedent("""
    import re

    def f(pattern, lines):
        # keep me
        _pattern_re = re.compile(pattern)
        return [s for s in lines if _pattern_re.search(s)]
    """)


def test_adds_import_re_when_only_from_imported() -> None:
    before = """
    from re import sub

    def f(pattern, lines):
        return [sub(pattern, "", s) for s in lines]
    """
    after = rewrite(RULE, before)
    assert after is not None
    assert "import re\n" in after and '_pattern_re.sub("", s)' in after


SPELLINGS = {
    RULE.spellings[0]: """
    import re

    def f(pattern, lines, flags=0):
        return [s for s in lines if re.search(pattern, s)]
    """,
    RULE.spellings[1]: """
    import re

    def f(pattern, lines, flags=0):
        pat = pattern + r"\\d+"
        out = []
        for s in lines:
            if re.match(pat, s):
                out.append(s)
        return out
    """,
    RULE.spellings[2]: """
    from re import sub

    def f(pattern, lines, flags=0):
        i, out = 0, []
        while i < len(lines):
            out.append(sub(pattern, "_", lines[i], flags=flags))
            i += 1
        return out
    """,
    RULE.spellings[3]: """
    import re

    def f(pattern, lines, flags=0):
        hits = 0
        for block in (lines, lines[::-1]):
            for s in block:
                hits += len(re.findall(pattern, s, flags))
        return hits
    """,
}
SPELLING_INPUTS = [("a", [], 0), ("o", ["foo1", "bar", "oo22"], 2), ("[", ["x"], 0)]
NOT_FIRING = {
    "pattern reassigned in the loop": """
    import re

    def f(patterns, s):
        out = []
        for pattern in patterns:
            out.append(re.match(pattern, s))
        return out
    """,
    "pattern is a global (a call could rebind it)": """
    import re

    def f(lines):
        return [re.match(PATTERN, s) for s in lines]
    """,
    "literal pattern (CPU107's)": """
    import re

    def f(lines):
        return [re.match("x", s) for s in lines]
    """,
    "flags changes per item": """
    import re

    def f(pattern, lines):
        return [re.match(pattern, s, i) for i, s in enumerate(lines)]
    """,
    "not in a loop": """
    import re

    def f(pattern, s):
        return re.match(pattern, s)
    """,
    "re is a local": """
    def f(pattern, lines, re):
        return [re.match(pattern, s) for s in lines]
    """,
}
