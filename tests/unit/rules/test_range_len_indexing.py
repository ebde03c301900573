from codeflash_bot.propose.rules.range_len_indexing import RangeLenIndexing
from tests.support.rewrite import dedent, rewrite

RULE = RangeLenIndexing()


def test_index_used_only_for_reads_becomes_direct_iteration() -> None:
    before = """
    def f(words):
        total = 0
        for i in range(len(words)):
            total += len(words[i])
        return total
    """
    assert rewrite(RULE, before) == dedent("""
    def f(words):
        total = 0
        for _item in words:
            total += len(_item)
        return total
    """)


def test_index_used_otherwise_becomes_enumerate() -> None:
    before = """
    def f(xs):
        out = []
        for i in range(len(xs)):
            if xs[i] > 0:
                out.append((i, xs[i], xs[i - 1]))
        return out
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        out = []
        for i, _item in enumerate(xs):
            if _item > 0:
                out.append((i, _item, xs[i - 1]))
        return out
    """)


def test_index_read_after_the_loop_keeps_it_bound() -> None:
    before = """
    def f(xs):
        for i in range(len(xs)):
            print(xs[i])
        return i
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        for i, _item in enumerate(xs):
            print(_item)
        return i
    """)


def test_store_into_the_sequence_does_not_fire() -> None:
    before = """
    def f(xs):
        for i in range(len(xs)):
            xs[i] = xs[i] * 2
    """
    assert rewrite(RULE, before) is None


def test_sequence_mutated_in_the_loop_does_not_fire() -> None:
    before = """
    def f(xs):
        for i in range(len(xs)):
            xs.append(xs[i])
        return xs
    """
    assert rewrite(RULE, before) is None


def test_read_inside_a_lambda_does_not_fire() -> None:
    before = """
    def f(xs):
        getters = []
        for i in range(len(xs)):
            getters.append(lambda: xs[i])
        return getters
    """
    assert rewrite(RULE, before) is None


def test_index_never_used_to_read_does_not_fire() -> None:
    before = """
    def f(xs):
        for i in range(len(xs)):
            print(i)
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree_when_executed() -> None:
    before = """
    def f(a):
        n = 0
        pairs = []
        for i in range(len(a)):
            for j in range(len(a)):
                n += a[i] * a[j]
        for i in range(len(a)):
            if a[i] % 2:
                pairs.append((i, a[i]))
        return n, pairs
    """
    after = rewrite(RULE, before)
    assert after is not None
    assert "range(len(" not in after
    old: dict = {}
    new: dict = {}
    exec(dedent(before), old)
    exec(after, new)
    for a in ([], [3], [1, 2, 3], list(range(-4, 9)), (5, 6)):
        assert old["f"](a) == new["f"](a)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        total = 0
        for i in range(len(xs)):
            total += xs[i]
        return total
    """,
    RULE.spellings[1]: """
    def f(xs):
        out = []
        for i in range(len(xs)):
            out.append((i, xs[i]))
        return out
    """,
    RULE.spellings[2]: """
    def f(xs):
        out = []
        for i in range(len(xs)):
            out.append(xs[i] * len(xs))
        return out
    """,
}
SPELLING_INPUTS = [([],), ([1, 2, 3],)]
NOT_FIRING = {
    "stores into xs": """
    def f(xs):
        for i in range(len(xs)):
            xs[i] = xs[i] + 1
        return xs
    """,
    "neighbour index": """
    def f(xs):
        return [xs[i] - xs[i - 1] for i in range(len(xs))]
    """,
}
