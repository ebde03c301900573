"""CPU105: building a string with `s += piece` inside a `for` loop."""

from __future__ import annotations

from functools import partial

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import (
    NESTED_SCOPES,
    BlockEditor,
    Edit,
    LocalFacts,
    code_for,
    edits_by_block,
    followed_by,
    inside,
    next_use,
    variable_refs,
)

# Each accumulating statement -> (the parts list's name, the piece it appends).
Appends = dict[cst.BaseSmallStatement, tuple[str, cst.BaseExpression]]


class StringConcatInLoop(Rule):
    """Accumulating a string piece by piece with `+=` in a loop.

    What it does:
        Finds `s = ""` followed, with no use of `s` in between, by a `for` loop (no `else`)
        in which `s` appears only in `s += piece` or `s = s + piece` (the same accumulation),
        and collects the pieces in a list joined once after the loop.
    Why is this bad?
        `str` is immutable: each `s + piece` may copy everything built so far, O(n^2) total.
        CPython often avoids the copy for `s += piece` when `s` has no other reference
        (in-place resize), so the original can already be fast; measurement decides.
    Example:
        `out = ""` / `for row in rows:` / `    out += fmt(row)`
    Use instead:
        `_parts = []` / `for row in rows:` / `    _parts.append(fmt(row))` /
        `out = "".join(_parts)`
    When it is unsafe:
        A non-str piece raises TypeError after the loop rather than in it (later side effects
        of the loop still happen), and a str subclass with `__radd__` is not consulted. The
        rule backs off when the loop sits in a `try` (a partial `s` could be observed) or `s`
        is read anywhere in the loop.
    """

    code = "CPU105"
    name = "string-concat-in-loop"
    domain = Domain.CPU
    summary = 's = ""; for ...: s += x -> parts.append(x); s = "".join(parts)'
    spellings = (
        "augmented `s += piece`",
        "plain `s = s + piece` (normalised to the same accumulation)",
        "several `+=` sites under `if`/`else` in one loop",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        facts = LocalFacts.of(func)
        appends: Appends = {}
        edits = edits_by_block(func, lambda block: _block_edits(block, facts, ctx, appends))
        if not edits:
            return None
        new = func.visit(_Rewriter(edits, appends))
        return new if isinstance(new, cst.FunctionDef) else None


def _block_edits(
    block: cst.IndentedBlock,
    facts: LocalFacts,
    ctx: RuleContext,
    appends: Appends,
) -> dict[int, Edit]:
    edits: dict[int, Edit] = {}
    body = block.body
    for i, stmt in enumerate(body):
        found = _empty_str_init(stmt)
        if found is None or found[0] not in facts.locals or i in edits:
            continue
        s, empty = found
        j = next_use(body, i, s, facts.parents)
        if j is None or j in edits:
            continue
        pieces = _concat_loop(body[j], s, facts)
        if not pieces:
            continue
        parts = ctx.fresh_local(facts.func, "parts")
        appends.update({stmt: (parts, piece) for stmt, piece in pieces.items()})
        init = stmt
        assert isinstance(init, cst.SimpleStatementLine)
        edits[i] = partial(_parts_edit, init, parts)
        edits[j] = followed_by(cst.parse_statement(f"{s} = {empty}.join({parts})\n"))
    return edits


def _empty_str_init(stmt: cst.BaseStatement) -> tuple[str, str] | None:
    """(`s`, the literal) for a line that is exactly `s = ""` (any quotes, not bytes)."""
    pattern = m.SimpleStatementLine([m.Assign([m.AssignTarget(m.Name())], m.SimpleString())])
    if not m.matches(stmt, pattern):
        return None
    assert isinstance(stmt, cst.SimpleStatementLine)
    small = stmt.body[0]
    assert isinstance(small, cst.Assign) and isinstance(small.value, cst.SimpleString)
    assert isinstance(small.targets[0].target, cst.Name)
    if small.value.evaluated_value != "":
        return None
    return small.targets[0].target.value, small.value.value


def _concat_loop(
    stmt: cst.BaseStatement, s: str, facts: LocalFacts
) -> dict[cst.BaseSmallStatement, cst.BaseExpression]:
    """The `s += piece` / `s = s + piece` statements (-> piece) of a loop that uses `s` in no
    other way, or {}. Plain and augmented assignment are the same accumulation."""
    if not isinstance(stmt, cst.For) or stmt.orelse is not None or stmt.asynchronous:
        return {}
    if inside(stmt, cst.Try, facts.func, facts.parents):
        return {}
    pieces: dict[cst.BaseSmallStatement, cst.BaseExpression] = {}
    for ref in variable_refs(stmt, s, facts.parents):
        found = _accumulation(ref, s, facts)
        if found is None:
            return {}
        if inside(found[0], NESTED_SCOPES, stmt, facts.parents):
            return {}
        pieces[found[0]] = found[1]
    return pieces


def _accumulation(
    ref: cst.Name, s: str, facts: LocalFacts
) -> tuple[cst.BaseSmallStatement, cst.BaseExpression] | None:
    """(statement, piece) when `ref` is part of `s += piece` or `s = s + a + b...` (piece
    `a + b...`: string concatenation is associative)."""
    parent = facts.parents.get(ref)
    if isinstance(parent, cst.AugAssign):
        ok = (
            parent.target is ref
            and isinstance(parent.operator, cst.AddAssign)
            and not (isinstance(parent.value, cst.Tuple) and not parent.value.lpar)
        )
        return (parent, parent.value) if ok else None
    if isinstance(parent, cst.AssignTarget):
        assign = facts.parents.get(parent)
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            return None
        left = assign.value
        while isinstance(left, cst.BinaryOperation) and isinstance(left.operator, cst.Add):
            if left.lpar:
                return None
            left = left.left
        ref = left if isinstance(left, cst.Name) else ref
        parent = facts.parents.get(ref)
    current: cst.CSTNode = ref
    operands: list[cst.BaseExpression] = []
    while (
        isinstance(parent, cst.BinaryOperation)
        and isinstance(parent.operator, cst.Add)
        and parent.left is current
        and not parent.lpar
    ):
        operands.append(parent.right)
        current, parent = parent, facts.parents.get(parent)
    if not operands or not isinstance(parent, cst.Assign) or len(parent.targets) != 1:
        return None
    if not m.matches(parent.targets[0].target, m.Name(s)) or not m.matches(ref, m.Name(s)):
        return None
    if any(variable_refs(o, s, facts.parents) for o in operands):
        return None
    piece = cst.parse_expression(" + ".join(code_for(o) for o in operands))
    return parent, piece


def _parts_edit(
    init: cst.SimpleStatementLine, parts: str, _stmt: cst.BaseStatement
) -> list[cst.BaseStatement]:
    return [_parts_init(init, parts)]


def _parts_init(init: cst.SimpleStatementLine, parts: str) -> cst.SimpleStatementLine:
    small = init.body[0]
    assert isinstance(small, cst.Assign)
    new = small.with_changes(
        targets=[cst.AssignTarget(cst.Name(parts))], value=cst.List(elements=[])
    )
    return init.with_changes(body=[new])


class _Rewriter(BlockEditor):
    def __init__(
        self,
        edits: dict[cst.CSTNode, dict[int, Edit]],
        appends: Appends,
    ) -> None:
        super().__init__(edits)
        self.appends = appends

    def _append(
        self, original_node: cst.BaseSmallStatement, updated_node: cst.AugAssign | cst.Assign
    ) -> cst.BaseSmallStatement:
        found = self.appends.get(original_node)
        if found is None:
            return updated_node
        parts, piece = found
        if isinstance(updated_node, cst.AugAssign):
            piece = updated_node.value
        append = cst.Attribute(cst.Name(parts), cst.Name("append"))
        return cst.Expr(cst.Call(append, [cst.Arg(piece)]), semicolon=updated_node.semicolon)

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.BaseSmallStatement:
        return self._append(original_node, updated_node)

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.BaseSmallStatement:
        return self._append(original_node, updated_node)
