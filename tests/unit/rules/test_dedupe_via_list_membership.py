import ast

from codeflash_bot.propose.rules.dedupe_via_list_membership import DedupeViaListMembership
from tests.support.rewrite import dedent, rewrite

RULE = DedupeViaListMembership()


def _call(source: str, name: str, *args: object) -> object:
    namespace: dict[str, object] = {}
    exec(source, namespace)
    return namespace[name](*args)  # type: ignore[operator]


def test_dedupe_loop_becomes_dict_fromkeys() -> None:
    before = """
    def f(xs):
        out = []
        for x in xs:
            if x not in out:
                out.append(x)
        return out
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        out = list(dict.fromkeys(xs))
        return out
    """)


def test_statements_in_between_and_annotation_kept() -> None:
    before = """
    def f(words):
        # unique words
        seen: list[str] = []  # ordered
        lowered = [w.lower() for w in words]
        for w in lowered:
            if w not in seen: seen.append(w)
        return seen
    """
    assert rewrite(RULE, before) == dedent("""
    def f(words):
        lowered = [w.lower() for w in words]
        # unique words
        seen: list[str] = list(dict.fromkeys(lowered))  # ordered
        return seen
    """)


def test_bare_tuple_iterable_gets_parentheses() -> None:
    before = """
    def f(a, b):
        out = []
        for x in a, b:
            if x not in out:
                out.append(x)
        return out
    """
    assert rewrite(RULE, before) == dedent("""
    def f(a, b):
        out = list(dict.fromkeys((a, b)))
        return out
    """)


def test_out_used_in_between_does_not_fire() -> None:
    before = """
    def f(xs):
        out = []
        out.append(0)
        for x in xs:
            if x not in out:
                out.append(x)
        return out
    """
    assert rewrite(RULE, before) is None


def test_extra_work_in_loop_does_not_fire() -> None:
    before = """
    def f(xs):
        out = []
        for x in xs:
            if x not in out:
                out.append(x)
            else:
                print(x)
        return out
    """
    assert rewrite(RULE, before) is None


def test_loop_variable_used_after_loop_does_not_fire() -> None:
    before = """
    def f(xs):
        out = []
        for x in xs:
            if x not in out:
                out.append(x)
        return out, x
    """
    assert rewrite(RULE, before) is None


def test_loop_in_try_does_not_fire() -> None:
    before = """
    def f(xs):
        out = []
        try:
            for x in xs:
                if x not in out:
                    out.append(x)
        except TypeError:
            pass
        return out
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree() -> None:
    before = dedent("""
    def f(xs):
        out = []
        for x in xs:
            if x not in out:
                out.append(x)
        return out
    """)
    after = rewrite(RULE, before)
    assert after is not None
    ast.parse(after)
    for xs in [[], [3, 1, 3, 2, 1], [1, True, 1.0, 0, False], "mississippi", (None, None)]:
        assert _call(after, "f", xs) == _call(before, "f", xs)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        out = []
        for x in xs:
            if x not in out:
                out.append(x)
        return out
    """,
    RULE.spellings[1]: """
    def f(xs):
        out = list()
        for x in reversed(xs):
            if x not in out:
                out.append(x)
        return out
    """,
    RULE.spellings[2]: """
    def f(xs):
        out = []
        for w in [str(x).lower() for x in xs]:
            if w not in out:
                out.append(w)
        return out
    """,
}
SPELLING_INPUTS = [([],), ([3, 1, 3, 2, 1],), (["A", "a", "b"],)]
NOT_FIRING = {
    "appends something else": """
    def f(xs):
        out = []
        for x in xs:
            if x not in out:
                out.append(x * 2)
        return out
    """,
    "loop has more": """
    def f(xs):
        out = []
        for x in xs:
            if x not in out:
                out.append(x)
            print(x)
        return out
    """,
}
