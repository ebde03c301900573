from codeflash_bot.propose.rules.method_lookup_in_hot_loop import MethodLookupInHotLoop
from tests.support.rewrite import dedent, rewrite

RULE = MethodLookupInHotLoop()


def test_append_in_loop_is_bound_once_before_it() -> None:
    before = """
    def f(xs):
        out = []

        # double the truthy ones
        for x in xs:
            if x:
                out.append(x * 2)
        return out
    """
    assert rewrite(RULE, before) == dedent("""
    def f(xs):
        out = []

        # double the truthy ones
        _append = out.append
        for x in xs:
            if x:
                _append(x * 2)
        return out
    """)


def test_several_receivers_and_inner_loops_inside_a_with_block() -> None:
    before = """
    def f(rows, out, err):
        with lock:
            for row in rows:
                out.append(row)
                for cell in row:
                    err.append(cell)
    """
    assert rewrite(RULE, before) == dedent("""
    def f(rows, out, err):
        with lock:
            _append = out.append
            _append2 = err.append
            for row in rows:
                _append(row)
                for cell in row:
                    _append2(cell)
    """)


def test_receiver_rebound_in_the_loop_does_not_fire() -> None:
    before = """
    def f(xs):
        out = []
        for x in xs:
            out.append(x)
            if len(out) > 3:
                out = []
        return out
    """
    assert rewrite(RULE, before) is None


def test_global_receiver_does_not_fire() -> None:
    before = """
    def f(xs):
        for x in xs:
            RESULTS.append(x)
    """
    assert rewrite(RULE, before) is None


def test_receiver_rebound_by_a_closure_does_not_fire() -> None:
    before = """
    def f(xs):
        out = []
        def reset():
            nonlocal out
            out = []
        for x in xs:
            out.append(x)
            reset()
        return out
    """
    assert rewrite(RULE, before) is None


def test_append_inside_a_lambda_does_not_fire() -> None:
    before = """
    def f(xs):
        out = []
        for x in xs:
            later = lambda: out.append(x)
        return later
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree_when_executed() -> None:
    before = """
    def f(rows):
        out = []
        flat = []
        for row in rows:
            out.append(len(row))
            for cell in row:
                if cell % 2:
                    flat.append(cell)
        return out, flat
    """
    after = rewrite(RULE, before)
    assert after is not None
    assert "out.append(" not in after and "flat.append(" not in after
    old: dict = {}
    new: dict = {}
    exec(dedent(before), old)
    exec(after, new)
    for rows in ([], [[]], [[1, 2, 3]], [[4, 5], [7], list(range(10))]):
        assert old["f"](rows) == new["f"](rows)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(xs):
        out = []
        for x in xs:
            out.append(x + 1)
        return out
    """,
    RULE.spellings[1]: """
    def f(xs, out=None):
        out = [] if out is None else out
        for x in xs:
            if x:
                out.append(x)
        return out
    """,
    RULE.spellings[2]: """
    def f(xs):
        out = []
        for x in xs:
            out.append(x)
            for y in range(x % 3):
                out.append(y)
        return out
    """,
}
SPELLING_INPUTS = [([],), ([1, 0, 5],)]
NOT_FIRING = {
    "out rebound in the loop": """
    def f(xs):
        out = []
        for x in xs:
            out = out[:]
            out.append(x)
        return out
    """,
    "global list": """
    def f(xs):
        for x in xs:
            OUT.append(x)
    """,
}
