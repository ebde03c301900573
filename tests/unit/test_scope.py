from pathlib import Path

from codeflash_bot.models import Reason, Target
from codeflash_bot.verify.scope import scope_problem

ORIGINAL = """import re

LIMIT = 3

def f(xs):
    return sorted(xs)[0]

def g(xs):
    return xs

class K:
    def m(self, xs):
        return sorted(xs)[0]

    def other(self):
        return 1
"""
F = Target(module="m", qualname="f", file=Path("m.py"), lineno=5)
M = Target(module="m", qualname="K.m", file=Path("m.py"), lineno=12)


def test_target_change_with_new_import_and_constant_is_in_scope() -> None:
    cand = ORIGINAL.replace("return sorted(xs)[0]\n\ndef g", "return min(xs)\n\ndef g")
    cand = cand.replace("import re\n", "import re\nimport heapq\n_RE_X = re.compile('x')\n")
    assert scope_problem(ORIGINAL, cand, F) is None


def test_touching_another_function_is_out_of_scope() -> None:
    cand = ORIGINAL.replace("return xs", "return list(xs)")
    problem = scope_problem(ORIGINAL, cand, F)
    assert problem is not None and problem.reason is Reason.SCOPE
    assert "other than f" in problem.detail


def test_changing_an_existing_constant_is_out_of_scope() -> None:
    cand = ORIGINAL.replace("LIMIT = 3", "LIMIT = 4")
    assert scope_problem(ORIGINAL, cand, F) is not None


def test_unparsable_candidate() -> None:
    problem = scope_problem(ORIGINAL, "def f(:\n", F)
    assert problem is not None and problem.reason is Reason.UNPARSABLE
    assert problem.detail.startswith("does not parse")


def test_method_target_may_change_only_its_method() -> None:
    ok = ORIGINAL.replace("        return sorted(xs)[0]", "        return min(xs)")
    assert scope_problem(ORIGINAL, ok, M) is None
    bad = ok.replace("return 1", "return 2")
    assert "beyond m" in scope_problem(ORIGINAL, bad, M).detail


def test_import_merged_into_an_existing_line_is_in_scope() -> None:
    before = "from collections import deque\n\ndef f(xs):\n    return xs\n"
    after = "from collections import Counter, deque\n\ndef f(xs):\n    return dict(Counter(xs))\n"
    assert scope_problem(before, after, F) is None


def test_removing_an_import_is_out_of_scope() -> None:
    before = "import os\nimport re\n\ndef f(xs):\n    return xs\n"
    after = "import re\n\ndef f(xs):\n    return list(xs)\n"
    assert "removed imports" in scope_problem(before, after, F).detail
