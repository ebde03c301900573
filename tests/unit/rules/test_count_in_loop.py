import ast

from codeflash_bot.propose.rules.count_in_loop import CountInLoop
from tests.support.rewrite import dedent, rewrite

RULE = CountInLoop()


def test_count_in_comprehension_uses_a_counter_built_once() -> None:
    before = """
    def f(xs):
        \"\"\"Duplicated items.\"\"\"
        dups = [x for x in xs if xs.count(x) > 1]
        return dups
    """
    assert rewrite(RULE, before) == dedent("""
    from collections import Counter

    def f(xs):
        \"\"\"Duplicated items.\"\"\"
        _counts = Counter(xs)
        dups = [x for x in xs if _counts[x] > 1]
        return dups
    """)


def test_counter_is_hoisted_above_the_outermost_loop_that_keeps_seq_fixed() -> None:
    before = """
    def f(words, vocab):
        out = {}

        # tally
        for a in vocab:
            for w in words:
                out[w] = words.count(w) + words.count(a)
        return out, words.count("x")
    """
    after = rewrite(RULE, before)
    assert after == dedent("""
    from collections import Counter

    def f(words, vocab):
        out = {}

        # tally
        _counts = Counter(words)
        for a in vocab:
            for w in words:
                out[w] = _counts[w] + _counts[a]
        return out, words.count("x")
    """)
    ast.parse(after)


def test_counter_name_taken_falls_back_to_module_attribute() -> None:
    before = """
    class Counter:
        pass

    def f(xs):
        return sum(xs.count(x) for x in xs)
    """
    after = rewrite(RULE, before)
    assert after is not None
    assert "import collections" in after
    assert "_counts = collections.Counter(xs)" in after


def test_sequence_mutated_in_the_loop_does_not_fire() -> None:
    before = """
    def f(xs):
        for x in list(xs):
            if xs.count(x) > 1:
                xs.remove(x)
        return xs
    """
    assert rewrite(RULE, before) is None


def test_string_sequence_does_not_fire() -> None:
    before = """
    def f(words):
        text = "a banana"
        return [text.count(w) for w in words]
    """
    assert rewrite(RULE, before) is None


def test_str_annotated_parameter_does_not_fire() -> None:
    before = """
    def f(text: str, words):
        return [text.count(w) for w in words]
    """
    assert rewrite(RULE, before) is None


def test_multicharacter_literal_argument_does_not_fire() -> None:
    before = """
    def f(text, lines):
        return [text.count("ab") for line in lines]
    """
    assert rewrite(RULE, before) is None


def test_lazy_generator_does_not_fire() -> None:
    before = """
    def f(xs):
        counts = (xs.count(x) for x in xs)
        xs.append(0)
        return counts
    """
    assert rewrite(RULE, before) is None


def test_count_outside_any_loop_does_not_fire() -> None:
    before = """
    def f(xs):
        return xs.count(1) + xs.count(2)
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree_when_executed() -> None:
    before = """
    def f(xs, probes):
        dups = [x for x in xs if xs.count(x) > 1]
        seen = {}
        for p in probes:
            seen[p] = xs.count(p)
        return dups, seen, sum(xs.count(p) for p in probes)
    """
    after = rewrite(RULE, before)
    assert after is not None
    assert ".count(" not in after
    old: dict = {}
    new: dict = {}
    exec(dedent(before), old)
    exec(after, new)
    probes = [1, 2, "a", 1.0, None, (1, 2)]
    for xs in ([], [1], [1, 1, 2], [1, True, 1.0, "a", "a", (1, 2)], list("abca"), (3, 3)):
        assert old["f"](xs, probes) == new["f"](xs, probes)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        return [x for x in xs if xs.count(x) == 1]
    """,
    RULE.spellings[1]: """
    def f(xs):
        out = {}
        for k in set(xs):
            out[k] = xs.count(k)
        return out
    """,
    RULE.spellings[2]: """
    def f(xs):
        i, dup = 0, []
        while i < len(xs):
            if xs.count(xs[i]) > 1:
                dup.append(xs[i])
            i += 1
        return dup
    """,
}
SPELLING_INPUTS = [([],), ([1, 2, 1, 3],), (["a", "a"],)]
NOT_FIRING = {
    "xs appended to": """
    def f(xs):
        for x in list(xs):
            if xs.count(x) < 2:
                xs.append(x)
        return xs
    """,
    "not in a loop": """
    def f(xs):
        return xs.count(1)
    """,
}
