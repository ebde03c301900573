"""CPU124: `isinstance(x, A) or isinstance(x, B)`: one call with a tuple of types does both."""

from __future__ import annotations

import libcst as cst

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import (
    FunctionRewriter,
    bool_operands,
    code_for,
    rewrite_function,
)
from codeflash_bot.propose.rules._meaning import builtin_name


class RepeatedIsinstance(Rule):
    """Several `isinstance` calls on the same name joined by `or` (or negated, by `and`).

    What it does:
        Finds `isinstance(x, A) or isinstance(x, B) [or ...]` with `x` a plain name, and
        `not isinstance(x, A) and not isinstance(x, B)`, and merges them into one call with a
        tuple of the types: `isinstance(x, (A, B))` (tuples already given are flattened).
    Why is this bad?
        Each `isinstance` is a global lookup plus a call; checking a tuple happens inside one C
        call. In type-dispatch code run per element this is measurable (typically 20-40 %).
    Example:
        `if isinstance(v, int) or isinstance(v, float):`
    Use instead:
        `if isinstance(v, (int, float)):`
    When it is unsafe:
        `or` stopped at the first match, so a later type expression was not evaluated when an
        earlier one matched; the types are names or attributes (no calls), so evaluating them
        all has no side effect. A non-type in a later position now raises `TypeError` even when
        an earlier type matched; replay sees that.
    """

    code = "CPU124"
    name = "repeated-isinstance"
    domain = Domain.CPU
    summary = "isinstance(x, A) or isinstance(x, B) -> isinstance(x, (A, B))"
    spellings = (
        "`isinstance(x, A) or isinstance(x, B)`",
        "three or more calls, some with a tuple: `isinstance(x, (A, B)) or isinstance(x, C)`",
        "negated: `not isinstance(x, A) and not isinstance(x, B)`",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        return rewrite_function(func, ctx, _Rewriter)


def _types_of(node: cst.BaseExpression) -> list[cst.BaseExpression] | None:
    """The type expressions of a tuple or a single name/attribute, or None (anything else)."""
    if isinstance(node, cst.Tuple):
        out: list[cst.BaseExpression] = []
        for element in node.elements:
            if isinstance(element, cst.StarredElement):
                return None
            inner = _types_of(element.value)
            if inner is None:
                return None
            out += inner
        return out
    if isinstance(node, cst.Name | cst.Attribute) and not node.lpar:
        return [node]
    return None


class _Rewriter(FunctionRewriter):
    def _check(self, node: cst.BaseExpression, negated: bool) -> tuple[str, list] | None:
        """(subject, types) of `isinstance(name, types)` (under `not` when `negated`)."""
        if negated:
            if not isinstance(node, cst.UnaryOperation) or not isinstance(node.operator, cst.Not):
                return None
            node = node.expression
        if not isinstance(node, cst.Call) or node.lpar:
            return None
        if builtin_name(node.func, self.ctx, self.func) != "isinstance" or len(node.args) != 2:
            return None
        subject, types = node.args[0].value, node.args[1].value
        if any(a.keyword or a.star for a in node.args) or not isinstance(subject, cst.Name):
            return None
        found = _types_of(types)
        return (subject.value, found) if found else None

    def leave_BooleanOperation(
        self, original_node: cst.BooleanOperation, updated_node: cst.BooleanOperation
    ) -> cst.BaseExpression:
        negated = isinstance(original_node.operator, cst.And)
        op = cst.And if negated else cst.Or
        operands = bool_operands(original_node, op)
        checks = [self._check(o, negated) for o in operands]
        if len(operands) < 2 or any(c is None for c in checks):
            return updated_node
        subjects = {c[0] for c in checks if c is not None}
        if len(subjects) != 1:
            return updated_node
        types = [t for c in checks if c is not None for t in c[1]]
        self.changed = True
        joined = ", ".join(code_for(t) for t in types)
        call = f"isinstance({subjects.pop()}, ({joined}))"
        new = cst.parse_expression(f"not {call}" if negated else call)
        return new.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
