from codeflash_bot.propose.rules.list_concat_in_loop import ListConcatInLoop
from tests.support.rewrite import dedent, rewrite

RULE = ListConcatInLoop()


def test_concat_and_iadd_in_loop_become_append_and_extend() -> None:
    before = """
    def f(xs):
        acc = []
        for x in xs:
            acc = acc + [x * 2]  # grow
            acc += [x, -x]
        return acc
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        acc = []
        for x in xs:
            acc.append(x * 2)  # grow
            acc.extend([x, -x])
        return acc
    """)


def test_while_loop_with_eager_reads_of_the_list() -> None:
    before = """
    def f(words):
        acc = list()
        while len(acc) < 3 and words:
            acc += [words.pop()]
        return " ".join(acc) if acc else None
    """
    assert rewrite(RULE, before) == dedent("""
    def f(words):
        acc = list()
        while len(acc) < 3 and words:
            acc.append(words.pop())
        return " ".join(acc) if acc else None
    """)


def test_parameter_accumulator_does_not_fire() -> None:
    before = """
    def f(xs, acc):
        for x in xs:
            acc = acc + [x]
        return acc
    """
    assert rewrite(RULE, before) is None


def test_aliased_accumulator_does_not_fire() -> None:
    before = """
    def f(xs):
        acc = []
        snapshots = []
        for x in xs:
            snapshots.append(acc)
            acc = acc + [x]
        return snapshots
    """
    assert rewrite(RULE, before) is None


def test_iterating_the_accumulator_does_not_fire() -> None:
    before = """
    def f(n):
        acc = [0]
        for x in acc:
            if x < n:
                acc = acc + [x + 1]
        return acc
    """
    assert rewrite(RULE, before) is None


def test_concat_outside_a_loop_does_not_fire() -> None:
    before = """
    def f(x):
        acc = []
        acc = acc + [x]
        return acc
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree_when_executed() -> None:
    before = """
    def f(xs):
        acc = []
        for x in xs:
            if x % 2:
                acc = acc + [x]
            else:
                acc += [x, x // 2]
        return acc, len(acc)
    """
    after = rewrite(RULE, before)
    assert after is not None
    assert "acc +" not in after
    old: dict = {}
    new: dict = {}
    exec(dedent(before), old)
    exec(after, new)
    for xs in ([], [1], [2, 3, 4], list(range(-5, 9))):
        assert old["f"](xs) == new["f"](xs)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        acc = []
        for x in xs:
            acc = acc + [x * 2]
        return acc
    """,
    RULE.spellings[1]: """
    def f(xs):
        acc = list()
        for x in xs:
            acc += [x]
        return acc
    """,
    RULE.spellings[2]: """
    def f(xs):
        acc = [0]
        i = 0
        while i < len(xs):
            acc = acc + [xs[i], -xs[i]]
            i += 1
        return acc
    """,
}
SPELLING_INPUTS = [([],), ([1, 2, 3],)]
NOT_FIRING = {
    "acc is a parameter": """
    def f(xs, acc):
        for x in xs:
            acc = acc + [x]
        return acc
    """,
    "acc escapes in the loop": """
    def f(xs):
        acc = []
        seen = []
        for x in xs:
            acc = acc + [x]
            seen.append(acc)
        return seen
    """,
}
