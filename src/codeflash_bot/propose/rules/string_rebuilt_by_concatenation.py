"""MEM204: `s = s + a + b` in a loop copies the whole string once per `+`."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext

_LOOPS = m.For() | m.While()


class StringRebuiltByConcatenation(Rule):
    """Growing a string with `s = s + piece (+ more)` inside a loop.

    What it does:
        Finds `S = S + P1 + P2 ...` inside a `for`/`while` loop, where `S` is a local that the
        function starts as a string literal and only ever rebinds as `S = S + ...` or
        `S += ...`, and rewrites it to `S += P1 + P2 ...`.
    Why is this bad?
        `S + P1` builds a brand-new string the size of everything so far while `S` is still
        alive, and each further `+` builds another: at the end the loop holds two or three
        full copies at once, and copies O(n^2) bytes in total. `S += (P1 + P2)` joins the
        small pieces first and lets CPython resize `S` in place when nothing else refers to
        it, so the peak is about one copy. (Unlike CPU105's list-and-join rewrite, which
        keeps every piece alive until the end: faster, but not smaller.)
    Example:
        `out = ""` / `for row in rows:` / `    out = out + row.name + "," + row.city + "\\n"`
    Use instead:
        `out = ""` / `for row in rows:` / `    out += row.name + "," + row.city + "\\n"`
    When it is unsafe:
        `+` on strings is associative, so the result is the same string; only when a piece is
        not a string does it differ: `S + 1 + 2` raises on the first `+`, `S += 1 + 2` adds
        the numbers first and raises with another message. Replay compares exceptions, so
        such cases are discarded. The rule only fires when the initial literal proves `S` is
        a `str`.
    """

    code = "MEM204"
    name = "string-rebuilt-by-concatenation"
    domain = Domain.MEMORY
    summary = "s = s + a + b (in a loop) -> s += a + b"
    spellings = (
        "`s = s + a + b` in a `for` loop",
        "`s = s + a` in a `while` loop",
        "`s` also grown with `+=` elsewhere in the function",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        strings = _string_accumulators(func)
        if not strings:
            return None
        new = func.visit(_Rewriter(strings))
        return new if isinstance(new, cst.FunctionDef) else None


def _string_accumulators(func: cst.FunctionDef) -> set[str]:
    """Locals first bound to a string literal and otherwise only rebound by `+`/`+=` of self."""
    first: dict[str, bool] = {}
    spoiled: set[str] = set()
    for node in m.findall(func, m.Assign() | m.AugAssign() | m.AnnAssign()):
        if isinstance(node, cst.Assign):
            for target in node.targets:
                for name in m.findall(target.target, m.Name()):
                    assert isinstance(name, cst.Name)
                    if not isinstance(target.target, cst.Name):
                        spoiled.add(name.value)
                        continue
                    literal = isinstance(node.value, cst.SimpleString | cst.ConcatenatedString)
                    if name.value not in first:
                        first[name.value] = literal
                    elif not (literal or _self_concat(name.value, node.value)):
                        spoiled.add(name.value)
        elif isinstance(node, cst.AugAssign):
            if isinstance(node.target, cst.Name) and not isinstance(node.operator, cst.AddAssign):
                spoiled.add(node.target.value)
        elif isinstance(node, cst.AnnAssign) and isinstance(node.target, cst.Name):
            spoiled.add(node.target.value)
    params = {p.name.value for p in m.findall(func.params, m.Param()) if isinstance(p, cst.Param)}
    declared = {
        n.name.value
        for n in m.findall(func, m.NameItem())  # global/nonlocal
        if isinstance(n, cst.NameItem)
    }
    for other in m.findall(func.body, m.FunctionDef() | m.ClassDef() | m.Lambda()):
        spoiled |= {n.value for n in m.findall(other, m.Name()) if isinstance(n, cst.Name)}
    return {n for n, ok in first.items() if ok} - spoiled - params - declared


def _self_concat(name: str, value: cst.BaseExpression) -> bool:
    """`name + a (+ b ...)`: the left-most operand of a chain of `+` is `name`."""
    left = value
    depth = 0
    while isinstance(left, cst.BinaryOperation) and isinstance(left.operator, cst.Add):
        if left.lpar:
            return False
        left = left.left
        depth += 1
    return depth > 0 and isinstance(left, cst.Name) and left.value == name and not left.lpar


def _pieces(value: cst.BinaryOperation) -> list[cst.BaseExpression]:
    """Operands after the left-most one of a left-nested `+` chain, in order."""
    out: list[cst.BaseExpression] = []
    node: cst.BaseExpression = value
    while isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        out.append(node.right)
        node = node.left
    return out[::-1]


class _Rewriter(cst.CSTTransformer):
    def __init__(self, strings: set[str]) -> None:
        super().__init__()
        self.strings = strings
        self.loops = 0

    def visit_For(self, node: cst.For) -> None:
        self.loops += 1

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        self.loops -= 1
        return updated_node

    def visit_While(self, node: cst.While) -> None:
        self.loops += 1

    def leave_While(self, original_node: cst.While, updated_node: cst.While) -> cst.While:
        self.loops -= 1
        return updated_node

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.Assign | cst.AugAssign:
        if not self.loops or len(updated_node.targets) != 1:
            return updated_node
        target = updated_node.targets[0].target
        if not isinstance(target, cst.Name) or target.value not in self.strings:
            return updated_node
        value = updated_node.value
        if not isinstance(value, cst.BinaryOperation) or not _self_concat(target.value, value):
            return updated_node
        pieces = _pieces(value)
        rhs: cst.BaseExpression = pieces[0]
        for piece in pieces[1:]:
            rhs = cst.BinaryOperation(left=rhs, operator=cst.Add(), right=piece)
        return cst.AugAssign(target=target, operator=cst.AddAssign(), value=rhs)
