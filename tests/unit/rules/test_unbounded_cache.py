from codeflash_bot.propose.rules.unbounded_cache import UnboundedCache
from tests.support.rewrite import dedent, rewrite

RULE = UnboundedCache()


def test_functools_cache_becomes_bounded_lru() -> None:
    before = """
    import functools

    @functools.cache
    def f(x):
        return x * 2
    """
    assert rewrite(RULE, before) == dedent("""
    import functools

    @functools.lru_cache(maxsize=1024)
    def f(x):
        return x * 2
    """)


def test_maxsize_none_keeps_typed_and_bare_cache_gets_its_import() -> None:
    typed = """
    from functools import lru_cache

    @lru_cache(maxsize=None, typed=True)
    def f(x):
        return x
    """
    assert "@lru_cache(maxsize=1024, typed=True)" in (rewrite(RULE, typed) or "")
    bare = """
    from functools import cache

    @cache
    def f(x):
        return x
    """
    after = rewrite(RULE, bare) or ""
    assert "@lru_cache(maxsize=1024)" in after
    assert "from functools import lru_cache, cache" in after


def test_bounded_or_recursive_caches_do_not_fire() -> None:
    bounded = """
    @functools.lru_cache(maxsize=64)
    def f(x):
        return x
    """
    recursive = """
    @functools.cache
    def f(n):
        return n if n < 2 else f(n - 1) + f(n - 2)
    """
    assert rewrite(RULE, bounded) is None
    assert rewrite(RULE, recursive) is None


SPELLINGS = {
    RULE.spellings[0]: """
    import functools

    @functools.cache
    def f(n):
        return n * 2
    """,
    RULE.spellings[1]: """
    from functools import lru_cache

    @lru_cache(maxsize=None)
    def f(n):
        return n * 2
    """,
    RULE.spellings[2]: """
    import functools

    @functools.lru_cache(None, typed=True)
    def f(n):
        return n * 2
    """,
}
SPELLING_INPUTS = [(1,), (2.5,)]
NOT_FIRING = {
    "bounded already": """
    from functools import lru_cache

    @lru_cache(maxsize=128)
    def f(n):
        return n
    """,
    "no decorator": """
    def f(n):
        return n
    """,
}
