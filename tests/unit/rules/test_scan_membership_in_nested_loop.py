from codeflash_bot.propose.rules.scan_membership_in_nested_loop import ScanMembershipInNestedLoop
from tests.support.rewrite import dedent, rewrite

RULE = ScanMembershipInNestedLoop()


def test_any_over_edges_becomes_set_built_once() -> None:
    before = """
    def f(nodes, edges):
        return [n for n in nodes if any(e.src == n for e in edges)]
    """
    assert rewrite(RULE, before) == dedent("""
    def f(nodes, edges):
        _src_keys = [e.src for e in edges]
        try:
            _src_keys = set(_src_keys)
        except TypeError:
            pass
        return [n for n in nodes if n in _src_keys]
    """)


SPELLINGS = {
    RULE.spellings[0]: """
    from collections import namedtuple

    E = namedtuple("E", "src dst")

    def f(nodes, pairs):
        edges = [E(a, b) for a, b in pairs]
        return [n for n in nodes if any(e.src == n for e in edges)]
    """,
    RULE.spellings[1]: """
    def f(nodes, pairs):
        out = []
        for n in nodes:
            if n in [e[0] for e in pairs]:
                out.append(n)
        return out
    """,
    RULE.spellings[2]: """
    def f(nodes, pairs):
        seen = list(pairs)
        i, out = 0, []
        while i < len(nodes):
            out.append(nodes[i] not in (e for e in seen))
            i += 1
        return out
    """,
    RULE.spellings[3]: """
    from collections import namedtuple

    E = namedtuple("E", "src dst")

    def f(nodes, pairs):
        edges = [E(a, b) for a, b in pairs]
        return [n for n in nodes if not any(n == e.dst for e in edges)]
    """,
}
SPELLING_INPUTS = [
    ([], []),
    ([1, 2, 3], [(1, 2), (2, 3)]),
    (["a", "b"], [("b", "a")]),
    ([[1], [2]], [([1], [2])]),
]
NOT_FIRING = {
    "collection grows in the loop": """
    def f(nodes, edges):
        out = []
        for n in nodes:
            if not any(e == n for e in edges):
                edges.append(n)
        return edges
    """,
    "key calls a function": """
    def f(nodes, edges):
        return [n for n in nodes if any(key(e) == n for e in edges)]
    """,
    "not in a loop": """
    def f(n, edges):
        return any(e.src == n for e in edges)
    """,
    "probe depends on the element": """
    def f(nodes, edges):
        return [n for n in nodes if any(e.src == e.dst for e in edges)]
    """,
    "filtered scan": """
    def f(nodes, edges):
        return [n for n in nodes if any(e.src == n for e in edges if e.ok)]
    """,
}
