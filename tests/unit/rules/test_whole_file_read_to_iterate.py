import io

from codeflash_bot.propose.rules.whole_file_read_to_iterate import WholeFileReadToIterate
from tests.support.rewrite import dedent, rewrite

RULE = WholeFileReadToIterate()


def test_read_splitlines_becomes_line_iteration_with_newline_stripped() -> None:
    before = """
    def f(fh):
        n = 0
        for line in fh.read().splitlines():
            n += len(line)
        return n
    """
    assert rewrite(RULE, before) == dedent("""
    def f(fh):
        n = 0
        for line in fh:
            line = line.rstrip("\\n")
            n += len(line)
        return n
    """)


def test_readlines_becomes_line_iteration() -> None:
    before = """
    def f(self):
        n = 0
        for line in self.fh.readlines():
            n += 1
        return n
    """
    assert rewrite(RULE, before) == dedent("""
    def f(self):
        n = 0
        for line in self.fh:
            n += 1
        return n
    """)


def test_early_exit_or_file_use_in_the_body_does_not_fire() -> None:
    before = """
    def f(fh):
        for line in fh.read().splitlines():
            if not line:
                break
        for line in fh.readlines():
            fh.seek(0)
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree_on_text_files() -> None:
    before = """
    def f(fh):
        out = []
        for line in fh.read().splitlines():
            out.append(line.upper())
        return out
    """
    after = rewrite(RULE, before)
    assert after is not None
    old: dict = {}
    new: dict = {}
    exec(dedent(before), old)
    exec(after, new)
    for text in ("", "a", "a\nb\n", "a\n\nb", "x\r\ny\n"):
        assert old["f"](io.StringIO(text, newline=None)) == new["f"](
            io.StringIO(text, newline=None)
        )


SPELLINGS = {
    RULE.spellings[0]: """
    import io

    def f(text):
        fh = io.StringIO(text)
        out = []
        for line in fh.read().splitlines():
            out.append(line)
        return out
    """,
    RULE.spellings[1]: """
    import io

    def f(text):
        fh = io.StringIO(text)
        out = []
        for line in fh.readlines():
            out.append(line)
        return out
    """,
    RULE.spellings[2]: """
    import io
    import types

    def f(text):
        self = types.SimpleNamespace(fh=io.StringIO(text))
        out = []
        for row in self.fh.read().splitlines():
            out.append(row.upper())
        return out
    """,
}
SPELLING_INPUTS = [("",), ("a\nbb\n",), ("x\ny",)]
NOT_FIRING = {
    "split on something else": """
    def f(fh):
        return [x for x in fh.read().split(",")]
    """,
    "tuple target": """
    def f(fh):
        for a, b in fh.readlines():
            print(a)
    """,
}
