"""Shared by the ASY rules: which nodes of an `async def` run in the coroutine itself.

Nested functions, lambdas, classes and generator expressions have their own scope: an `await`
cannot be put there, and what they do is not this coroutine's event-loop step.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

_NESTED = (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.GeneratorExp)


class CoroutineScopeTransformer(cst.CSTTransformer):
    """A transformer that knows whether it is in the coroutine's own scope (`in_scope`).

    Visit the coroutine's *body* with it (not the `FunctionDef` itself).
    """

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.changed = False

    @property
    def in_scope(self) -> bool:
        return self.depth == 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, _NESTED):
            self.depth += 1
        return super().on_visit(node)

    def on_leave(
        self, original_node: cst.CSTNodeT, updated_node: cst.CSTNodeT
    ) -> cst.CSTNodeT | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNodeT]:
        result = super().on_leave(original_node, updated_node)
        if isinstance(original_node, _NESTED):
            self.depth -= 1
        return result


def names_in(node: cst.CSTNode) -> set[str]:
    """Every identifier under `node` (attribute names too: over-inclusive, so conservative)."""
    return {n.value for n in m.findall(node, m.Name()) if isinstance(n, cst.Name)}


def has_await_or_yield(node: cst.CSTNode) -> bool:
    return bool(m.findall(node, m.Await() | m.Yield() | m.NamedExpr()))


def parenthesized(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`expr` wrapped in one pair of parentheses (unless it already has some)."""
    if expr.lpar:
        return expr
    return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
