"""CPU102: order-preserving dedupe written as `if x not in out: out.append(x)`."""

from __future__ import annotations

from functools import partial

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import (
    BlockEditor,
    Edit,
    LocalFacts,
    confined_loop_variable,
    edits_by_block,
    init_then_use,
    inside,
    leading_lines,
    variable_refs,
)


class DedupeViaListMembership(Rule):
    """Removing duplicates by scanning the output list for every element.

    What it does:
        Finds `out = []` followed (with no use of `out` in between) by
        `for x in xs: if x not in out: out.append(x)` as the whole loop body, no `else`.
    Why is this bad?
        `x not in out` scans the output list, so the loop is O(n*k) for k distinct items.
        `dict.fromkeys` dedupes by hash in O(n) and keeps first-seen order.
    Example:
        `out = []` / `for x in xs:` / `    if x not in out:` / `        out.append(x)`
    Use instead:
        `out = list(dict.fromkeys(xs))`
    When it is unsafe:
        Unhashable elements raise TypeError, and elements whose `__hash__` disagrees with
        `__eq__` dedupe differently. The rule backs off when the loop variable is used outside
        the loop (it would no longer be bound), when the loop sits in a `try` (a partial
        `out` could be observed), or when the loop holds comments (they would be lost).
    """

    code = "CPU102"
    name = "dedupe-via-list-membership"
    domain = Domain.CPU
    summary = "if x not in out: out.append(x) -> out = list(dict.fromkeys(xs))"
    spellings = (
        "`if x not in out: out.append(x)`",
        "`out = list()` start, loop over a call's result",
        "dedupe of a comprehension's output, loop target used only in the loop",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        facts = LocalFacts.of(func)
        if "list" in facts.locals or "dict" in facts.locals:
            return None
        edits = edits_by_block(func, lambda block: _block_edits(block, facts))
        if not edits:
            return None
        new = func.visit(BlockEditor(edits))
        return new if isinstance(new, cst.FunctionDef) else None


def _block_edits(block: cst.IndentedBlock, facts: LocalFacts) -> dict[int, Edit]:
    edits: dict[int, Edit] = {}
    body = block.body
    for i, j, out in init_then_use(block, edits, facts, _empty_list_init):
        iterable = _dedupe_loop(body[j], out, facts)
        if iterable is None:
            continue
        init = body[i]
        assert isinstance(init, cst.SimpleStatementLine)
        edits[i] = lambda _stmt: []
        edits[j] = partial(_fromkeys_edit, init, iterable)
    return edits


_EMPTY = m.List(elements=[]) | m.Call(func=m.Name("list"), args=[])


def _empty_list_init(stmt: cst.BaseStatement) -> str | None:
    """`out` for a line that is exactly `out = []`, `out = list()` or `out: T = []`."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    small = stmt.body[0]
    if m.matches(small, m.Assign(targets=[m.AssignTarget(m.Name())], value=_EMPTY)):
        assert isinstance(small, cst.Assign) and isinstance(small.targets[0].target, cst.Name)
        return small.targets[0].target.value
    if m.matches(small, m.AnnAssign(target=m.Name(), value=_EMPTY)):
        assert isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name)
        return small.target.value
    return None


def _dedupe_loop(stmt: cst.BaseStatement, out: str, facts: LocalFacts) -> cst.BaseExpression | None:
    """The iterable of `for x in ITER: if x not in out: out.append(x)`, or None."""
    if not isinstance(stmt, cst.For) or stmt.orelse is not None or stmt.asynchronous:
        return None
    if not isinstance(stmt.target, cst.Name) or not isinstance(stmt.body, cst.IndentedBlock):
        return None
    x = stmt.target.value
    if len(stmt.body.body) != 1 or m.findall(stmt, m.Comment()):
        return None
    test = stmt.body.body[0]
    if not m.matches(
        test,
        m.If(
            test=m.Comparison(
                left=m.Name(x), comparisons=[m.ComparisonTarget(m.NotIn(), m.Name(out))]
            ),
            orelse=None,
        ),
    ):
        return None
    assert isinstance(test, cst.If)
    append = m.Expr(
        m.Call(
            func=m.Attribute(m.Name(out), m.Name("append")), args=[m.Arg(m.Name(x), keyword=None)]
        )
    )
    if not m.matches(test.body, m.IndentedBlock([m.SimpleStatementLine([append])])) and not (
        m.matches(test.body, m.SimpleStatementSuite([append]))
    ):
        return None
    if len(variable_refs(stmt, out, facts.parents)) != 2 or inside(
        stmt, cst.Try, facts.func, facts.parents
    ):
        return None
    if not confined_loop_variable(x, stmt, facts):
        return None
    return stmt.iter


def _fromkeys_edit(
    init: cst.SimpleStatementLine, iterable: cst.BaseExpression, loop: cst.BaseStatement
) -> list[cst.BaseStatement]:
    return [_fromkeys_line(init, loop, iterable)]


def _fromkeys_line(
    init: cst.SimpleStatementLine, loop: cst.BaseStatement, iterable: cst.BaseExpression
) -> cst.SimpleStatementLine:
    if isinstance(iterable, cst.Tuple) and not iterable.lpar:
        iterable = iterable.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    fromkeys = cst.Call(cst.Attribute(cst.Name("dict"), cst.Name("fromkeys")), [cst.Arg(iterable)])
    value = cst.Call(cst.Name("list"), [cst.Arg(fromkeys)])
    small = init.body[0]
    assert isinstance(small, cst.Assign | cst.AnnAssign)
    return init.with_changes(
        body=[small.with_changes(value=value)],
        leading_lines=[*leading_lines(loop), *init.leading_lines],
    )
