import io

from codeflash_bot.propose.rules.readlines_to_iterate import ReadlinesToIterate
from tests.support.rewrite import dedent, rewrite

RULE = ReadlinesToIterate()


def test_loop_over_readlines_iterates_the_file() -> None:
    before = """
    def f(fh):
        out = []
        for line in fh.readlines():
            out.append(line.strip())
        return out
    """
    assert rewrite(RULE, before) == dedent("""
    def f(fh):
        out = []
        for line in fh:
            out.append(line.strip())
        return out
    """)


def test_lines_variable_used_once_by_a_loop_is_dropped() -> None:
    before = """
    def f(path):
        with open(path) as fh:
            # slurp it
            lines = fh.readlines()
            count = 0
            for line in lines:
                if line.startswith("#"):
                    return count
                count += 1
        return -1
    """
    assert rewrite(RULE, before) == dedent("""
    def f(path):
        with open(path) as fh:
            # slurp it
            count = 0
            for line in fh:
                if line.startswith("#"):
                    return count
                count += 1
        return -1
    """)


def test_readlines_with_hint_does_not_fire() -> None:
    before = """
    def f(fh):
        for line in fh.readlines(100):
            print(line)
    """
    assert rewrite(RULE, before) is None


def test_loop_reading_the_file_does_not_fire() -> None:
    before = """
    def f(fh):
        for line in fh.readlines():
            if line == "header\\n":
                fh.readline()
    """
    assert rewrite(RULE, before) is None


def test_early_exit_then_reading_the_rest_does_not_fire() -> None:
    before = """
    def f(fh):
        for line in fh.readlines():
            if not line.strip():
                break
        return fh.read()
    """
    assert rewrite(RULE, before) is None


def test_lines_used_after_the_loop_does_not_fire() -> None:
    before = """
    def f(fh):
        lines = fh.readlines()
        for line in lines:
            print(line)
        return len(lines)
    """
    assert rewrite(RULE, before) is None


def test_loop_after_the_file_is_closed_does_not_fire() -> None:
    before = """
    def f(path):
        with open(path) as fh:
            lines = fh.readlines()
        for line in lines:
            print(line)
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree_when_executed() -> None:
    before = """
    def f(fh, other):
        out = []
        for line in fh.readlines():
            out.append(line.upper())
        rows = other.readlines()
        total = len(out)
        for row in rows:
            total += len(row)
        return out, total
    """
    after = rewrite(RULE, before)
    assert after is not None
    assert "readlines" not in after
    old: dict = {}
    new: dict = {}
    exec(dedent(before), old)
    exec(after, new)
    for text in ("", "one\n", "a\nbb\n\nccc", "x\n" * 5):
        expected = old["f"](io.StringIO(text), io.StringIO(text[::-1]))
        assert new["f"](io.StringIO(text), io.StringIO(text[::-1])) == expected


SPELLINGS = {
    RULE.spellings[0]: """
    import io

    def f(text):
        fh = io.StringIO(text)
        out = []
        for line in fh.readlines():
            out.append(line.strip())
        return out
    """,
    RULE.spellings[1]: """
    import io

    def f(text):
        fh = io.StringIO(text)
        lines = fh.readlines()
        n = 0
        for line in lines:
            n += len(line)
        return n
    """,
    RULE.spellings[2]: """
    import io
    import types

    def f(text):
        self = types.SimpleNamespace(handle=io.StringIO(text))
        out = []
        for line in self.handle.readlines():
            out.append(line[:1])
        return out
    """,
}
SPELLING_INPUTS = [("",), ("a\nbb\n",), ("x",)]
NOT_FIRING = {
    "readlines with a hint": """
    def f(fh):
        return [line for line in fh.readlines(10)]
    """,
    "lines used twice": """
    def f(fh):
        lines = fh.readlines()
        for line in lines:
            print(line)
        return len(lines)
    """,
}
