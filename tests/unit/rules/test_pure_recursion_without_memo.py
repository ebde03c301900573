import ast

from codeflash_bot.propose.rules.pure_recursion_without_memo import PureRecursionWithoutMemo
from tests.support.rewrite import dedent, rewrite

RULE = PureRecursionWithoutMemo()


def _call(source: str, name: str, *args: object) -> object:
    namespace: dict[str, object] = {}
    exec(source, namespace)
    return namespace[name](*args)  # type: ignore[operator]


FIB = """
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
"""


def test_fib_gets_per_call_cached_helper() -> None:
    assert rewrite(RULE, FIB, "fib") == dedent("""
    import functools

    def fib(n):
        @functools.cache
        def _fib(n):
            if n < 2:
                return n
            return _fib(n - 1) + _fib(n - 2)

        return _fib(n)
    """)


def test_docstring_stays_outside_and_params_pass_through() -> None:
    before = """
    def paths(r: int, c: int, /, k=0) -> int:
        \"\"\"Lattice paths.\"\"\"

        if r == 0 or c == 0:
            return 1
        return sum(paths(r - i, c, k) for i in (1,)) + paths(r, c - 1, k=k)
    """
    assert rewrite(RULE, before, "paths") == dedent("""
    import functools

    def paths(r: int, c: int, /, k=0) -> int:
        \"\"\"Lattice paths.\"\"\"

        @functools.cache
        def _paths(r: int, c: int, /, k=0) -> int:
            if r == 0 or c == 0:
                return 1
            return sum(_paths(r - i, c, k) for i in (1,)) + _paths(r, c - 1, k=k)

        return _paths(r, c, k)
    """)


def test_single_self_call_does_not_fire() -> None:
    before = """
    def fact(n):
        return 1 if n <= 1 else n * fact(n - 1)
    """
    assert rewrite(RULE, before, "fact") is None


def test_method_does_not_fire() -> None:
    before = """
    class T:
        def fib(self, n):
            return n if n < 2 else self.fib(n - 1) + self.fib(n - 2)
    """
    assert rewrite(RULE, before, "T.fib") is None


def test_decorated_or_varargs_or_mutable_default_does_not_fire() -> None:
    before = """
    @trace
    def a(n):
        return a(n - 1) + a(n - 2)

    def b(*ns):
        return b(*ns[1:]) + b(*ns[2:])

    def c(n, seen=[]):
        return c(n - 1) + c(n - 2)
    """
    for name in ("a", "b", "c"):
        assert rewrite(RULE, before, name) is None


def test_side_effects_do_not_fire() -> None:
    before = """
    CALLS = {}

    def a(n):
        print(n)
        return n if n < 2 else a(n - 1) + a(n - 2)

    def b(n):
        CALLS[n] = True
        return n if n < 2 else b(n - 1) + b(n - 2)

    def c(n):
        global TOTAL
        return n if n < 2 else c(n - 1) + c(n - 2)

    def d(n, acc):
        acc.hits, x = 1, 2
        return n if n < 2 else d(n - 1, acc) + d(n - 2, acc)
    """
    for name in ("a", "b", "c", "d"):
        assert rewrite(RULE, before, name) is None


def test_function_used_as_value_does_not_fire() -> None:
    before = """
    def f(n):
        return n if n < 2 else f(n - 1) + sum(map(f, range(n - 1)))
    """
    assert rewrite(RULE, before) is None


def test_structural_recursion_does_not_fire() -> None:
    before = """
    def depth(node):
        if node is None:
            return 0
        return 1 + max(depth(node.left), depth(node.right))
    """
    assert rewrite(RULE, before, "depth") is None


def test_fresh_container_result_does_not_fire() -> None:
    before = """
    def subsets(n):
        if n == 0:
            return [[]]
        return [s + [n] for s in subsets(n - 1)] + subsets(n - 1)
    """
    assert rewrite(RULE, before, "subsets") is None


def test_consuming_an_iterator_does_not_fire() -> None:
    before = """
    def a(tokens, priority=-1):
        tok = next(tokens)
        return tok if tok == "n" else a(tokens, priority + 1) + a(tokens, priority + 2)

    def b(stack, n):
        stack.pop()
        return n if n < 2 else b(stack, n - 1) + b(stack, n - 2)
    """
    for name in ("a", "b"):
        assert rewrite(RULE, before, name) is None


def test_before_and_after_agree() -> None:
    before = dedent("""
    def partitions(n, k):
        if n == 0:
            return 1
        if n < 0 or k == 0:
            return 0
        return partitions(n - k, k) + partitions(n, k - 1)
    """)
    after = rewrite(RULE, before, "partitions")
    assert after is not None
    ast.parse(after)
    for n, k in [(0, 0), (5, 5), (12, 4), (20, 20)]:
        assert _call(after, "partitions", n, k) == _call(before, "partitions", n, k)
    fib_after = rewrite(RULE, FIB, "fib")
    assert fib_after is not None
    assert [_call(fib_after, "fib", n) for n in range(15)] == [
        _call(dedent(FIB), "fib", n) for n in range(15)
    ]


SPELLINGS = {
    RULE.spellings[0]: """
    def f(n):
        if n < 2:
            return n
        return f(n - 1) + f(n - 2)
    """,
    RULE.spellings[1]: """
    def f(s):
        if len(s) < 2:
            return len(s)
        if s[0] == s[-1]:
            return f(s[1:-1]) + 2
        return max(f(s[1:]), f(s[:-1]))
    """,
    RULE.spellings[2]: """
    def f(r, c=0):
        if r == 0 or c == 0:
            return 1
        return max(f(r - 1, c), f(r, c - 1)) + 1
    """,
}
NOT_FIRING = {
    "one self-call": """
    def f(n):
        return 1 if n < 1 else n * f(n - 1)
    """,
    "prints": """
    def f(n):
        print(n)
        return n if n < 2 else f(n - 1) + f(n - 2)
    """,
}
