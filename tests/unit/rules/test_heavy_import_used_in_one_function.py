import textwrap

from codeflash_bot.propose.module_rule import ModuleFacts, apply_module_rule
from codeflash_bot.propose.rules.heavy_import_used_in_one_function import (
    HeavyImportUsedInOneFunction,
)

RULE = HeavyImportUsedInOneFunction()
FACTS = ModuleFacts(module="pkg.report", heavy=frozenset({"pkg._heavy", "numpy"}))


def rewrite(before: str, facts: ModuleFacts = FACTS) -> str | None:
    return apply_module_rule(RULE, textwrap.dedent(before), facts)


def test_heavy_import_moves_into_its_only_function() -> None:
    before = '''
    """Reports."""
    import json

    # the slow one
    from pkg import _heavy


    def summary(xs):
        return json.dumps(xs)


    def chart(xs):
        """Draw it."""
        return _heavy.draw(xs)
    '''
    assert rewrite(before) == textwrap.dedent('''
    """Reports."""
    import json

    # the slow one


    def summary(xs):
        return json.dumps(xs)


    def chart(xs):
        """Draw it."""
        from pkg import _heavy
        return _heavy.draw(xs)
    ''')


def test_relative_and_aliased_imports_and_methods() -> None:
    before = """
    from . import _heavy as h
    import numpy as np

    class Plot:
        def draw(self, xs):
            return np.array(h.scale(xs))
    """
    after = rewrite(before)
    assert after is not None
    moved = "    def draw(self, xs):\n        from . import _heavy as h\n        import numpy as np"
    assert moved in after


def test_light_import_does_not_fire() -> None:
    before = """
    import json

    def f(x):
        return json.dumps(x)
    """
    assert rewrite(before) is None


def test_used_by_two_functions_does_not_fire() -> None:
    before = """
    import numpy as np

    def f(x):
        return np.sum(x)

    def g(x):
        return np.max(x)
    """
    assert rewrite(before) is None


def test_used_at_module_level_in_a_default_or_annotation_does_not_fire() -> None:
    for use in (
        "ZERO = np.zeros(1)\ndef f(x):\n    return np.sum(x)",
        "def f(x, dtype=np.float64):\n    return np.sum(x)",
        "def f(x) -> np.ndarray:\n    return np.sum(x)",
        "@np.vectorize\ndef f(x):\n    return np.sum(x)",
    ):
        assert rewrite("import numpy as np\n" + use + "\n") is None, use


def test_exported_or_shadowed_names_do_not_fire() -> None:
    exported = "import numpy as np\n__all__ = ['np']\ndef f(x):\n    return np.sum(x)\n"
    assert rewrite(exported) is None
    before = """
    import numpy as np

    def f(x):
        np = x
        return np
    """
    assert rewrite(before) is None


def test_moved_module_still_works() -> None:
    before = """
    import json as heavy_json

    def dump(x):
        return heavy_json.dumps(x, sort_keys=True)
    """
    after = rewrite(before, ModuleFacts(module="m", heavy=frozenset({"json"})))
    assert after is not None
    namespace: dict = {}
    exec(after, namespace)
    assert "heavy_json" not in namespace
    assert namespace["dump"]({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'


def apply_spelling(source: str) -> str | None:
    """Module-level rules apply to the whole module, given what the import profile found."""
    return rewrite(source)


SPELLINGS = {
    RULE.spellings[0]: """
    import numpy


    def chart(xs):
        return numpy.array(xs)
    """,
    RULE.spellings[1]: """
    from pkg import _heavy


    class Report:
        def draw(self, xs):
            return _heavy.draw(xs)
    """,
    RULE.spellings[2]: """
    import numpy as np


    def chart(xs):
        return np.array(xs) + np.zeros(len(xs))
    """,
}
NOT_FIRING = {
    "used at module level": """
    import numpy

    ZERO = numpy.zeros(1)


    def chart(xs):
        return numpy.array(xs)
    """,
    "used in two functions": """
    import numpy


    def a(xs):
        return numpy.array(xs)


    def b(xs):
        return numpy.array(xs)
    """,
}


def test_one_line_function_body_stays_inside_the_function() -> None:
    before = """
    from pkg import _heavy

    def chart(xs): return _heavy.draw(xs)
    """
    after = rewrite(before)
    assert after is not None
    assert "def chart(xs):\n    from pkg import _heavy\n    return _heavy.draw(xs)\n" in after
    compile(after, "report.py", "exec")
