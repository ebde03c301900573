import asyncio
from pathlib import Path

from codeflash_bot.propose.rules.blocking_call_in_coroutine import BlockingCallInCoroutine
from tests.support.rewrite import dedent, rewrite

RULE = BlockingCallInCoroutine()


def test_http_call_runs_in_a_thread() -> None:
    before = """
    import requests

    async def f(url):
        resp = requests.get(url, timeout=5)
        return resp.status_code
    """
    assert rewrite(RULE, before) == dedent("""
    import requests
    import asyncio

    async def f(url):
        resp = await asyncio.to_thread(requests.get, url, timeout=5)
        return resp.status_code
    """)


def test_call_inside_a_larger_expression_keeps_parentheses() -> None:
    before = """
    import subprocess

    async def f(cmd):
        return subprocess.run(cmd, capture_output=True).stdout.decode()
    """
    after = rewrite(RULE, before)
    assert after is not None
    assert (
        "return (await asyncio.to_thread(subprocess.run, cmd, capture_output=True))"
        ".stdout.decode()" in after
    )


def test_whole_file_reads_run_in_a_thread() -> None:
    before = """
    async def f(path):
        text = path.read_text(encoding="utf-8")
        raw = open(path, "rb").read()
        return text, raw
    """
    after = rewrite(RULE, before)
    assert after is not None
    assert 'text = await asyncio.to_thread(path.read_text, encoding="utf-8")' in after
    assert 'raw = await asyncio.to_thread(open(path, "rb").read)' in after


def test_already_offloaded_or_nested_calls_do_not_fire() -> None:
    before = """
    import requests

    async def f(loop, url, urls):
        a = await loop.run_in_executor(None, lambda: requests.get(url))
        b = [requests.get(u) for u in urls]
        def later():
            return requests.get(url)
        return a, b, later
    """
    assert rewrite(RULE, before) is None


def test_plain_function_and_unknown_calls_do_not_fire() -> None:
    before = """
    import requests

    def f(url):
        return requests.get(url)
    """
    assert rewrite(RULE, before) is None
    assert rewrite(RULE, "async def f(x):\n    return get(x) + x.read()\n") is None


def test_before_and_after_agree_when_executed(tmp_path: Path) -> None:
    before = """
    import subprocess
    import sys

    async def f(path):
        out = subprocess.check_output([sys.executable, "-c", "print(6 * 7)"], text=True)
        return out.strip(), path.read_text()
    """
    after = rewrite(RULE, before)
    assert after is not None
    assert "to_thread(subprocess.check_output" in after
    file = tmp_path / "data.txt"
    file.write_text("hello", encoding="utf-8")
    old: dict = {}
    new: dict = {}
    exec(dedent(before), old)
    exec(after, new)
    assert asyncio.run(new["f"](file)) == asyncio.run(old["f"](file)) == ("42", "hello")


SPELLINGS = {
    RULE.spellings[0]: """
    import requests

    async def f(url):
        resp = requests.get(url, timeout=5)
        return resp.status_code
    """,
    RULE.spellings[1]: """
    import subprocess

    async def f(cmd):
        return subprocess.run(cmd, capture_output=True).stdout.decode()
    """,
    RULE.spellings[2]: """
    async def f(path):
        text = path.read_text(encoding="utf-8")
        raw = open(path, "rb").read()
        return text, raw
    """,
}
NOT_FIRING = {
    "already offloaded": """
    import requests

    async def f(loop, url):
        return await loop.run_in_executor(None, lambda: requests.get(url))
    """,
    "sync function": """
    import requests

    def f(url):
        return requests.get(url)
    """,
}
