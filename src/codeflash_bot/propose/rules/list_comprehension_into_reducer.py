"""MEM201: a list comprehension built only to be fed to sum/min/max/any/all/str.join."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

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
    "any": frozenset(),
    "all": frozenset(),
}
_MAX_POSITIONAL = {"sum": 2}
_JOIN = m.Call(
    func=m.Attribute(value=m.SimpleString() | m.ConcatenatedString(), attr=m.Name("join")),
    args=[m.Arg(keyword=None, star="")],
)


class ListComprehensionIntoReducer(Rule):
    """Materialising every element of a comprehension only to reduce it to one value.

    What it does:
        Finds `sum([...])`, `min([...])`, `max([...])`, `any([...])`, `all([...])` and
        `"sep".join([...])` whose argument is a list comprehension, and proposes a generator
        expression (`key=`, `default=` and sum's `start` are kept).
    Why is this bad?
        The list holds every element at once before the reducer sees the first: peak memory
        grows with the input (a pointer plus the element object per item). A generator
        holds one element at a time. `str.join` is the exception that proves the rule: it
        turns any iterable into a sequence internally, so its peak does not drop; the rule
        still proposes it and the peak measurement discards it. For cheap elements the
        generator is also slower (a frame resume per item): the time check decides.
    Example:
        `total = sum([len(row.split(",")) for row in rows])`
    Use instead:
        `total = sum(len(row.split(",")) for row in rows)`
    When it is unsafe:
        Elements are computed interleaved with the reduction: `any`/`all` now stop at the
        first deciding element, so side effects of later elements (calls that append, log,
        count) no longer happen, and which exception shows first can change. Replay compares
        argument mutation and exceptions, so such cases are discarded. `async`
        comprehensions and ones with `yield`, `await` or `:=` are left alone, as are
        reducers the function rebinds.
    """

    code = "MEM201"
    name = "list-comprehension-into-reducer"
    domain = Domain.MEMORY
    summary = 'sum/min/max/any/all/"".join([... for ...]) -> (... for ...)'
    spellings = (
        "`sum([...])`",
        "`max([...], default=...)`",
        '`\\"sep\\".join([...])`',
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
        if not _is_reducer_call(updated_node, self.shadowed):
            return updated_node
        listcomp = updated_node.args[0].value
        if not generator_ready(listcomp):
            return updated_node
        if len(updated_node.args) == 1:
            return sole_argument_to_generator(updated_node, listcomp)
        return first_argument_to_generator(updated_node, listcomp)


def _is_reducer_call(call: cst.Call, shadowed: set[str]) -> bool:
    if m.matches(call, _JOIN):
        return True
    func = call.func
    if not isinstance(func, cst.Name) or func.value not in _REDUCERS or func.value in shadowed:
        return False
    args = call.args
    if not args or args[0].keyword is not None or any(a.star for a in args):
        return False
    positional = [a for a in args if a.keyword is None]
    keywords = {a.keyword.value for a in args if a.keyword is not None}
    return (
        len(positional) <= _MAX_POSITIONAL.get(func.value, 1) and keywords <= _REDUCERS[func.value]
    )
