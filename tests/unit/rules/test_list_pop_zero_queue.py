import ast

from codeflash_bot.propose.rules.list_pop_zero_queue import ListPopZeroQueue
from tests.support.rewrite import dedent, rewrite

RULE = ListPopZeroQueue()


def _call(source: str, name: str, *args: object) -> object:
    namespace: dict[str, object] = {}
    exec(source, namespace)
    return namespace[name](*args)  # type: ignore[operator]


BFS = """
def f(graph, start):
    seen = {start}
    todo = [start]
    order = []
    while todo:
        node = todo.pop(0)
        order.append(node)
        for nxt in graph[node]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return order
"""


def test_bfs_queue_becomes_deque() -> None:
    assert rewrite(RULE, BFS) == dedent("""
    from collections import deque

    def f(graph, start):
        seen = {start}
        todo = deque([start])
        order = []
        while todo:
            node = todo.popleft()
            order.append(node)
            for nxt in graph[node]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return order
    """)


def test_list_call_insert_front_and_len() -> None:
    before = """
    def f(xs):
        q = list(xs)
        total = 0
        while q and len(q) > 1:
            a = q.pop(0)
            b = q.pop()
            q.insert(0, a + b)
            total += a
        return total
    """
    assert rewrite(RULE, before) == dedent("""
    from collections import deque

    def f(xs):
        q = deque(xs)
        total = 0
        while q and len(q) > 1:
            a = q.popleft()
            b = q.pop()
            q.appendleft(a + b)
            total += a
        return total
    """)


def test_empty_list_becomes_empty_deque() -> None:
    before = """
    def f(xs):
        q = []
        q.extend(xs)
        return q.pop(0) if q else None
    """
    assert rewrite(RULE, before) == dedent("""
    from collections import deque

    def f(xs):
        q = deque()
        q.extend(xs)
        return q.popleft() if q else None
    """)


def test_returned_queue_does_not_fire() -> None:
    before = """
    def f(xs):
        q = list(xs)
        q.pop(0)
        return q
    """
    assert rewrite(RULE, before) is None


def test_indexed_or_iterated_queue_does_not_fire() -> None:
    before = """
    def f(xs):
        q = list(xs)
        first = q.pop(0)
        return first, q[0], [x for x in q]
    """
    assert rewrite(RULE, before) is None


def test_parameter_list_does_not_fire() -> None:
    before = """
    def f(q):
        while q:
            q.pop(0)
    """
    assert rewrite(RULE, before) is None


def test_no_pop_zero_does_not_fire() -> None:
    before = """
    def f(xs):
        q = []
        for x in xs:
            q.append(x)
        return len(q)
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree() -> None:
    before = dedent(BFS)
    after = rewrite(RULE, before)
    assert after is not None
    ast.parse(after)
    graphs = [({0: []}, 0), ({0: [1, 2], 1: [3], 2: [3, 0], 3: [1]}, 0), ({5: [5]}, 5)]
    for graph, start in graphs:
        assert _call(after, "f", graph, start) == _call(before, "f", graph, start)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        q = [0]
        out = []
        while q:
            n = q.pop(0)
            out.append(n)
            if n < len(xs):
                q.append(n + 1)
        return out
    """,
    RULE.spellings[1]: """
    def f(xs):
        q = list(xs)
        out = []
        while len(q) > 0:
            x = q.pop(0)
            if x > 0:
                q.extend([x - 1])
            out.append(x)
        return out
    """,
    RULE.spellings[2]: """
    def f(xs):
        q = []
        for x in xs:
            q.insert(0, x)
        out = [q.pop(0) for _ in range(len(q) // 2)]
        while q:
            out.append(q.pop())
        return out
    """,
}
SPELLING_INPUTS = [([],), ([3, 1, 2],)]
NOT_FIRING = {
    "indexed": """
    def f(xs):
        q = list(xs)
        while q:
            q.pop(0)
            print(q[0] if q else None)
        return q
    """,
    "returned": """
    def f(xs):
        q = list(xs)
        q.pop(0)
        return q
    """,
}
