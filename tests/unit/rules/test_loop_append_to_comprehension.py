from codeflash_bot.propose.rules.loop_append_to_comprehension import LoopAppendToComprehension
from tests.support.rewrite import dedent, rewrite

RULE = LoopAppendToComprehension()


def test_filtered_append_becomes_comprehension() -> None:
    before = """
    def f(rows):
        # ids
        out = []
        for r in rows:
            if r > 1:
                out.append(r * 2)
        return out
    """
    assert rewrite(RULE, before) == dedent("""
    def f(rows):
        # ids
        out = [r * 2 for r in rows if r > 1]
        return out
    """)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(rows):
        out = []
        for r in rows:
            out.append(str(r))
        return out
    """,
    RULE.spellings[1]: """
    def f(rows):
        out = []
        total = len(rows)
        for r in rows:
            if r % 2:
                out.append(r + total)
        return out
    """,
    RULE.spellings[2]: """
    def f(rows):
        out = []
        for i, r in enumerate(rows):
            out += [(i, r)]
        return out
    """,
    RULE.spellings[3]: """
    def f(rows):
        out = list()
        for r in rows:
            out.append(-r)
        return out
    """,
}
SPELLING_INPUTS = [([],), ([1, 2, 3],)]
NOT_FIRING = {
    "loop variable read after the loop": """
    def f(rows):
        out = []
        for r in rows:
            out.append(r)
        return out, r
    """,
    "out read inside the loop": """
    def f(rows):
        out = []
        for r in rows:
            out.append(len(out) + r)
        return out
    """,
    "two statements in the body": """
    def f(rows):
        out = []
        for r in rows:
            print(r)
            out.append(r)
        return out
    """,
    "inside try": """
    def f(rows):
        try:
            out = []
            for r in rows:
                out.append(1 / r)
        except ZeroDivisionError:
            return out
        return out
    """,
    "loop with else": """
    def f(rows):
        out = []
        for r in rows:
            out.append(r)
        else:
            out.append(0)
        return out
    """,
}
