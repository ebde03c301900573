"""MEM202: `xs = [... for ...]` whose only use is one later `for ... in xs:` loop."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.analysis import function_metadata
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import generator_ready

_ASSIGN_LISTCOMP = m.SimpleStatementLine(
    body=[m.Assign(targets=[m.AssignTarget(target=m.Name())], value=m.ListComp())]
)


class ListBuiltToIterateOnce(Rule):
    """Building a whole list only to loop over it once.

    What it does:
        Finds `NAME = [EXPR for ...]` followed in the same block by exactly one use of
        `NAME`, as the iterable of a `for` loop, and turns the list comprehension into a
        generator expression (the assignment stays, so the diff is one pair of brackets).
    Why is this bad?
        Every element is alive at once before the loop starts: when the elements are rows,
        records or parsed objects, the list is the function's peak memory. The generator
        produces each element when the loop asks for it and frees it before the next, so the
        peak no longer grows with the input, and allocator memory is reused while hot.
    Example:
        `rows = [line.split(",") for line in lines]` / `for row in rows:` / `    total += ...`
    Use instead:
        `rows = (line.split(",") for line in lines)` / `for row in rows:` / `    total += ...`
    When it is unsafe:
        Elements are computed interleaved with the loop body instead of all before it. The
        rule backs off when the loop body (or anything between the assignment and the loop)
        mentions a name the comprehension reads, which would let the body change what the
        comprehension sees; element expressions with side effects that the body observes
        through other objects, or a loop that stops early (fewer elements are computed), can
        still change behaviour: replay on captured inputs decides.
    """

    code = "MEM202"
    name = "list-built-to-iterate-once"
    domain = Domain.MEMORY
    summary = "xs = [... for ...]; for x in xs: -> xs = (... for ...)"
    spellings = (
        "`xs = [E for ...]` then one `for x in xs:`",
        "the list built with a filter and two `for` clauses",
        "annotated loop body using the element twice",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        parents = function_metadata(func).parents
        chosen: set[cst.ListComp] = set()
        for block in m.findall(func, m.IndentedBlock()):
            assert isinstance(block, cst.IndentedBlock)
            for i in range(len(block.body)):
                listcomp = _streamable(func, block.body, i, parents)
                if listcomp is not None:
                    chosen.add(listcomp)
        if not chosen:
            return None
        new = func.visit(_Rewriter(chosen))
        return new if isinstance(new, cst.FunctionDef) else None


def _streamable(
    func: cst.FunctionDef,
    stmts: Sequence[cst.BaseStatement],
    i: int,
    parents: Mapping[cst.CSTNode, cst.CSTNode],
) -> cst.ListComp | None:
    """The list comprehension of `stmts[i]` if a single later loop is its only use."""
    stmt = stmts[i]
    if not m.matches(stmt, _ASSIGN_LISTCOMP):
        return None
    assign = stmt.body[0]  # type: ignore[attr-defined]
    name = assign.targets[0].target.value
    listcomp = assign.value
    if not generator_ready(listcomp):
        return None
    if len(_refs(func, name, parents)) != 2:
        return None
    read = _read_names(listcomp, parents)
    for later in stmts[i + 1 :]:
        if isinstance(later, cst.For) and m.matches(later.iter, m.Name(name)):
            if later.asynchronous is not None:
                return None
            touched = {n.value for n in _names(later.body, parents)}
            if later.orelse is not None:
                touched |= {n.value for n in _names(later.orelse, parents)}
            touched |= {n.value for n in _names(later.target, parents)}
            return None if touched & read else listcomp
        mentioned = {n.value for n in _names(later, parents)}
        if name in mentioned or mentioned & read:
            return None
    return None


def _read_names(listcomp: cst.ListComp, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> set[str]:
    """Variables the comprehension reads, minus its own loop targets."""
    own: set[str] = set()
    comp_for: cst.CompFor | None = listcomp.for_in
    while comp_for is not None:
        own |= {n.value for n in _names(comp_for.target, parents)}
        comp_for = comp_for.inner_for_in
    return {n.value for n in _names(listcomp, parents)} - own


def _names(node: cst.CSTNode, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> list[cst.Name]:
    """Variable names under `node` (not `x.attr` attributes, not `f(kw=...)` keywords)."""
    out = []
    for found in m.findall(node, m.Name()):
        assert isinstance(found, cst.Name)
        parent = parents.get(found)
        if isinstance(parent, cst.Attribute) and parent.attr is found:
            continue
        if isinstance(parent, cst.Arg) and parent.keyword is found:
            continue
        out.append(found)
    return out


def _refs(
    func: cst.FunctionDef, name: str, parents: Mapping[cst.CSTNode, cst.CSTNode]
) -> list[cst.Name]:
    return [n for n in _names(func, parents) if n.value == name]


class _Rewriter(cst.CSTTransformer):
    def __init__(self, chosen: set[cst.ListComp]) -> None:
        super().__init__()
        self.chosen = chosen

    def leave_ListComp(
        self, original_node: cst.ListComp, updated_node: cst.ListComp
    ) -> cst.BaseExpression:
        if original_node not in self.chosen:
            return updated_node
        return cst.GeneratorExp(
            elt=updated_node.elt,
            for_in=updated_node.for_in,
            lpar=[cst.LeftParen(whitespace_after=updated_node.lbracket.whitespace_after)],
            rpar=[cst.RightParen(whitespace_before=updated_node.rbracket.whitespace_before)],
        )
