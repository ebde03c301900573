import asyncio

from codeflash_bot.propose.rules.blocking_sleep_in_coroutine import BlockingSleepInCoroutine
from tests.support.rewrite import dedent, rewrite

RULE = BlockingSleepInCoroutine()


def test_time_sleep_in_coroutine_becomes_asyncio_sleep() -> None:
    before = """
    import time

    async def f(delay):
        time.sleep(delay)  # back off
        return delay * 2
    """
    assert rewrite(RULE, before) == dedent("""
    import time
    import asyncio

    async def f(delay):
        await asyncio.sleep(delay)  # back off
        return delay * 2
    """)


def test_sleep_in_a_loop_and_branch_is_rewritten_everywhere() -> None:
    before = """
    import asyncio
    import time

    async def f(n):
        out = []
        for i in range(n):
            if i % 2:
                time.sleep(0)
            out.append(i)
        return out
    """
    after = rewrite(RULE, before)
    assert after is not None
    assert "await asyncio.sleep(0)" in after
    assert after.count("import asyncio") == 1


def test_plain_function_does_not_fire() -> None:
    before = """
    import time

    def f():
        time.sleep(0.1)
    """
    assert rewrite(RULE, before) is None


def test_sleep_in_a_nested_sync_function_does_not_fire() -> None:
    before = """
    import time

    async def f(loop):
        def work():
            time.sleep(0.1)
        return await loop.run_in_executor(None, work)
    """
    assert rewrite(RULE, before) is None


def test_sleep_used_as_a_value_or_with_a_keyword_does_not_fire() -> None:
    before = """
    import time

    async def f(s):
        x = time.sleep(s)
        return x
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_return_the_same() -> None:
    before = """
    import time

    async def f(values):
        total = 0
        for v in values:
            time.sleep(0)
            total += v
        return total
    """
    after = rewrite(RULE, before)
    assert after is not None
    old: dict = {}
    new: dict = {}
    exec(dedent(before), old)
    exec(after, new)
    for values in ([], [1], [3, 4, 5]):
        assert asyncio.run(new["f"](values)) == asyncio.run(old["f"](values))


SPELLINGS = {
    RULE.spellings[0]: """
    import time

    async def f(s):
        time.sleep(s)
        return s
    """,
    RULE.spellings[1]: """
    from time import sleep

    async def f(s):
        for _ in range(3):
            sleep(s)
        return s
    """,
    RULE.spellings[2]: """
    import time as t

    async def f(s):
        if s:
            t.sleep(s)
        return s
    """,
}
NOT_FIRING = {
    "sync function": """
    import time

    def f(s):
        time.sleep(s)
    """,
    "sleep is a local": """
    async def f(s, sleep):
        sleep(s)
    """,
    "time rebound at module level": """
    import time

    class _Clock:
        def sleep(self, s):
            return s

    time = _Clock()

    async def f(s):
        time.sleep(s)
    """,
}
