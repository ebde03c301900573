import ast

from codeflash_bot.propose.rules.manual_dict_counting import ManualDictCounting
from tests.support.rewrite import dedent, rewrite

RULE = ManualDictCounting()


def _call(source: str, name: str, *args: object) -> object:
    namespace: dict[str, object] = {}
    exec(source, namespace)
    return namespace[name](*args)  # type: ignore[operator]


def test_get_idiom_on_loop_variable_becomes_counter_of_iterable() -> None:
    before = """
    def f(words):
        counts = {}
        for w in words:
            counts[w] = counts.get(w, 0) + 1
        return counts
    """
    assert rewrite(RULE, before) == dedent("""
    from collections import Counter

    def f(words):
        counts = dict(Counter(words))
        return counts
    """)


def test_if_else_idiom_on_derived_key_becomes_generator() -> None:
    before = """
    def f(words):
        counts = {}
        for w in words:
            if w.lower() in counts:
                counts[w.lower()] += 1
            else:
                counts[w.lower()] = 1
        return counts
    """
    assert rewrite(RULE, before) == dedent("""
    from collections import Counter

    def f(words):
        counts = dict(Counter(w.lower() for w in words))
        return counts
    """)


def test_not_in_mirror_and_one_line_suites() -> None:
    before = """
    def f(xs):
        d = dict()
        for x in xs:
            if x % 3 not in d: d[x % 3] = 1
            else: d[x % 3] += 1
        return d
    """
    assert rewrite(RULE, before) == dedent("""
    from collections import Counter

    def f(xs):
        d = dict(Counter(x % 3 for x in xs))
        return d
    """)


def test_defaultdict_counting_does_not_fire() -> None:
    before = """
    import collections

    def f(xs):
        d = collections.defaultdict(int)
        for x in xs:
            d[x] += 1
        return d
    """
    assert rewrite(RULE, before) is None


def test_mismatched_keys_do_not_fire() -> None:
    before = """
    def f(xs):
        d = {}
        for x in xs:
            d[x] = d.get(-x, 0) + 1
        return d
    """
    assert rewrite(RULE, before) is None


def test_dict_used_between_init_and_loop_does_not_fire() -> None:
    before = """
    def f(xs):
        d = {}
        d["seed"] = 0
        for x in xs:
            d[x] = d.get(x, 0) + 1
        return d
    """
    assert rewrite(RULE, before) is None


def test_loop_with_else_or_extra_work_does_not_fire() -> None:
    before = """
    def f(xs):
        d = {}
        for x in xs:
            d[x] = d.get(x, 0) + 1
        else:
            d[None] = 0
        e = {}
        for x in xs:
            e[x] = e.get(x, 0) + 1
            print(x)
        return d, e
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree() -> None:
    before = dedent("""
    def f(words):
        counts = {}
        for w in words:
            if w.lower() in counts:
                counts[w.lower()] += 1
            else:
                counts[w.lower()] = 1
        return list(counts.items())
    """)
    after = rewrite(RULE, before)
    assert after is not None
    ast.parse(after)
    for words in [[], ["b", "A", "a", "B", "c", "b"], ["x"]]:
        assert _call(after, "f", words) == _call(before, "f", words)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        d = {}
        for x in xs:
            d[x] = d.get(x, 0) + 1
        return d
    """,
    RULE.spellings[1]: """
    def f(xs):
        d = dict()
        for x in xs:
            if x in d:
                d[x] += 1
            else:
                d[x] = 1
        return d
    """,
    RULE.spellings[2]: """
    def f(xs):
        d = {}
        for x in xs:
            if str(x) not in d:
                d[str(x)] = 1
            else:
                d[str(x)] += 1
        return d
    """,
}
SPELLING_INPUTS = [([],), ([3, 1, 3, 2, 1],), (["a", "b", "a"],)]
NOT_FIRING = {
    "counts by 2": """
    def f(xs):
        d = {}
        for x in xs:
            d[x] = d.get(x, 0) + 2
        return d
    """,
    "dict used in between": """
    def f(xs):
        d = {}
        d["seed"] = 0
        for x in xs:
            d[x] = d.get(x, 0) + 1
        return d
    """,
}
