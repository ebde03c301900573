"""CPU112: `sum/min/max/set/tuple/frozenset` of a list comprehension (a deliberate trap)."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import (
    first_argument_to_generator,
    generator_ready,
    locally_bound,
    sole_argument_to_generator,
)

# Reducer -> keywords it may carry alongside the comprehension (positional extras: sum's start).
_REDUCERS: dict[str, frozenset[str]] = {
    "sum": frozenset({"start"}),
    "min": frozenset({"key", "default"}),
    "max": frozenset({"key", "default"}),
    "set": frozenset(),
    "tuple": frozenset(),
    "frozenset": frozenset(),
}
_MAX_POSITIONAL = {"sum": 2}


class ReducerOverListComprehension(Rule):
    """Materialising a list comprehension only to reduce or convert it.

    What it does:
        Finds `sum([...])`, `min([...])`, `max([...])`, `set([...])`, `tuple([...])` and
        `frozenset([...])` whose first argument is a list comprehension, and proposes a
        generator expression instead (`key=`, `default=` and sum's `start` are kept).
    Why is this bad?
        The intermediate list holds every element at once; a generator holds one. This is
        mainly a MEMORY win. For CPU it is often SLOWER: each generator item pays a frame
        resume, which a list comprehension's tight loop does not. The rule is proposed anyway,
        on purpose, so measurement decides; expect many of its candidates to be discarded.
    Example:
        `total = sum([p.price * p.qty for p in items])`
    Use instead:
        `total = sum(p.price * p.qty for p in items)`
    When it is unsafe:
        The elements are now computed interleaved with the reduction instead of all before
        it: if both an element and the reduction can raise (or have side effects), which one
        shows first can change, and sum's `start` is now evaluated after the first iterable.
        `async` comprehensions and ones with `yield`, `await` or `:=` are left alone.
    """

    code = "CPU112"
    name = "reducer-over-list-comprehension"
    domain = Domain.CPU
    summary = "sum/min/max/set/tuple/frozenset([... for ...]) -> (... for ...)"
    spellings = (
        "`sum([...])` (with `start`)",
        "`min([...], default=...)` / `max([...], key=...)`",
        "`set([...])` / `tuple([...])` / `frozenset([...])`",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        shadowed = locally_bound(func) & _REDUCERS.keys()
        new = func.visit(_Rewriter(shadowed))
        return new if isinstance(new, cst.FunctionDef) else None


class _Rewriter(cst.CSTTransformer):
    def __init__(self, shadowed: set[str]) -> None:
        super().__init__()
        self.shadowed = shadowed

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = updated_node.func
        if not isinstance(func, cst.Name) or func.value not in _REDUCERS:
            return updated_node
        if func.value in self.shadowed or not _arguments_fit(func.value, updated_node.args):
            return updated_node
        listcomp = updated_node.args[0].value
        if not generator_ready(listcomp):
            return updated_node
        if len(updated_node.args) == 1:
            return sole_argument_to_generator(updated_node, listcomp)
        return first_argument_to_generator(updated_node, listcomp)


def _arguments_fit(reducer: str, args: Sequence[cst.Arg]) -> bool:
    if not args or args[0].keyword is not None or any(a.star for a in args):
        return False
    positional = [a for a in args if a.keyword is None]
    keywords = {a.keyword.value for a in args if a.keyword is not None}
    return len(positional) <= _MAX_POSITIONAL.get(reducer, 1) and keywords <= _REDUCERS[reducer]
