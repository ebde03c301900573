"""CPU102: order-preserving dedupe written as `if x not in out: out.append(x)`."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import libcst as cst
import libcst.matchers as m
from libcst.metadata import MetadataWrapper, ParentNodeProvider, ScopeProvider

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext

_Edit = Callable[[cst.BaseStatement], list[cst.BaseStatement]]


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

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        wrapper = MetadataWrapper(cst.Module(body=[func]), unsafe_skip_copy=True)
        facts = _Facts(
            func,
            wrapper.resolve(ParentNodeProvider),
            wrapper.resolve(ScopeProvider)[func.body].assignments,
        )
        if "list" in facts.locals or "dict" in facts.locals:
            return None
        edits: dict[cst.CSTNode, dict[int, _Edit]] = {}
        for block in m.findall(func, m.IndentedBlock()):
            assert isinstance(block, cst.IndentedBlock)
            block_edits = _block_edits(block, facts)
            if block_edits:
                edits[block] = block_edits
        if not edits:
            return None
        new = func.visit(_BlockEditor(edits))
        return new if isinstance(new, cst.FunctionDef) else None


class _Facts:
    def __init__(
        self,
        func: cst.FunctionDef,
        parents: Mapping[cst.CSTNode, cst.CSTNode],
        locals_: cst.metadata.Assignments,
    ) -> None:
        self.func = func
        self.parents = parents
        self.locals = locals_


def _block_edits(block: cst.IndentedBlock, facts: _Facts) -> dict[int, _Edit]:
    edits: dict[int, _Edit] = {}
    body = block.body
    for i, stmt in enumerate(body):
        out = _empty_list_init(stmt)
        if out is None or out not in facts.locals or i in edits:
            continue
        j = next((j for j in range(i + 1, len(body)) if _refs(body[j], out, facts.parents)), None)
        if j is None or j in edits:
            continue
        iterable = _dedupe_loop(body[j], out, facts)
        if iterable is None:
            continue
        init = stmt
        assert isinstance(init, cst.SimpleStatementLine)
        edits[i] = lambda _stmt: []
        edits[j] = lambda loop, init=init, iterable=iterable: [_fromkeys_line(init, loop, iterable)]
    return edits


def _empty_list_init(stmt: cst.BaseStatement) -> str | None:
    """`out` for a line that is exactly `out = []` or `out: T = []`."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    small = stmt.body[0]
    if m.matches(small, m.Assign(targets=[m.AssignTarget(m.Name())], value=m.List(elements=[]))):
        assert isinstance(small, cst.Assign) and isinstance(small.targets[0].target, cst.Name)
        return small.targets[0].target.value
    if m.matches(small, m.AnnAssign(target=m.Name(), value=m.List(elements=[]))):
        assert isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name)
        return small.target.value
    return None


def _dedupe_loop(stmt: cst.BaseStatement, out: str, facts: _Facts) -> cst.BaseExpression | None:
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
    if len(_refs(stmt, out, facts.parents)) != 2 or _inside(stmt, cst.Try, facts):
        return None
    if not _confined_loop_variable(x, stmt, facts):
        return None
    return stmt.iter


def _confined_loop_variable(x: str, loop: cst.For, facts: _Facts) -> bool:
    """`x` is bound only by this loop and read only inside it."""
    bindings = list(facts.locals[x])
    if len(bindings) != 1 or bindings[0].node is not loop.target:
        return False
    return all(_is_within(ref.node, loop, facts) for ref in bindings[0].references)


def _is_within(node: cst.CSTNode, ancestor: cst.CSTNode, facts: _Facts) -> bool:
    current: cst.CSTNode | None = node
    while current is not None:
        if current is ancestor:
            return True
        current = facts.parents.get(current)
    return False


def _inside(node: cst.CSTNode, kind: type, facts: _Facts) -> bool:
    current = facts.parents.get(node)
    while current is not None and current is not facts.func:
        if isinstance(current, kind):
            return True
        current = facts.parents.get(current)
    return False


def _refs(
    root: cst.CSTNode, name: str, parents: Mapping[cst.CSTNode, cst.CSTNode]
) -> list[cst.Name]:
    """Uses of the variable `name` under `root` (attribute names and keywords excluded)."""
    found = []
    for node in m.findall(root, m.Name(name)):
        parent = parents.get(node)
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            continue
        if isinstance(parent, cst.Arg) and parent.keyword is node:
            continue
        assert isinstance(node, cst.Name)
        found.append(node)
    return found


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
        leading_lines=[*loop.leading_lines, *init.leading_lines],
    )


class _BlockEditor(cst.CSTTransformer):
    def __init__(self, edits: dict[cst.CSTNode, dict[int, _Edit]]) -> None:
        super().__init__()
        self.edits = edits

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        edits = self.edits.get(original_node)
        if not edits:
            return updated_node
        body: list[cst.BaseStatement] = []
        for i, stmt in enumerate(updated_node.body):
            body.extend(edits[i](stmt) if i in edits else [stmt])
        return updated_node.with_changes(body=body)
