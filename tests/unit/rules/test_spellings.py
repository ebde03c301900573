"""Every rule recognises its anti-pattern in at least three spellings, listed in the catalog.

Each rule's fixture module defines `SPELLINGS` (catalog label -> source whose `f` must be
rewritten) and `NOT_FIRING` (label -> source the rule must leave alone); `SPELLING_INPUTS`, when
present, are argument tuples `f` is called with before and after each rewrite (same result).
A fixture may name another target (`SPELLING_QUALNAME`, e.g. `C.method`) or apply the rule its
own way (`apply_spelling(source)`, for module-level rules).
"""

from __future__ import annotations

import ast
import importlib

import pytest

from codeflash_bot.propose.rules import all_rules
from tests.support.rewrite import dedent, rewrite

RULES = all_rules()


def _fixture(rule):
    name = type(rule).__module__.rsplit(".", 1)[1]
    return importlib.import_module(f"tests.unit.rules.test_{name}")


def _cases(attr: str):
    for rule in RULES:
        for label, source in getattr(_fixture(rule), attr, {}).items():
            yield pytest.param(rule, label, source, id=f"{rule.code}-{label[:40]}")


def _call(source: str, args: tuple) -> object:
    namespace: dict[str, object] = {}
    exec(compile(source, "<spelling>", "exec"), namespace)
    try:
        return ("ok", namespace["f"](*args))  # type: ignore[operator]
    except Exception as exc:  # the exception is part of the behaviour
        return ("raised", type(exc), str(exc))


def _apply(rule, source: str) -> str | None:
    fixture = _fixture(rule)
    own = getattr(fixture, "apply_spelling", None)
    if own is not None:
        return own(source)
    return rewrite(rule, source, getattr(fixture, "SPELLING_QUALNAME", "f"))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_lists_three_spellings_each_with_a_fixture(rule) -> None:
    fixture = _fixture(rule)
    assert len(rule.spellings) >= 3
    assert list(getattr(fixture, "SPELLINGS", {})) == list(rule.spellings)
    assert getattr(fixture, "NOT_FIRING", {}), "a must-not-fire case beside the spellings"


@pytest.mark.parametrize(("rule", "label", "source"), list(_cases("SPELLINGS")))
def test_spelling_fires_and_behaves_the_same(rule, label, source) -> None:
    after = _apply(rule, source)
    assert after is not None, f"{rule.code} did not fire on: {label}"
    ast.parse(after)
    for args in getattr(_fixture(rule), "SPELLING_INPUTS", ()):
        assert _call(after, args) == _call(dedent(source), args), (label, args)


@pytest.mark.parametrize(("rule", "label", "source"), list(_cases("NOT_FIRING")))
def test_must_not_fire(rule, label, source) -> None:
    assert _apply(rule, source) is None, label
