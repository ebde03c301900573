import asyncio

from codeflash_bot.propose.rules.sequential_await_in_loop import SequentialAwaitInLoop
from tests.support.rewrite import dedent, rewrite

RULE = SequentialAwaitInLoop()

HELPERS = """
import asyncio

async def fetch(i):
    await asyncio.sleep(0)
    return i * 10

async def fail_on(i, bad):
    await asyncio.sleep(0)
    if i == bad:
        raise ValueError(i)
    return i
"""


def run(source: str, *args: object) -> object:
    namespace: dict = {}
    exec(source, namespace)
    return asyncio.run(namespace["f"](*args))


def test_append_of_awaited_call_becomes_gather() -> None:
    before = """
    async def f(ids):
        rows = []
        for i in ids:
            rows.append(await fetch(i))
        return rows
    """
    assert rewrite(RULE, before) == dedent("""
    import asyncio

    async def f(ids):
        rows = []
        rows.extend(await asyncio.gather(*(fetch(i) for i in ids)))
        return rows
    """)


def test_temporary_then_append_becomes_gather() -> None:
    before = """
    async def f(client, ids):
        rows = []
        # one by one
        for key, n in ids:
            row = await client.get(key, n=n)
            rows.append(row)
        return rows
    """
    after = rewrite(RULE, before)
    assert after is not None
    assert "# one by one\n    rows.extend(await asyncio.gather(" in after
    assert "*(client.get(key, n=n) for key, n in ids)" in after


def test_list_comprehension_of_awaits_becomes_gather() -> None:
    before = """
    async def f(ids):
        return [await fetch(i) for i in ids if i % 2]
    """
    assert rewrite(RULE, before) == dedent("""
    import asyncio

    async def f(ids):
        return await asyncio.gather(*(fetch(i) for i in ids if i % 2))
    """)


def test_comprehension_inside_an_expression_keeps_parentheses() -> None:
    before = """
    async def f(ids):
        return len([await fetch(i) for i in ids]) + [await fetch(i) for i in ids][0]
    """
    after = rewrite(RULE, before)
    assert after is not None
    assert "len(await asyncio.gather(" in after
    assert "(await asyncio.gather(*(fetch(i) for i in ids)))[0]" in after


def test_each_call_using_the_previous_result_does_not_fire() -> None:
    before = """
    async def f(start, hops):
        path = [start]
        current = start
        for _ in range(hops):
            current = await fetch(current)
            path.append(current)
        return path
    """
    assert rewrite(RULE, before) is None


def test_call_reading_the_accumulator_does_not_fire() -> None:
    before = """
    async def f(ids):
        out = [0]
        for i in ids:
            out.append(await fetch(out[-1] + i))
        return out
    """
    assert rewrite(RULE, before) is None


def test_loop_variable_used_after_the_loop_does_not_fire() -> None:
    before = """
    async def f(ids):
        out = []
        for i in ids:
            out.append(await fetch(i))
        return out, i
    """
    assert rewrite(RULE, before) is None


def test_loop_with_more_work_or_a_comment_does_not_fire() -> None:
    before = """
    async def f(ids):
        out = []
        for i in ids:
            print(i)
            out.append(await fetch(i))
        for i in ids:
            # keep sequential: the server allows one request at a time
            out.append(await fetch(i))
        return out
    """
    assert rewrite(RULE, before) is None


def test_sync_function_and_nested_scopes_do_not_fire() -> None:
    before = """
    def f(ids):
        async def inner():
            out = []
            for i in ids:
                out.append(await fetch(i))
            return out
        return inner
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree_when_executed() -> None:
    before = """
    async def f(ids):
        rows = ["head"]
        for i in ids:
            rows.append(await fetch(i))
        doubled = [await fetch(i * 2) for i in ids]
        return rows, doubled
    """
    after = rewrite(RULE, before)
    assert after is not None
    for ids in ([], [3], [5, 1, 4, 1]):
        assert run(HELPERS + after, ids) == run(HELPERS + dedent(before), ids)


def test_exception_type_is_kept() -> None:
    before = """
    async def f(ids, bad):
        return [await fail_on(i, bad) for i in ids]
    """
    after = rewrite(RULE, before)
    assert after is not None
    for src in (HELPERS + after, HELPERS + dedent(before)):
        try:
            run(src, [1, 2, 3], 2)
        except ValueError as exc:
            assert exc.args == (2,)
        else:
            raise AssertionError("expected ValueError")


SPELLINGS = {
    RULE.spellings[0]: """
    async def f(xs, g):
        out = []
        for x in xs:
            out.append(await g(x))
        return out
    """,
    RULE.spellings[1]: """
    async def f(xs, g):
        out = []
        for x in xs:
            r = await g(x)
            out.append(r)
        return out
    """,
    RULE.spellings[2]: """
    async def f(xs, g):
        return [await g(x) for x in xs]
    """,
}
NOT_FIRING = {
    "each call uses the previous result": """
    async def f(xs, g):
        x = 0
        out = []
        for _ in xs:
            x = await g(x)
            out.append(x)
        return out
    """,
    "sync function": """
    def f(xs, g):
        return [g(x) for x in xs]
    """,
}
