"""CPU116: looking up `xs.append` on every iteration of a hot loop."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ExpressionContext

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import (
    NESTED_SCOPES,
    FunctionFacts,
    SkipNestedScopes,
    declared_names,
    is_within,
)


class MethodLookupInHotLoop(Rule):
    """Re-resolving the same bound method on every pass of a loop.

    What it does:
        Finds a `for` loop (not itself inside another loop) whose body calls `NAME.append(...)`,
        where NAME is a parameter or local of the function that the loop never rebinds, and
        binds `_append = NAME.append` once right before the loop.
    Why is this bad?
        Each `NAME.append(...)` does an attribute lookup and creates a bound-method object
        before the call; hoisting it leaves a plain local load in the loop. A small, constant
        win that only shows in tight loops, so measurement decides whether it is worth it.
    Example:
        `for x in xs: out.append(x * 2)`
    Use instead:
        `_append = out.append` then `for x in xs: _append(x * 2)`
    When it is unsafe:
        `NAME.append` is now looked up once, before the loop, even when the loop body never
        runs (an object without `append`, e.g. `None`, now raises), and an object whose
        `append` attribute changes during the loop keeps using the old one. NAME declared
        `global`/`nonlocal` anywhere in the function, or rebound inside the loop, is left alone.
    """

    code = "CPU116"
    name = "method-lookup-in-hot-loop"
    domain = Domain.CPU
    summary = "out.append(...) in a loop -> _append = out.append before the loop"
    spellings = (
        "`out.append(...)` in a `for` body",
        "`out.append(...)` under `if` inside the loop, `out` a parameter",
        "several `out.append` calls in one loop, nested inner loop",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        new = func.visit(_Rewriter(_Facts(func), ctx))
        return new if isinstance(new, cst.FunctionDef) else None


class _Facts(FunctionFacts):
    def __init__(self, func: cst.FunctionDef) -> None:
        super().__init__(func)
        self.declared = declared_names(func)

    def at_top_level(self, node: cst.CSTNode) -> bool:
        """Is `node` outside every loop and nested scope of the function?"""
        parent = self.parents.get(node)
        while parent is not None and parent is not self.func:
            if isinstance(parent, (cst.For, cst.While, *NESTED_SCOPES)):
                return False
            parent = self.parents.get(parent)
        return True

    def hoistable_receivers(self, loop: cst.For) -> list[str]:
        """Names whose `.append` the loop body calls and can be bound once before the loop."""
        receivers: list[str] = []
        for call in _append_calls(loop.body):
            receiver = call.func.value.value  # type: ignore[attr-defined]
            if receiver not in receivers and self._stable(receiver, loop):
                receivers.append(receiver)
        return receivers

    def _stable(self, name: str, loop: cst.For) -> bool:
        if name in self.declared:
            return False
        bound_before = False
        for ref in m.findall(self.func, m.Name(name)):
            assert isinstance(ref, cst.Name)
            if self.contexts.get(ref) not in (ExpressionContext.STORE, ExpressionContext.DEL):
                continue
            if is_within(ref, loop, self.parents):
                return False
            bound_before = True
        return bound_before


class _AppendCalls(SkipNestedScopes, cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        if m.matches(node.func, m.Attribute(value=m.Name(), attr=m.Name("append"))):
            self.calls.append(node)


def _append_calls(node: cst.CSTNode) -> list[cst.Call]:
    visitor = _AppendCalls()
    node.visit(visitor)
    return visitor.calls


class _UseBound(SkipNestedScopes, cst.CSTTransformer):
    """`NAME.append(...)` -> `_append(...)` outside nested scopes."""

    def __init__(self, bound: dict[str, str]) -> None:
        super().__init__()
        self.bound = bound

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        func = updated_node.func
        if m.matches(func, m.Attribute(value=m.Name(), attr=m.Name("append"))):
            local = self.bound.get(func.value.value)  # type: ignore[attr-defined]
            if local is not None:
                return updated_node.with_changes(func=cst.Name(local))
        return updated_node


class _Rewriter(cst.CSTTransformer):
    def __init__(self, facts: _Facts, ctx: RuleContext) -> None:
        super().__init__()
        self.facts = facts
        self.ctx = ctx

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if not self.facts.at_top_level(original_node):
            return updated_node
        body: list[cst.BaseStatement] = []
        for original, updated in zip(original_node.body, updated_node.body, strict=True):
            receivers = (
                self.facts.hoistable_receivers(original) if isinstance(original, cst.For) else []
            )
            if not receivers:
                body.append(updated)
                continue
            assert isinstance(updated, cst.For)
            bound = {r: self.ctx.fresh_local(self.facts.func, "append") for r in receivers}
            bindings = [
                cst.parse_statement(f"{local} = {r}.append\n") for r, local in bound.items()
            ]
            bindings[0] = bindings[0].with_changes(leading_lines=updated.leading_lines)
            loop_body = updated.body.visit(_UseBound(bound))
            body += [*bindings, updated.with_changes(leading_lines=[], body=loop_body)]
        return updated_node.with_changes(body=body)
