"""The shared metadata pass (one per function, one parse per source) and names by meaning."""

from __future__ import annotations

import textwrap

import libcst as cst
import libcst.matchers as m
import pytest

from codeflash_bot.propose.analysis import (
    function_metadata,
    module_metadata,
    parse_module,
    refers_to,
)
from codeflash_bot.propose.rule import apply_rule, find_function
from codeflash_bot.propose.rules import all_rules

SOURCE = textwrap.dedent("""
    import re

    def f(lines):
        return [s for s in lines if re.match("x", s)]
""")


def _last_call_func(source: str) -> tuple[cst.Module, cst.BaseExpression]:
    module = parse_module(textwrap.dedent(source))
    call = m.findall(module, m.Call())[-1]
    assert isinstance(call, cst.Call)
    return module, call.func


def test_one_parse_per_source_and_one_metadata_pass_per_function() -> None:
    module = parse_module(SOURCE)
    assert parse_module(SOURCE) is module
    func = find_function(module, "f")
    assert func is not None
    assert function_metadata(func) is function_metadata(func)
    assert module_metadata(module) is module_metadata(module)


def test_every_rule_sees_the_same_parsed_function() -> None:
    """apply_rule reuses the parse, so the metadata of `f` is resolved once for all rules."""
    first = find_function(parse_module(SOURCE), "f")
    for rule in all_rules():
        apply_rule(rule, SOURCE, "f")
    assert find_function(parse_module(SOURCE), "f") is first
    assert first is not None and function_metadata(first) is function_metadata(first)


@pytest.mark.parametrize(
    ("source", "meant"),
    [
        ("import re\ndef f(s):\n    return re.match('x', s)\n", True),
        ("import re as rx\ndef f(s):\n    return rx.match('x', s)\n", True),
        ("from re import match\ndef f(s):\n    return match('x', s)\n", True),
        ("from re import match as m\ndef f(s):\n    return m('x', s)\n", True),
        ("import re\nre = object()\ndef f(s):\n    return re.match('x', s)\n", False),
        ("import re\ndef f(s, re):\n    return re.match('x', s)\n", False),
        ("def f(s):\n    return re.match('x', s)\n", False),
    ],
    ids=["import", "alias", "from-import", "from-alias", "module-rebinds", "parameter", "unbound"],
)
def test_refers_to_resolves_aliases_and_sees_rebinding(source: str, meant: bool) -> None:
    module, func = _last_call_func(source)
    assert refers_to(module, func, "re.match") is meant


def test_builtins_by_meaning() -> None:
    module, func = _last_call_func("def f(xs):\n    return sorted(xs)\n")
    assert refers_to(module, func, "builtins.sorted") is True
    module, func = _last_call_func("sorted = list\ndef f(xs):\n    return sorted(xs)\n")
    assert refers_to(module, func, "builtins.sorted") is False


def test_unknown_module_gives_none() -> None:
    _, func = _last_call_func("import re\ndef f(s):\n    return re.match('x', s)\n")
    assert refers_to(None, func, "re.match") is None
