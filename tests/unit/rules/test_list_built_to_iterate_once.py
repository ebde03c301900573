from codeflash_bot.propose.rules.list_built_to_iterate_once import ListBuiltToIterateOnce
from tests.support.rewrite import dedent, rewrite

RULE = ListBuiltToIterateOnce()


def test_list_iterated_once_becomes_a_generator() -> None:
    before = """
    def f(lines):
        rows = [line.split(",") for line in lines]
        total = 0
        for row in rows:
            total += int(row[1])
        return total
    """
    assert rewrite(RULE, before) == dedent("""
    def f(lines):
        rows = (line.split(",") for line in lines)
        total = 0
        for row in rows:
            total += int(row[1])
        return total
    """)


def test_second_use_of_the_list_does_not_fire() -> None:
    before = """
    def f(lines):
        rows = [line.split(",") for line in lines]
        for row in rows:
            print(row)
        return len(rows)
    """
    assert rewrite(RULE, before) is None


def test_loop_touching_the_source_does_not_fire() -> None:
    before = """
    def f(lines):
        rows = [line.upper() for line in lines]
        for row in rows:
            lines.append(row)
    """
    assert rewrite(RULE, before) is None


def test_source_changed_between_does_not_fire() -> None:
    before = """
    def f(lines):
        rows = [line.upper() for line in lines]
        lines.clear()
        for row in rows:
            print(row)
    """
    assert rewrite(RULE, before) is None


def test_before_and_after_agree_when_executed() -> None:
    before = """
    def f(lines, k):
        parts = [line.split(":") for line in lines if line]
        out = []
        for p in parts:
            out.append(p[k % len(p)])
        return out
    """
    after = rewrite(RULE, before)
    assert after is not None
    old: dict = {}
    new: dict = {}
    exec(dedent(before), old)
    exec(after, new)
    data = ["a:b", "", "c", "d:e:f"]
    assert old["f"](data, 1) == new["f"](data, 1)


SPELLINGS = {
    RULE.spellings[0]: """
    def f(items):
        xs = [i * 2 for i in items]
        total = 0
        for x in xs:
            total += x
        return total
    """,
    RULE.spellings[1]: """
    def f(items):
        xs = [i + j for i in items if i % 2 for j in items]
        out = []
        for x in xs:
            out.append(x)
        return out
    """,
    RULE.spellings[2]: """
    def f(items):
        pairs = [(i, -i) for i in items]
        best = None
        for p in pairs:
            best = p if best is None or p > best else best
        return best
    """,
}
SPELLING_INPUTS = [([],), ([1, 2, 3],)]
NOT_FIRING = {
    "list used twice": """
    def f(items):
        xs = [i for i in items]
        for x in xs:
            print(x)
        return len(xs)
    """,
    "not a comprehension": """
    def f(items):
        xs = list(items)
        for x in xs:
            print(x)
    """,
}
