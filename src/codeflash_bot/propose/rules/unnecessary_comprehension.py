"""CPU121: `[x for x in xs]`: a comprehension that copies its input element by element."""

from __future__ import annotations

import libcst as cst

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import FunctionRewriter, rewrite_function
from codeflash_bot.propose.rules._meaning import builtin_visible


class UnnecessaryComprehension(Rule):
    """A comprehension whose element is just its loop variable (a copy written as a loop).

    What it does:
        Finds `[x for x in xs]`, `{x for x in xs}` and `{k: v for k, v in pairs}` (one `for`,
        no `if`, the element exactly the target) and calls the constructor instead:
        `list(xs)`, `set(xs)`, `dict(pairs)`, when `list`/`set`/`dict` mean the builtins.
    Why is this bad?
        The comprehension runs bytecode per element (store, load, append); the constructor
        copies in C, using the input's length when it has one. Typically 2-5x faster.
    Example:
        `names = [n for n in self.names]`
    Use instead:
        `names = list(self.names)`
    When it is unsafe:
        `dict(pairs)` raises a different message than the comprehension for an element that is
        not a pair (both raise). Behaviour is otherwise the same: one pass over the input, in
        order, building the same container.
    """

    code = "CPU121"
    name = "unnecessary-comprehension"
    domain = Domain.CPU
    summary = (
        "[x for x in xs] -> list(xs); {x for x in xs} -> set(xs); {k: v for k, v in d} -> dict(d)"
    )
    spellings = (
        "`[x for x in xs]` (list copy)",
        "`{x for x in xs}` (set of an iterable)",
        "`{k: v for k, v in pairs}` (dict of pairs)",
        "`[row for row in reader]` over an iterator, as a call argument",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        return rewrite_function(func, ctx, _Rewriter)


def _single_for(comp: cst.ListComp | cst.SetComp | cst.DictComp) -> cst.CompFor | None:
    for_in = comp.for_in
    if for_in.inner_for_in is not None or for_in.ifs or for_in.asynchronous is not None:
        return None
    return for_in


class _Rewriter(FunctionRewriter):
    def _call(self, builtin: str, for_in: cst.CompFor, node: cst.BaseExpression) -> cst.Call:
        self.changed = True
        return cst.Call(
            func=cst.Name(builtin), args=[cst.Arg(for_in.iter)], lpar=node.lpar, rpar=node.rpar
        )

    def _usable(self, builtin: str, at: cst.CSTNode) -> bool:
        return builtin_visible(builtin, at, self.ctx, self.func)

    def leave_ListComp(
        self, original_node: cst.ListComp, updated_node: cst.ListComp
    ) -> cst.BaseExpression:
        for_in = _single_for(updated_node)
        if for_in is None or not _same_name(updated_node.elt, for_in.target):
            return updated_node
        return (
            self._call("list", for_in, updated_node)
            if self._usable("list", original_node)
            else updated_node
        )

    def leave_SetComp(
        self, original_node: cst.SetComp, updated_node: cst.SetComp
    ) -> cst.BaseExpression:
        for_in = _single_for(updated_node)
        if for_in is None or not _same_name(updated_node.elt, for_in.target):
            return updated_node
        return (
            self._call("set", for_in, updated_node)
            if self._usable("set", original_node)
            else updated_node
        )

    def leave_DictComp(
        self, original_node: cst.DictComp, updated_node: cst.DictComp
    ) -> cst.BaseExpression:
        for_in = _single_for(updated_node)
        target = for_in.target if for_in is not None else None
        if (
            for_in is None
            or not isinstance(target, cst.Tuple)
            or len(target.elements) != 2
            or any(isinstance(e, cst.StarredElement) for e in target.elements)
            or not _same_name(updated_node.key, target.elements[0].value)
            or not _same_name(updated_node.value, target.elements[1].value)
        ):
            return updated_node
        return (
            self._call("dict", for_in, updated_node)
            if self._usable("dict", original_node)
            else updated_node
        )


def _same_name(a: cst.BaseExpression, b: cst.BaseExpression) -> bool:
    return isinstance(a, cst.Name) and isinstance(b, cst.Name) and a.value == b.value
