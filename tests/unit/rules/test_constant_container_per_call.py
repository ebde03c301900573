from codeflash_bot.propose.rules.constant_container_per_call import ConstantContainerPerCall
from tests.support.rewrite import dedent, rewrite

RULE = ConstantContainerPerCall()


def test_dict_table_becomes_module_constant() -> None:
    before = """
    def f(c):
        table = {"a": 1, "e": 2, "i": 3}
        return table.get(c, 0)
    """
    assert rewrite(RULE, before) == dedent("""
    _F_TABLE = {"a": 1, "e": 2, "i": 3}
    def f(c):
        return _F_TABLE.get(c, 0)
    """)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(c):
        table = {"a": 1, "e": 2, "i": 3, "o": None}
        return table.get(c, -1), table["a"]
    """,
    RULE.spellings[1]: """
    def f(c):
        vowels = {"a", "e", "i", "o", "u"}
        return c in vowels and c not in vowels - {"a"}
    """,
    RULE.spellings[2]: """
    def f(c):
        ranges = [(0, 9, "digit"), (10, 99, "tens"), (100, 999, "hundreds")]
        for low, high, label in ranges:
            if low <= len(c) * 50 <= high:
                return label, len(ranges)
        return None, len(ranges)
    """,
}
SPELLING_INPUTS = [("a",), ("x",), ("",), ("abc",)]
NOT_FIRING = {
    "mutated": """
    def f(c):
        seen = {"a", "b", "c"}
        seen.add(c)
        return seen
    """,
    "returned": """
    def f(c):
        table = {"a": 1, "b": 2, "c": 3}
        return table
    """,
    "passed to an unknown function": """
    def f(c):
        table = {"a": 1, "b": 2, "c": 3}
        return g(table, c)
    """,
    "not all constants": """
    def f(c):
        table = {"a": c, "b": 2, "c": 3}
        return table["a"]
    """,
    "rebound later": """
    def f(c):
        table = {"a": 1, "b": 2, "c": 3}
        if c:
            table = {}
        return table.get(c)
    """,
}
