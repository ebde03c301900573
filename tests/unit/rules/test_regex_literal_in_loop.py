import ast

from codeflash_bot.propose.rules.regex_literal_in_loop import RegexLiteralInLoop
from tests.support.rewrite import dedent, rewrite

RULE = RegexLiteralInLoop()


def _call(source: str, name: str, *args: object) -> object:
    namespace: dict[str, object] = {}
    exec(source, namespace)
    return namespace[name](*args)  # type: ignore[operator]


def test_match_in_loop_becomes_module_constant() -> None:
    before = """
    import re

    def f(lines):
        out = []
        for line in lines:
            if re.match(r"\\d+", line):
                out.append(line)
        return out
    """
    assert rewrite(RULE, before) == dedent("""
    import re
    _RE_F = re.compile(r"\\d+")

    def f(lines):
        out = []
        for line in lines:
            if _RE_F.match(line):
                out.append(line)
        return out
    """)


def test_sub_keeps_repl_string_count_and_moves_flags() -> None:
    before = """
    import re

    def f(lines):
        return [re.sub("a+", "-", s, count=1, flags=re.I | re.M) for s in lines]
    """
    assert rewrite(RULE, before) == dedent("""
    import re
    _RE_F = re.compile("a+", re.I | re.M)

    def f(lines):
        return [_RE_F.sub("-", s, count=1) for s in lines]
    """)


def test_positional_flags_move_to_compile() -> None:
    before = """
    import re

    def f(lines):
        return [re.split(",", s, 1, re.I) for s in lines]
    """
    assert rewrite(RULE, before) == dedent("""
    import re
    _RE_F = re.compile(",", re.I)

    def f(lines):
        return [_RE_F.split(s, 1) for s in lines]
    """)


def test_outside_loop_does_not_fire() -> None:
    before = """
    import re

    def f(line, lines):
        return re.match("x", line), [s for s in re.findall("y", line)]
    """
    assert rewrite(RULE, before) is None


def test_non_literal_pattern_or_flags_does_not_fire() -> None:
    before = """
    import re

    def f(lines, pat, fl):
        return [re.match(pat, s) or re.match(f"{pat}x", s) or re.match("x", s, fl) for s in lines]
    """
    assert rewrite(RULE, before) is None


def test_local_re_does_not_fire() -> None:
    before = """
    def f(lines, re):
        return [re.match("x", s) for s in lines]
    """
    assert rewrite(RULE, before) is None


def test_too_many_positionals_does_not_fire() -> None:
    before = """
    import re

    def f(lines):
        return [re.match("x", s, re.I, 3) for s in lines]
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree() -> None:
    before = dedent("""
    import re

    def f(lines):
        out = []
        for s in lines:
            out.append((
                bool(re.fullmatch(r"[a-z]+", s, flags=re.IGNORECASE)),
                re.findall(r"\\d", s),
                re.subn("o", "0", s, 1),
                re.split(r"\\s+", s, maxsplit=1),
            ))
        return out
    """)
    after = rewrite(RULE, before)
    assert after is not None
    ast.parse(after)
    for lines in [[], ["Hello", "foo 12 bar 3", "x  y  z"]]:
        assert _call(after, "f", lines) == _call(before, "f", lines)


SPELLINGS = {
    RULE.spellings[0]: """
    import re

    def f(lines):
        out = []
        for s in lines:
            if re.match(r"\\d+", s):
                out.append(s)
        return out
    """,
    RULE.spellings[1]: """
    import re

    def f(lines):
        return [re.sub("o+", "0", s, flags=re.IGNORECASE) for s in lines]
    """,
    RULE.spellings[2]: """
    import re as rx

    def f(lines):
        i, out = 0, []
        while i < len(lines):
            out.append(rx.search("[a-z]", lines[i]))
            i += 1
        return [m and m.group() for m in out]
    """,
    RULE.spellings[3]: """
    from re import findall

    def f(lines):
        return list(findall(r"\\w+", s) for s in lines)
    """,
}
SPELLING_INPUTS = [([],), (["12 foo", "bar", "Oops 3"],)]
NOT_FIRING = {
    "module rebinds re": """
    import re

    class _Traced:
        def match(self, pattern, s):
            return pattern in s

    re = _Traced()

    def f(lines):
        return [re.match("x", s) for s in lines]
    """,
    "from-import shadowed by a parameter": """
    from re import match

    def f(lines, match):
        return [match("x", s) for s in lines]
    """,
}
