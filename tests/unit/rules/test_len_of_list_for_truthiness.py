from codeflash_bot.propose.rules.len_of_list_for_truthiness import LenOfListForTruthiness
from tests.support.rewrite import dedent, rewrite

RULE = LenOfListForTruthiness()


def test_one_for_one_if_becomes_any_of_the_condition() -> None:
    before = """
    def f(users):
        return len([u for u in users if u.admin]) > 0
    """
    assert rewrite(RULE, before) == dedent("""
    def f(users):
        return any(u.admin for u in users)
    """)


def test_equal_zero_becomes_not_any_and_literal_first_works() -> None:
    before = """
    def f(xs):
        return 0 == len([x for x in xs]), len([x for x in xs if x]) >= 1
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        return not any(True for x in xs), any(x for x in xs)
    """)


def test_bare_truthiness_with_several_clauses_keeps_them_all() -> None:
    before = """
    def f(xs, ys):
        if len([x for x in xs for y in ys if x == y]):
            return 1
        return not len([x for x in xs if x])
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs, ys):
        if any(True for x in xs for y in ys if x == y):
            return 1
        return not any(x for x in xs)
    """)


def test_call_in_element_does_not_fire() -> None:
    before = """
    def f(xs):
        return len([log(x) for x in xs if x]) > 0
    """
    assert rewrite(RULE, before) is None


def test_comparison_with_other_count_does_not_fire() -> None:
    before = """
    def f(xs):
        return len([x for x in xs if x]) > 1
    """
    assert rewrite(RULE, before) is None


def test_walrus_in_condition_does_not_fire() -> None:
    before = """
    def f(xs):
        return len([x for x in xs if (last := x)]) > 0
    """
    assert rewrite(RULE, before) is None


def test_length_used_as_a_number_does_not_fire() -> None:
    before = """
    def f(xs):
        return len([x for x in xs if x]) + 1
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree_when_executed() -> None:
    before = """
    def f(xs):
        a = len([x for x in xs if x % 5 == 4]) > 0
        b = len([x for x in xs if x > 3]) == 0
        c = 1 if len([x for x in xs for y in xs if x + y == 7]) else 0
        d = len([x for x in xs]) != 0
        return a, b, c, d
    """
    after = rewrite(RULE, before)
    assert after is not None
    old: dict = {}
    new: dict = {}
    exec(dedent(before), old)
    exec(after, new)
    for xs in ([], [0], [4], [1, 2, 3], [3, 4, 9], list(range(12))):
        assert old["f"](xs) == new["f"](xs)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        return len([x for x in xs if x > 2]) > 0
    """,
    RULE.spellings[1]: """
    def f(xs):
        return 0 == len([x for x in xs if x < 0])
    """,
    RULE.spellings[2]: """
    def f(xs):
        if len([x for x in xs if x % 2]):
            return "odd"
        return not len([x for x in xs if x])
    """,
}
SPELLING_INPUTS = [([],), ([1, 3, -1],), ([0, 0],)]
NOT_FIRING = {
    "compared with 2": """
    def f(xs):
        return len([x for x in xs if x]) > 2
    """,
    "element calls a function": """
    def f(xs):
        return len([g(x) for x in xs]) > 0
    """,
}
