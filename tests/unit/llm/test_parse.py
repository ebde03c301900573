"""Reply parsing: every shape a model answers in, and every way a candidate is out of scope."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from codeflash_bot.models import Target
from codeflash_bot.propose.llm.parse import parse_reply, splice
from tests.support.llm_replies import reply_text

SOURCE = textwrap.dedent(
    '''\
    """Small helpers."""
    from __future__ import annotations

    import os

    LIMIT = 10


    def work(n):
        total = 0
        for i in range(n):
            total += i * i
        return total


    def helper(x):
        return x * 2


    class Box:
        def items(self, xs: list[int]) -> list[int]:
            out = []
            for x in xs:
                out.append(x)
            return out

        def size(self):
            return 0
    '''
)
WORK = Target(module="m", qualname="work", file=Path("m.py"), lineno=9)
ITEMS = Target(module="m", qualname="Box.items", file=Path("m.py"), lineno=21)
FAST = "def work(n):\n    if n <= 0:\n        return 0\n    return (n - 1) * n * (2 * n - 1) // 6\n"


def fenced(code: str, lang: str = "python") -> str:
    return f"```{lang}\n{code}```\n"


def one(reply: str, target: Target = WORK, **kw):
    parsed = parse_reply(reply, SOURCE, target, **kw)
    return parsed.rewrites, [r.reason for r in parsed.rejections]


@pytest.mark.parametrize("lang", ["python", "py", ""])
def test_fence_with_any_python_label(lang: str) -> None:
    rewrites, reasons = one("Use the closed form.\n\n" + fenced(FAST, lang))
    assert len(rewrites) == 1 and not reasons
    assert rewrites[0].idea.startswith("LLM-") and len(rewrites[0].idea) == 10
    assert rewrites[0].explanation == "Use the closed form."


def test_bare_code_without_fences() -> None:
    rewrites, _ = one(FAST)
    assert len(rewrites) == 1


def test_several_candidates_with_headings_summary_and_explanation() -> None:
    reply = reply_text("openai_round1.json")
    parsed = parse_reply(reply, SOURCE, WORK)
    assert [r.summary for r in parsed.rewrites] == [
        "functional fold with functools.reduce",
        "closed-form sum of squares",
    ]
    assert parsed.rewrites[0].imports == ["from functools import reduce\n"]
    assert "runs the iteration in C" in parsed.rewrites[0].explanation
    [rejected] = parsed.rejections
    assert rejected.index == 1 and "changes the signature of work" in rejected.reason
    assert "def work(n) -> def work(n, _cache={})" in rejected.reason


def test_truncated_reply_keeps_complete_candidates_and_rejects_the_cut_one() -> None:
    parsed = parse_reply(reply_text("openai_round2.json"), SOURCE, WORK, truncated=True)
    assert [r.summary for r in parsed.rewrites] == ["closed form over range(n), guarded for n <= 0"]
    [cut] = parsed.rejections
    assert cut.index == 2 and "cut off at max_tokens" in cut.reason


def test_reply_without_code() -> None:
    rewrites, reasons = one(reply_text("no_code.md"))
    assert rewrites == [] and reasons == ["reply holds no code"]


def test_whole_module_echo_keeps_only_the_target() -> None:
    parsed = parse_reply(reply_text("whole_module.md"), SOURCE, WORK)
    [rewrite] = parsed.rewrites
    new = splice(SOURCE, WORK, rewrite)
    assert "return sum(i * i for i in range(n))" in new
    assert "def helper(x):\n    return x * 2" in new and "class Box" in new


def test_whole_module_that_changes_another_function_is_rejected() -> None:
    module = SOURCE.replace("return total", "return sum(i * i for i in range(n))").replace(
        "return x * 2", "return x + x"
    )
    _, reasons = one(fenced(module))
    assert reasons == ["touches another function or class: helper"]


def test_new_top_level_helper_is_rejected() -> None:
    code = "def _sq(i):\n    return i * i\n\n\ndef work(n):\n    return sum(map(_sq, range(n)))\n"
    _, reasons = one(fenced(code))
    assert reasons == [
        "adds a top-level function _sq (only work may change; nest helpers inside it)"
    ]


def test_changing_a_module_constant_is_rejected_new_constant_is_kept() -> None:
    _, reasons = one(fenced("LIMIT = 20\n\n" + FAST))
    assert reasons == ["changes module-level LIMIT"]
    rewrites, _ = one(fenced("_SIX = 6\n\n" + FAST.replace("// 6", "// _SIX")))
    new = splice(SOURCE, WORK, rewrites[0])
    assert "import os\n_SIX = 6\n" in new


@pytest.mark.parametrize(
    ("code", "why"),
    [
        (
            "def work(m):\n    return 0\n",
            "changes the signature of work: def work(n) -> def work(m)",
        ),
        ("async def work(n):\n    return 0\n", "async def work(n)"),
        ("@cache\ndef work(n):\n    return 0\n", "@cache def work(n)"),
        ("def work(n) -> int:\n    return 0\n", "def work(n) -> int"),
    ],
)
def test_signature_changes_are_rejected(code: str, why: str) -> None:
    _, reasons = one(fenced(code))
    assert len(reasons) == 1 and why in reasons[0]


def test_unparsable_and_wrong_function_and_noop() -> None:
    _, reasons = one(fenced("def work(n):\n    return (\n"))
    assert reasons[0].startswith("does not parse")
    _, reasons = one(fenced("def other(n):\n    return n\n"))
    assert reasons == ["no definition of work in the code"]
    original = (
        "def work(n):\n    total = 0\n    for i in range(n):\n        total += i * i\n"
        "    return total\n"
    )
    _, reasons = one(fenced(original))
    assert reasons == ["identical to the current code"]


def test_duplicate_candidates_are_rejected_once() -> None:
    rewrites, reasons = one(fenced(FAST) + "\nAgain:\n" + fenced(FAST))
    assert len(rewrites) == 1 and reasons == ["same code as an earlier candidate"]


def test_method_as_bare_def_or_inside_its_class() -> None:
    bare = "def items(self, xs: list[int]) -> list[int]:\n    return list(xs)\n"
    inside = (
        "class Box:\n    def items(self, xs: list[int]) -> list[int]:\n        return [*xs]\n\n"
        "    def size(self):\n        return 0\n"
    )
    rewrites, reasons = one(fenced(bare) + fenced(inside), ITEMS)
    assert not reasons and len(rewrites) == 2
    new = splice(SOURCE, ITEMS, rewrites[0])
    assert "    def items(self, xs: list[int]) -> list[int]:\n        return list(xs)\n" in new
    assert "    def size(self):\n        return 0" in new


def test_method_rewrite_that_touches_a_sibling_is_rejected() -> None:
    inside = (
        "class Box:\n    def items(self, xs: list[int]) -> list[int]:\n        return [*xs]\n\n"
        "    def size(self):\n        return 1\n"
    )
    _, reasons = one(fenced(inside), ITEMS)
    assert reasons == ["touches another function or class: Box.size"]


def test_new_import_goes_after_existing_imports_and_future_stays_first() -> None:
    code = (
        "import itertools\nimport os\n\n\ndef work(n):\n"
        "    return sum(i * i for i in itertools.islice(range(n), n))\n"
    )
    [rewrite], _ = one(fenced(code))
    new = splice(SOURCE, WORK, rewrite)
    assert new.index("from __future__") < new.index("import os") < new.index("import itertools")
    assert new.count("import os") == 1


def test_splice_onto_a_changed_source_keeps_the_other_change() -> None:
    [rewrite], _ = one(fenced(FAST))
    changed = SOURCE.replace("return x * 2", "return x + x")
    new = splice(changed, WORK, rewrite)
    assert "return x + x" in new and "(n - 1) * n" in new
