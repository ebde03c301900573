"""CPU126: `d[k] if k in d else D`: two hash lookups where `d.get(k, D)` does one."""

from __future__ import annotations

from typing import TypeVar

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import FunctionRewriter, code_for, rewrite_function

_Small = TypeVar("_Small", bound=cst.BaseSmallStatement)

# What `k`, `d` and the default may be: evaluating them twice or once is the same.
_SIMPLE = (
    m.Name()
    | m.Attribute(value=m.Name(), attr=m.Name())
    | m.SimpleString()
    | m.Integer()
    | m.Float()
)
_DEFAULT = _SIMPLE | m.List(elements=[]) | m.Dict(elements=[]) | m.Tuple(elements=[])


class KeyCheckThenIndex(Rule):
    """A membership test followed by indexing with the same key: `get` with a default, unrolled.

    What it does:
        Finds the same lookup written four ways and writes `d.get(k, D)`:
        `d[k] if k in d else D`; `if k in d: v = d[k] else: v = D` (or the `not in` order);
        `if k in d: return d[k]` followed by `return D` (the early-exit form). `k`, `d` and
        `D` must be names, attributes of names, or literals (`D` may be an empty literal).
    Why is this bad?
        `k in d` hashes `k` and probes the table, then `d[k]` does it again; `d.get(k, D)` does
        it once. Typically 15-30 % faster for a hit, the same for a miss.
    Example:
        `colour = palette[name] if name in palette else DEFAULT`
    Use instead:
        `colour = palette.get(name, DEFAULT)`
    When it is unsafe:
        Only for a `dict` (or a subclass that does not override `get`/`__contains__`): on a
        list `k in xs` tests values, not indexes, and a mapping with `__missing__` answers
        `d[k]` differently from `get` only for absent keys, which this form never indexes.
        Replay rejects the candidate when `d` is not such a mapping.
    """

    code = "CPU126"
    name = "key-check-then-index"
    domain = Domain.CPU
    summary = "d[k] if k in d else D -> d.get(k, D)"
    spellings = (
        "conditional expression `d[k] if k in d else D`",
        "`if k in d: v = d[k]` / `else: v = D` (and the `not in` order)",
        "early exit: `if k in d: return d[k]` then `return D`",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        return rewrite_function(func, ctx, _Rewriter)


def _test(node: cst.BaseExpression) -> tuple[cst.BaseExpression, cst.BaseExpression, bool] | None:
    """(key, mapping, positive) of `k in d` / `k not in d`."""
    if not isinstance(node, cst.Comparison) or len(node.comparisons) != 1:
        return None
    target = node.comparisons[0]
    if not isinstance(target.operator, cst.In | cst.NotIn):
        return None
    key, mapping = node.left, target.comparator
    if not m.matches(key, _SIMPLE) or not m.matches(mapping, _SIMPLE):
        return None
    return key, mapping, isinstance(target.operator, cst.In)


def _indexes(
    node: cst.BaseExpression, key: cst.BaseExpression, mapping: cst.BaseExpression
) -> bool:
    """Is `node` exactly `mapping[key]`?"""
    if not isinstance(node, cst.Subscript) or len(node.slice) != 1:
        return False
    index = node.slice[0].slice
    return (
        isinstance(index, cst.Index)
        and node.value.deep_equals(mapping)
        and index.value.deep_equals(key)
    )


def _get(
    key: cst.BaseExpression, mapping: cst.BaseExpression, default: cst.BaseExpression
) -> cst.BaseExpression:
    return cst.parse_expression(f"{code_for(mapping)}.get({code_for(key)}, {code_for(default)})")


def _lone(block: cst.BaseSuite, kind: type[_Small]) -> _Small | None:
    """The single small statement of a block, if it is a `kind`."""
    body = block.body if isinstance(block, cst.IndentedBlock) else [block]
    if len(body) != 1:
        return None
    line = body[0]
    if isinstance(block, cst.SimpleStatementSuite):
        small = block.body
    elif isinstance(line, cst.SimpleStatementLine):
        small = line.body
    else:
        return None
    return small[0] if len(small) == 1 and isinstance(small[0], kind) else None


def _assigned(stmt: cst.BaseSmallStatement | None) -> tuple[str, cst.BaseExpression] | None:
    if not isinstance(stmt, cst.Assign) or len(stmt.targets) != 1:
        return None
    target = stmt.targets[0].target
    return (target.value, stmt.value) if isinstance(target, cst.Name) else None


class _Rewriter(FunctionRewriter):
    def leave_IfExp(self, original_node: cst.IfExp, updated_node: cst.IfExp) -> cst.BaseExpression:
        found = _test(updated_node.test)
        if found is None:
            return updated_node
        key, mapping, positive = found
        hit, miss = (
            (updated_node.body, updated_node.orelse)
            if positive
            else (updated_node.orelse, updated_node.body)
        )
        if not _indexes(hit, key, mapping) or not m.matches(miss, _DEFAULT):
            return updated_node
        self.changed = True
        return _get(key, mapping, miss).with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)

    def leave_If(
        self, original_node: cst.If, updated_node: cst.If
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        found = _test(updated_node.test)
        orelse = updated_node.orelse
        if found is None or not isinstance(orelse, cst.Else):
            return updated_node
        key, mapping, positive = found
        first = _assigned(_lone(updated_node.body, cst.Assign))
        second = _assigned(_lone(orelse.body, cst.Assign))
        if first is None or second is None or first[0] != second[0]:
            return updated_node
        hit, miss = (first[1], second[1]) if positive else (second[1], first[1])
        if not _indexes(hit, key, mapping) or not m.matches(miss, _DEFAULT):
            return updated_node
        self.changed = True
        line = cst.parse_statement(f"{first[0]} = {code_for(_get(key, mapping, miss))}\n")
        return line.with_changes(leading_lines=updated_node.leading_lines)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body = list(updated_node.body)
        for i in range(len(body) - 1):
            stmt, after = body[i], body[i + 1]
            if not isinstance(stmt, cst.If) or stmt.orelse is not None:
                continue
            found = _test(stmt.test)
            hit = _lone(stmt.body, cst.Return)
            miss = (
                after.body[0]
                if isinstance(after, cst.SimpleStatementLine) and len(after.body) == 1
                else None
            )
            if found is None or not found[2] or hit is None or not isinstance(miss, cst.Return):
                continue
            key, mapping, _ = found
            if hit.value is None or not _indexes(hit.value, key, mapping):
                continue
            if miss.value is None or not m.matches(miss.value, _DEFAULT):
                continue
            self.changed = True
            line = cst.parse_statement(f"return {code_for(_get(key, mapping, miss.value))}\n")
            body[i] = line.with_changes(leading_lines=stmt.leading_lines)
            body[i + 1] = cst.SimpleStatementLine(body=[cst.Pass()])
            body = [b for b in body if not m.matches(b, m.SimpleStatementLine(body=[m.Pass()]))]
            return updated_node.with_changes(body=body)
        return updated_node
