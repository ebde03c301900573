"""CPU105: building a string with `s += piece` inside a `for` loop."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import libcst as cst
import libcst.matchers as m
from libcst.metadata import MetadataWrapper, ParentNodeProvider, ScopeProvider

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext

_Edit = Callable[[cst.BaseStatement], list[cst.BaseStatement]]
_NESTED_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


class StringConcatInLoop(Rule):
    """Accumulating a string piece by piece with `+=` in a loop.

    What it does:
        Finds `s = ""` followed, with no use of `s` in between, by a `for` loop (no `else`)
        in which `s` appears only as the target of `s += piece`, and collects the pieces in
        a list joined once after the loop.
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

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        wrapper = MetadataWrapper(cst.Module(body=[func]), unsafe_skip_copy=True)
        facts = _Facts(
            func,
            wrapper.resolve(ParentNodeProvider),
            wrapper.resolve(ScopeProvider)[func.body].assignments,
        )
        edits: dict[cst.CSTNode, dict[int, _Edit]] = {}
        appends: dict[cst.AugAssign, str] = {}
        for block in m.findall(func, m.IndentedBlock()):
            assert isinstance(block, cst.IndentedBlock)
            block_edits = _block_edits(block, facts, ctx, appends)
            if block_edits:
                edits[block] = block_edits
        if not edits:
            return None
        new = func.visit(_Rewriter(edits, appends))
        return new if isinstance(new, cst.FunctionDef) else None


def _block_edits(
    block: cst.IndentedBlock, facts: _Facts, ctx: RuleContext, appends: dict[cst.AugAssign, str]
) -> dict[int, _Edit]:
    edits: dict[int, _Edit] = {}
    body = block.body
    for i, stmt in enumerate(body):
        found = _empty_str_init(stmt)
        if found is None or found[0] not in facts.locals or i in edits:
            continue
        s, empty = found
        j = next((j for j in range(i + 1, len(body)) if _refs(body[j], s, facts.parents)), None)
        if j is None or j in edits:
            continue
        pieces = _concat_loop(body[j], s, facts)
        if not pieces:
            continue
        parts = ctx.fresh_local(facts.func, "parts")
        appends.update(dict.fromkeys(pieces, parts))
        init = stmt
        assert isinstance(init, cst.SimpleStatementLine)
        edits[i] = lambda _stmt, init=init, parts=parts: [_parts_init(init, parts)]
        join = cst.parse_statement(f"{s} = {empty}.join({parts})\n")
        edits[j] = lambda loop, join=join: [loop, join]
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


def _concat_loop(stmt: cst.BaseStatement, s: str, facts: _Facts) -> list[cst.AugAssign]:
    """The `s += piece` statements of a loop that uses `s` in no other way, or []."""
    if not isinstance(stmt, cst.For) or stmt.orelse is not None or stmt.asynchronous:
        return []
    if _inside(stmt, cst.Try, facts):
        return []
    pieces = []
    for ref in _refs(stmt, s, facts.parents):
        aug = facts.parents.get(ref)
        if not (
            isinstance(aug, cst.AugAssign)
            and aug.target is ref
            and isinstance(aug.operator, cst.AddAssign)
            and not (isinstance(aug.value, cst.Tuple) and not aug.value.lpar)
            and not _inside_before(aug, _NESTED_SCOPES, stmt, facts)
        ):
            return []
        pieces.append(aug)
    return pieces


def _inside_before(
    node: cst.CSTNode, kinds: tuple[type, ...], stop: cst.CSTNode, facts: _Facts
) -> bool:
    current = facts.parents.get(node)
    while current is not None and current is not stop:
        if isinstance(current, kinds):
            return True
        current = facts.parents.get(current)
    return False


def _parts_init(init: cst.SimpleStatementLine, parts: str) -> cst.SimpleStatementLine:
    small = init.body[0]
    assert isinstance(small, cst.Assign)
    new = small.with_changes(
        targets=[cst.AssignTarget(cst.Name(parts))], value=cst.List(elements=[])
    )
    return init.with_changes(body=[new])


class _Rewriter(cst.CSTTransformer):
    def __init__(
        self, edits: dict[cst.CSTNode, dict[int, _Edit]], appends: dict[cst.AugAssign, str]
    ) -> None:
        super().__init__()
        self.edits = edits
        self.appends = appends

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.BaseSmallStatement:
        parts = self.appends.get(original_node)
        if parts is None:
            return updated_node
        append = cst.Attribute(cst.Name(parts), cst.Name("append"))
        return cst.Expr(
            cst.Call(append, [cst.Arg(updated_node.value)]), semicolon=updated_node.semicolon
        )

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
