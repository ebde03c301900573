from codeflash_bot.propose.rules.membership_in_dict_keys import MembershipInDictKeys
from tests.support.rewrite import dedent, rewrite

RULE = MembershipInDictKeys()


def test_membership_in_keys_becomes_membership_in_dict() -> None:
    before = """
    def f(name, registry):
        return name in registry.keys(), name not in registry.keys()
    """
    assert rewrite(RULE, before) == dedent("""
    def f(name, registry):
        return name in registry, name not in registry
    """)


def test_iterating_keys_becomes_iterating_dict() -> None:
    before = """
    def f(self):
        out = [k for k in self.table.keys() if k]
        for k in self.table.keys():
            out.append(k)
        return out
    """
    assert rewrite(RULE, before) == dedent("""
    def f(self):
        out = [k for k in self.table if k]
        for k in self.table:
            out.append(k)
        return out
    """)


def test_keys_with_arguments_does_not_fire() -> None:
    before = """
    def f(x, store):
        return x in store.keys("prefix")
    """
    assert rewrite(RULE, before) is None


def test_keys_outside_membership_and_iteration_does_not_fire() -> None:
    before = """
    def f(a, b):
        return a.keys() == b.keys(), a.keys() & b.keys(), list(a.keys())
    """
    assert rewrite(RULE, before) is None


def test_equality_against_keys_does_not_fire() -> None:
    before = """
    def f(x, d):
        return x == d.keys()
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree_when_executed() -> None:
    before = """
    def f(d, probes):
        hits = [p for p in probes if p in d.keys()]
        misses = [p for p in probes if p not in d.keys()]
        order = []
        for k in d.keys():
            order.append(k)
        return hits, misses, order, list(k for k in d.keys())
    """
    after = rewrite(RULE, before)
    assert after is not None
    assert ".keys()" not in after
    old: dict = {}
    new: dict = {}
    exec(dedent(before), old)
    exec(after, new)
    for d in ({}, {"a": 1}, {"b": 2, "a": 1, 3: None}):
        probes = ["a", "z", 3, "b"]
        assert old["f"](d, probes) == new["f"](d, probes)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(d, x):
        return x in d.keys()
    """,
    RULE.spellings[1]: """
    def f(d, x):
        return x not in d.keys()
    """,
    RULE.spellings[2]: """
    def f(d, x):
        out = [k for k in d.keys()]
        for k in d.keys():
            out.append(k)
        return out
    """,
}
SPELLING_INPUTS = [({}, "a"), ({"a": 1, "b": 2}, "a"), ({"a": 1}, "z")]
NOT_FIRING = {
    "keys with an argument": """
    def f(d, x):
        return x in d.keys(1)
    """,
    "values": """
    def f(d, x):
        return x in d.values()
    """,
}
