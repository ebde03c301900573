import ast

from codeflash_bot.propose.rules.string_concat_in_loop import StringConcatInLoop
from tests.support.rewrite import dedent, rewrite

RULE = StringConcatInLoop()


def _call(source: str, name: str, *args: object) -> object:
    namespace: dict[str, object] = {}
    exec(source, namespace)
    return namespace[name](*args)  # type: ignore[operator]


def test_concat_loop_collects_parts_and_joins_after() -> None:
    before = """
    def f(rows):
        out = ""
        for row in rows:
            out += str(row)
        return out
    """
    assert rewrite(RULE, before) == dedent("""
    def f(rows):
        _parts = []
        for row in rows:
            _parts.append(str(row))
        out = "".join(_parts)
        return out
    """)


def test_nested_appends_continue_and_quotes_kept() -> None:
    before = """
    def f(rows):
        # csv-ish
        text = ''  # result
        for row in rows:
            if not row:
                continue
            for cell in row:
                text += cell; text += ","
            text += "\\n"
        return text
    """
    assert rewrite(RULE, before) == dedent("""
    def f(rows):
        # csv-ish
        _parts = []  # result
        for row in rows:
            if not row:
                continue
            for cell in row:
                _parts.append(cell); _parts.append(",")
            _parts.append("\\n")
        text = ''.join(_parts)
        return text
    """)


def test_string_read_in_loop_does_not_fire() -> None:
    before = """
    def f(rows):
        out = ""
        for row in rows:
            out += row
            if len(out) > 10:
                break
        return out
    """
    assert rewrite(RULE, before) is None


def test_non_empty_or_bytes_start_does_not_fire() -> None:
    before = """
    def f(rows):
        a = "x"
        for row in rows:
            a += row
        b = b""
        for row in rows:
            b += row
        return a, b
    """
    assert rewrite(RULE, before) is None


def test_loop_in_try_does_not_fire() -> None:
    before = """
    def f(rows):
        out = ""
        try:
            for row in rows:
                out += row
        except TypeError:
            pass
        return out
    """
    assert rewrite(RULE, before) is None


def test_loop_with_else_does_not_fire() -> None:
    before = """
    def f(rows):
        out = ""
        for row in rows:
            out += row
        else:
            pass
        return out
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree() -> None:
    before = dedent("""
    def f(rows):
        out = ""
        for i, row in enumerate(rows):
            if i % 2:
                out += row.upper()
            else:
                out += row
        return out
    """)
    after = rewrite(RULE, before)
    assert after is not None
    ast.parse(after)
    for rows in [[], ["a"], ["ab", "cd", "", "ef"]]:
        assert _call(after, "f", rows) == _call(before, "f", rows)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        s = ""
        for x in xs:
            s += str(x)
        return s
    """,
    RULE.spellings[1]: """
    def f(xs):
        s = ''
        for x in xs:
            s = s + str(x) + ","
        return s
    """,
    RULE.spellings[2]: """
    def f(xs):
        s = ""
        for x in xs:
            if x % 2:
                s += "o"
            else:
                s += str(x)
        return s
    """,
}
SPELLING_INPUTS = [([],), ([1, 2, 3],)]
NOT_FIRING = {
    "s read in the loop": """
    def f(xs):
        s = ""
        for x in xs:
            s += str(len(s))
        return s
    """,
    "non-empty start": """
    def f(xs):
        s = "a"
        for x in xs:
            s += str(x)
        return s
    """,
    "s = piece + s (prepend)": """
    def f(xs):
        s = ""
        for x in xs:
            s = str(x) + s
        return s
    """,
}
