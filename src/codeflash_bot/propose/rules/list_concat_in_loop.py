"""CPU114: growing a local list with `acc = acc + [x]` (or `acc += [x]`) inside a loop."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ExpressionContext

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import FunctionFacts, variable_refs

_LITERAL = m.List(lpar=[], elements=[m.AtLeastN(m.Element(), n=1)])
_CONCAT = m.Assign(
    targets=[m.AssignTarget(target=m.Name())],
    value=m.BinaryOperation(left=m.Name(), operator=m.Add(), right=_LITERAL),
)
_IADD = m.AugAssign(target=m.Name(), operator=m.AddAssign(), value=_LITERAL)

# Calls that read a list argument eagerly and keep no reference to it.
_EAGER_READERS = frozenset(
    {"len", "sum", "min", "max", "sorted", "any", "all", "tuple", "set", "frozenset", "list"}
)


class ListConcatInLoop(Rule):
    """Rebuilding a list on every iteration to add one element to it.

    What it does:
        Inside a loop, finds `acc = acc + [x]`, `acc = acc + [x, y]` and `acc += [x]` where
        `acc` is a list this function created (`[]`, `[...]`, `[... for ...]` or `list()`) and
        never lets escape except by returning it.
    Why is this bad?
        `acc + [x]` copies the whole list each time, so the loop is O(n²); `acc += [x]` builds
        a throw-away one-element list. `append`/`extend` grow the list in place, amortised O(1).
    Example:
        `for r in rows: acc = acc + [r.id]`
    Use instead:
        `for r in rows: acc.append(r.id)`
    When it is unsafe:
        `acc = acc + [x]` makes a new list while `append` mutates the old one: anyone else
        holding the old list would now see it change. So the rule backs off when `acc` is a
        parameter, global or nonlocal, is assigned from anything but a fresh list, or is used
        other than by indexing, methods, comparisons, truth tests, `return acc` (alone or in a
        tuple) and eager reads such as `len(acc)` / `"".join(acc)` (no aliasing, no iteration
        over it, no closures); those limits keep the change invisible.
    """

    code = "CPU114"
    name = "list-concat-in-loop"
    domain = Domain.CPU
    summary = "acc = acc + [x] in a loop -> acc.append(x)"
    spellings = (
        "`acc = acc + [x]`",
        "`acc += [x]`",
        "`acc = acc + [x, y]` in a `while` loop",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        new = func.visit(_Rewriter(_Facts(func)))
        return new if isinstance(new, cst.FunctionDef) else None


class _Facts(FunctionFacts):
    """What the original function says about each candidate accumulator."""

    def __init__(self, func: cst.FunctionDef) -> None:
        super().__init__(func)
        self._private: dict[str, bool] = {}

    def in_loop_body(self, node: cst.CSTNode) -> bool:
        """Is `node` repeated by a loop of the function itself (not of a nested scope)?"""
        child, parent = node, self.parents.get(node)
        while parent is not None and parent is not self.func:
            if isinstance(parent, cst.FunctionDef | cst.ClassDef | cst.Lambda):
                return False
            if isinstance(parent, cst.For | cst.While) and child is parent.body:
                return True
            child, parent = parent, self.parents.get(parent)
        return False

    def is_private_list(self, name: str) -> bool:
        if name not in self._private:
            refs = variable_refs(self.func, name, self.parents)
            fresh = any(self._fresh_init(ref) for ref in refs)
            self._private[name] = fresh and all(self._harmless(ref) for ref in refs)
        return self._private[name]

    def _fresh_init(self, ref: cst.Name) -> bool:
        stmt = self._binding_statement(ref)
        value = getattr(stmt, "value", None)
        if isinstance(value, cst.List | cst.ListComp):
            return True
        return (
            isinstance(value, cst.Call)
            and m.matches(value, m.Call(func=m.Name("list"), args=[]))
            and not any(
                self.contexts.get(n) == ExpressionContext.STORE
                for n in m.findall(self.func, m.Name("list"))
            )
        )

    def _binding_statement(self, ref: cst.Name) -> cst.CSTNode | None:
        """The `Assign`/`AnnAssign`/`AugAssign` that binds `ref` as its whole target, if any."""
        parent = self.parents.get(ref)
        if isinstance(parent, cst.AssignTarget):
            stmt = self.parents.get(parent)
            return stmt if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1 else None
        if isinstance(parent, cst.AnnAssign | cst.AugAssign) and parent.target is ref:
            return parent
        return None

    def _harmless(self, ref: cst.Name) -> bool:
        """Does this use of the name neither alias, iterate, nor rebind it to a non-fresh value?"""
        context = self.contexts.get(ref)
        if context == ExpressionContext.STORE:
            stmt = self._binding_statement(ref)
            return self._fresh_init(ref) or (stmt is not None and m.matches(stmt, _CONCAT | _IADD))
        if context != ExpressionContext.LOAD:
            return False
        parent = self.parents.get(ref)
        if isinstance(parent, cst.BinaryOperation):
            grand = self.parents.get(parent)
            return parent.left is ref and grand is not None and m.matches(grand, _CONCAT)
        if isinstance(parent, cst.Subscript | cst.Attribute):
            return parent.value is ref
        if isinstance(parent, cst.Return | cst.Comparison | cst.ComparisonTarget):
            return True
        if isinstance(parent, cst.Element):  # `return acc, n`
            outer = self.parents.get(parent)
            return isinstance(outer, cst.Tuple) and isinstance(self.parents.get(outer), cst.Return)
        if isinstance(parent, cst.If | cst.While | cst.IfExp):
            return parent.test is ref
        if isinstance(parent, cst.UnaryOperation):
            return isinstance(parent.operator, cst.Not)
        if isinstance(parent, cst.Arg):
            call = self.parents.get(parent)
            return parent.keyword is None and not parent.star and _eager_reader(call)
        return False


def _eager_reader(call: cst.CSTNode | None) -> bool:
    if not isinstance(call, cst.Call):
        return False
    if isinstance(call.func, cst.Name):
        return call.func.value in _EAGER_READERS
    return isinstance(call.func, cst.Attribute) and call.func.attr.value == "join"


class _Rewriter(cst.CSTTransformer):
    def __init__(self, facts: _Facts) -> None:
        super().__init__()
        self.facts = facts

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.BaseSmallStatement:
        if not m.matches(original_node, _CONCAT):
            return updated_node
        target = original_node.targets[0].target
        value = original_node.value
        assert isinstance(target, cst.Name) and isinstance(value, cst.BinaryOperation)
        assert isinstance(value.left, cst.Name)
        if value.left.value != target.value:
            return updated_node
        return self._grow(original_node, updated_node, target.value, updated_node.value.right)  # type: ignore[attr-defined]

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.BaseSmallStatement:
        if not m.matches(original_node, _IADD):
            return updated_node
        assert isinstance(original_node.target, cst.Name)
        return self._grow(
            original_node, updated_node, original_node.target.value, updated_node.value
        )

    def _grow(
        self,
        original: cst.Assign | cst.AugAssign,
        updated: cst.Assign | cst.AugAssign,
        acc: str,
        literal: cst.BaseExpression,
    ) -> cst.BaseSmallStatement:
        if not self.facts.in_loop_body(original) or not self.facts.is_private_list(acc):
            return updated
        assert isinstance(literal, cst.List)
        if any(isinstance(e, cst.StarredElement) for e in literal.elements):
            return updated
        if len(literal.elements) == 1:
            method, arg = "append", literal.elements[0].value
        else:
            method, arg = "extend", literal
        call = cst.Call(
            func=cst.Attribute(value=cst.Name(acc), attr=cst.Name(method)), args=[cst.Arg(arg)]
        )
        return cst.Expr(value=call, semicolon=updated.semicolon)
