from codeflash_bot.propose.rules.invariant_reducer_in_loop import InvariantReducerInLoop
from tests.support.rewrite import dedent, rewrite

RULE = InvariantReducerInLoop()


def test_max_in_comprehension_over_the_same_list() -> None:
    before = """
    def f(xs, ys):
        return [x for x in xs if x == max(xs)]
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs, ys):
        _xs_max = max(xs, default=None)
        return [x for x in xs if x == _xs_max]
    """)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs, ys):
        return [x for x in xs if x == max(xs)]
    """,
    RULE.spellings[1]: """
    def f(xs, ys):
        out = []
        for i in range(len(ys)):
            out.append(sorted(xs)[i % len(xs)] if xs else None)
        return out
    """,
    RULE.spellings[2]: """
    def f(xs, ys):
        key = abs
        i, out = 0, []
        while i < len(ys):
            out.append(ys[i] / (sum(xs) or 1) + min(xs, key=key, default=0))
            i += 1
        return out
    """,
    RULE.spellings[3]: """
    def f(xs, ys):
        hits = 0
        for y in ys:
            for x in xs:
                if x + y > max(xs, default=0):
                    hits += 1
        return hits
    """,
}
SPELLING_INPUTS = [([], []), ([3, -1, 2], [1, 2]), ([5], [0, 0, 0])]
NOT_FIRING = {
    "collection appended to in the loop": """
    def f(xs, ys):
        for y in ys:
            xs.append(max(xs))
        return xs
    """,
    "sorted result mutated": """
    def f(xs, ys):
        out = []
        for y in ys:
            s = sorted(xs)
            s.append(y)
            out.append(s)
        return out
    """,
    "max without default over another loop": """
    def f(xs, ys):
        return [y for y in ys if y > max(xs)]
    """,
    "collection passed to an unknown function in the loop": """
    def f(xs, ys):
        return [g(xs) + max(xs) for x in xs]
    """,
    "not a loop": """
    def f(xs, ys):
        return max(xs)
    """,
}
