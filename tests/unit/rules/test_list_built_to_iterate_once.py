from codeflash_bot.propose.rules.list_built_to_iterate_once import ListBuiltToIterateOnce

from .conftest import dedent, rewrite

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
