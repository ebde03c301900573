import ast

from codeflash_bot.propose.rules.list_membership_in_loop import ListMembershipInLoop
from tests.support.rewrite import dedent, rewrite

RULE = ListMembershipInLoop()


def _call(source: str, name: str, *args: object) -> object:
    namespace: dict[str, object] = {}
    exec(source, namespace)
    return namespace[name](*args)  # type: ignore[operator]


def test_comprehension_filter_hoists_set_before_statement() -> None:
    before = """
    def f(xs, ys):
        return [a for a in xs if a in ys]
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs, ys):
        _ys_set = set(ys)
        return [a for a in xs if a in _ys_set]
    """)


def test_for_loop_hoists_to_outermost_loop_and_keeps_comment() -> None:
    before = """
    def f(xs, ys):
        out = []
        # pairs
        for x in xs:
            for y in xs:
                if x not in ys and y in ys:
                    out.append((x, y))
        return out
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs, ys):
        out = []
        # pairs
        _ys_set = set(ys)
        for x in xs:
            for y in xs:
                if x not in _ys_set and y in _ys_set:
                    out.append((x, y))
        return out
    """)


def test_local_list_in_while_test() -> None:
    before = """
    def f(xs):
        ys = list(xs)
        n = 0
        while n not in ys:
            n += 1
        return n
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        ys = list(xs)
        n = 0
        _ys_set = set(ys)
        while n not in _ys_set:
            n += 1
        return n
    """)


def test_list_mutated_in_loop_does_not_fire() -> None:
    before = """
    def f(xs, seen):
        for x in xs:
            if x not in seen:
                seen.append(x)
        return seen
    """
    assert rewrite(RULE, before) is None


def test_list_rebound_in_loop_does_not_fire() -> None:
    before = """
    def f(xs, ys):
        for x in xs:
            if x in ys:
                ys = ys[1:]
        return ys
    """
    assert rewrite(RULE, before) is None


def test_set_dict_or_str_does_not_fire() -> None:
    before = """
    def f(xs, ys, text: str, word="abc"):
        ys = set(ys)
        d = {}
        return [x for x in xs if x in ys or x in d or x in text or x in word]
    """
    assert rewrite(RULE, before) is None


def test_membership_outside_any_loop_does_not_fire() -> None:
    before = """
    def f(x, ys):
        return x in ys
    """
    assert rewrite(RULE, before) is None


def test_global_name_does_not_fire() -> None:
    before = """
    def f(xs):
        return [x for x in xs if x in ALLOWED]
    """
    assert rewrite(RULE, before) is None


def test_elif_comprehension_left_alone() -> None:
    before = """
    def f(xs, ys):
        if not xs:
            return []
        elif [a for a in xs if a in ys]:
            return xs
        return ys
    """
    assert rewrite(RULE, before) is None


def test_local_of_unknown_type_does_not_fire() -> None:
    before = """
    def f(xs, text):
        escaped = text.strip()
        return [q for q in xs if q not in escaped]
    """
    assert rewrite(RULE, before) is None


def test_parameter_used_like_a_mapping_does_not_fire() -> None:
    before = """
    def f(mro, registry):
        hits = [t for t in mro if t in registry]
        return registry.get(hits[0])
    """
    assert rewrite(RULE, before) is None


def test_self_does_not_fire() -> None:
    before = """
    class S:
        def le(self, other):
            return all(x in self for x in other)
    """
    assert rewrite(RULE, before, "S.le") is None


def test_tuple_local_fires() -> None:
    before = """
    def f(lines, tag):
        prefixes = ("  ", tag)
        for line in lines:
            if line[:2] in prefixes:
                yield line[2:]
    """
    assert rewrite(RULE, before) == dedent("""
    def f(lines, tag):
        prefixes = ("  ", tag)
        _prefixes_set = set(prefixes)
        for line in lines:
            if line[:2] in _prefixes_set:
                yield line[2:]
    """)


def test_before_and_after_agree() -> None:
    before = dedent("""
    def f(xs, ys):
        hits = [a for a in xs if a in ys]
        misses = 0
        for x in xs:
            if x not in ys:
                misses += 1
        return hits, misses
    """)
    after = rewrite(RULE, before)
    assert after is not None
    ast.parse(after)
    for xs, ys in [([], []), ([1, 2, 3, 2], [2, 5]), (list("hello"), list("lo")), ([1.0], [1])]:
        assert _call(after, "f", xs, ys) == _call(before, "f", xs, ys)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs, ys):
        return [a for a in xs if a in ys]
    """,
    RULE.spellings[1]: """
    def f(xs, ys):
        out = []
        for a in xs:
            for b in xs:
                if a not in ys and b in ys:
                    out.append((a, b))
        return out
    """,
    RULE.spellings[2]: """
    def f(xs, ys):
        allowed = list(ys)
        i, n = 0, 0
        while i < len(xs):
            if xs[i] in allowed:
                n += 1
            i += 1
        return n
    """,
}
SPELLING_INPUTS = [([], []), ([1, 2, 3], [2, 3, 4]), (["a"], ["a"])]
NOT_FIRING = {
    "ys mutated in the loop": """
    def f(xs, ys):
        for a in xs:
            if a not in ys:
                ys.append(a)
        return ys
    """,
    "ys is a set": """
    def f(xs, ys):
        ys = set(ys)
        return [a for a in xs if a in ys]
    """,
}
