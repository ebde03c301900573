"""CPU127: `out = []` then `for x in xs: out.append(E)`: a list comprehension written as a loop."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import (
    UNSAFE_IN_COMPREHENSION,
    BlockEditor,
    Edit,
    LocalFacts,
    edits_by_block,
    init_then_use,
    inside,
    is_within,
    leading_lines,
    replaced_by,
    variable_refs,
)

_EMPTY_LIST = m.List(elements=[]) | m.Call(func=m.Name("list"), args=[])


class LoopAppendToComprehension(Rule):
    """A list built by appending in a `for` loop that does nothing else.

    What it does:
        Finds `out = []` whose next use is a `for` loop (no `else`, no `break`) whose body is
        only `out.append(E)`, `out += [E]` or `if c: out.append(E)`, with the loop's variables
        used nowhere after it, and writes `out = [E for x in xs if c]`.
    Why is this bad?
        Each iteration looks up `out.append` and calls it; a comprehension appends with one
        opcode in a tight frame. Typically 20-40 % faster for cheap `E`.
    Example:
        `out = []` / `for row in rows:` / `    if row.ok:` / `        out.append(row.id)`
    Use instead:
        `out = [row.id for row in rows if row.ok]`
    When it is unsafe:
        The loop variable no longer exists after the statement (the rule requires it is not
        read there), and a partly built list can no longer be seen if `E` raises (the rule
        backs off inside `try`). `out` must be a plain local the loop reads only to append.
    """

    code = "CPU127"
    name = "loop-append-to-comprehension"
    domain = Domain.CPU
    summary = "out = []; for x in xs: out.append(E) -> out = [E for x in xs]"
    spellings = (
        "`out.append(E)` as the whole body",
        "`if c: out.append(E)` (a filter)",
        "augmented form `out += [E]`, tuple loop target `for k, v in pairs`",
        "`out = list()` as the empty start",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        facts = LocalFacts.of(func)
        edits = edits_by_block(func, lambda block: _block_edits(block, facts))
        if not edits:
            return None
        new = func.visit(BlockEditor(edits))
        return new if isinstance(new, cst.FunctionDef) else None


def _init_name(stmt: cst.BaseStatement) -> str | None:
    if not m.matches(
        stmt, m.SimpleStatementLine(body=[m.Assign(targets=[m.AssignTarget(m.Name())])])
    ):
        return None
    assign = stmt.body[0]  # type: ignore[attr-defined]
    if not m.matches(assign.value, _EMPTY_LIST):
        return None
    return assign.targets[0].target.value


def _block_edits(block: cst.IndentedBlock, facts: LocalFacts) -> dict[int, Edit]:
    edits: dict[int, Edit] = {}
    for i, j, out in init_then_use(block, edits, facts, _init_name):
        loop = block.body[j]
        if not isinstance(loop, cst.For) or inside(loop, cst.Try, facts.func, facts.parents):
            continue
        parts = _append_loop(loop, out, facts)
        if parts is None:
            continue
        element, condition = parts
        init = block.body[i]
        comp_if = [cst.CompIf(test=condition)] if condition is not None else []
        comp = cst.ListComp(
            elt=element, for_in=cst.CompFor(target=loop.target, iter=loop.iter, ifs=comp_if)
        )
        line = cst.SimpleStatementLine(
            body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(out))], value=comp)],
            leading_lines=leading_lines(init),
        )
        edits[i] = lambda _stmt: []
        edits[j] = replaced_by(line)
    return edits


def _append_loop(
    loop: cst.For, out: str, facts: LocalFacts
) -> tuple[cst.BaseExpression, cst.BaseExpression | None] | None:
    """(E, c) when the loop only appends E to `out` (under `if c`), else None."""
    if loop.asynchronous is not None or loop.orelse is not None:
        return None
    condition: cst.BaseExpression | None = None
    stmt = _only(loop.body)
    if isinstance(stmt, cst.If) and stmt.orelse is None:
        condition = stmt.test
        stmt = _only(stmt.body)
    element = _appended(stmt, out)
    if element is None:
        return None
    parts = [element, loop.iter] + ([condition] if condition is not None else [])
    if any(variable_refs(p, out, facts.parents) for p in parts):
        return None
    if any(m.findall(p, UNSAFE_IN_COMPREHENSION) for p in [element, *parts[2:]]):
        return None
    if not _targets_confined(loop, facts):
        return None
    return element, condition


def _only(suite: cst.BaseSuite) -> cst.CSTNode | None:
    if isinstance(suite, cst.IndentedBlock):
        if len(suite.body) != 1:
            return None
        stmt = suite.body[0]
        if isinstance(stmt, cst.SimpleStatementLine):
            return stmt.body[0] if len(stmt.body) == 1 else None
        return stmt
    return suite.body[0] if len(suite.body) == 1 else None


def _appended(stmt: cst.CSTNode | None, out: str) -> cst.BaseExpression | None:
    append = m.Call(func=m.Attribute(value=m.Name(out), attr=m.Name("append")), args=[m.Arg()])
    if (
        isinstance(stmt, cst.Expr)
        and isinstance(stmt.value, cst.Call)
        and m.matches(stmt, m.Expr(append))
    ):
        arg = stmt.value.args[0]
        return arg.value if arg.keyword is None and not arg.star else None
    extend = m.AugAssign(
        target=m.Name(out), operator=m.AddAssign(), value=m.List(elements=[m.Element()])
    )
    if (
        isinstance(stmt, cst.AugAssign)
        and isinstance(stmt.value, cst.List)
        and m.matches(stmt, extend)
    ):
        element = stmt.value.elements[0]
        return element.value
    return None


def _targets_confined(loop: cst.For, facts: LocalFacts) -> bool:
    """Every name the loop binds is bound only there and read only inside the loop."""
    names = [n for n in m.findall(loop.target, m.Name()) if isinstance(n, cst.Name)]
    if not names or not m.matches(loop.target, m.Name() | m.Tuple()):
        return False
    for name in names:
        bindings = list(facts.locals[name.value]) if name.value in facts.locals else []
        if len(bindings) != 1:
            return False
        if not all(is_within(ref.node, loop, facts.parents) for ref in bindings[0].references):
            return False
    return True
