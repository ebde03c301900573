"""CPU106: a local list used as a FIFO queue through `q.pop(0)`."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst
import libcst.matchers as m
from libcst.metadata import Assignment

from codeflash_bot.models import Domain
from codeflash_bot.propose.analysis import function_metadata, function_scope
from codeflash_bot.propose.rule import Rule, RuleContext

_TESTS = (cst.If, cst.While, cst.IfExp, cst.Assert)
_QUEUE_METHODS = frozenset({"append", "extend", "pop", "insert"})


class ListPopZeroQueue(Rule):
    """A list used as a queue: items taken from the front with `pop(0)`.

    What it does:
        Finds a local `q = [...]` / `q = list(...)` (its only binding) that is used only via
        `q.pop(0)`, `q.pop()`, `q.append(x)`, `q.extend(xs)`, `q.insert(0, x)`, `len(q)` and
        truth tests, with at least one `q.pop(0)`, and turns it into a `collections.deque`.
    Why is this bad?
        `list.pop(0)` shifts every remaining element: O(n) per pop, O(n^2) to drain a queue
        (BFS, work lists). `deque.popleft()` is O(1).
    Example:
        `todo = [start]` ... `while todo: node = todo.pop(0)`
    Use instead:
        `todo = deque([start])` ... `while todo: node = todo.popleft()`
    When it is unsafe:
        Popping from an empty deque raises IndexError with a different message. Because every
        other use of `q` (indexing, slicing, iteration, passing it on, returning it) makes the
        rule back off, the type change cannot leak. `deque` must not be bound to something
        else at module level; replay verification catches it if it is.
    """

    code = "CPU106"
    name = "list-pop-zero-queue"
    domain = Domain.CPU
    summary = "q.pop(0) on a local list -> collections.deque + q.popleft()"
    spellings = (
        "`q.pop(0)` in a `while q:` loop, `q = [start]`",
        "`q = list(xs)` with `q.extend(...)` and `len(q)`",
        "`q.insert(0, x)` mixed with `q.pop()`",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        parents = function_metadata(func).parents
        local_names = function_scope(func).assignments
        if "deque" in local_names or "len" in local_names:
            return None
        edits: dict[cst.CSTNode, str] = {}
        for name in sorted({a.name for a in local_names}):
            edits.update(_queue_edits(func, name, local_names, parents))
        if not edits:
            return None
        ctx.add_import("collections", "deque")
        new = func.visit(_Rewriter(edits))
        return new if isinstance(new, cst.FunctionDef) else None


def _queue_edits(
    func: cst.FunctionDef,
    name: str,
    local_names: cst.metadata.Assignments,
    parents: Mapping[cst.CSTNode, cst.CSTNode],
) -> dict[cst.CSTNode, str]:
    """Nodes to rewrite (`init` for the binding's value, or a method name) if `name` is a queue."""
    bindings = list(local_names[name])
    if len(bindings) != 1 or not isinstance(bindings[0], Assignment):
        return {}
    binding = bindings[0].node
    if not isinstance(binding, cst.Name):
        return {}
    target = parents.get(binding)
    assign = parents.get(target) if target is not None else None
    if not (
        isinstance(target, cst.AssignTarget)
        and isinstance(assign, cst.Assign)
        and len(assign.targets) == 1
        and _list_initializer(assign.value)
    ):
        return {}
    edits: dict[cst.CSTNode, str] = {assign.value: "init"}
    for ref in m.findall(func, m.Name(name)):
        parent = parents.get(ref)
        if ref is binding or (isinstance(parent, cst.Arg) and parent.keyword is ref):
            continue
        if isinstance(parent, cst.Attribute) and parent.attr is ref:
            continue
        if _truth_tested(ref, parents) or _len_argument(ref, parents):
            continue
        call = parents.get(parent) if isinstance(parent, cst.Attribute) else None
        if not isinstance(call, cst.Call) or not isinstance(parent, cst.Attribute):
            return {}
        if call.func is not parent:
            return {}
        method = _queue_method(call)
        if method is None:
            return {}
        if method != parent.attr.value:
            edits[call] = method
    return edits if "popleft" in edits.values() else {}


def _list_initializer(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.List):
        return True
    return (
        isinstance(value, cst.Call)
        and m.matches(value.func, m.Name("list"))
        and len(value.args) <= 1
        and all(a.keyword is None and not a.star for a in value.args)
    )


def _queue_method(call: cst.Call) -> str | None:
    """The deque method replacing this `q.<method>(...)` call, or None if it is not allowed."""
    func = call.func
    assert isinstance(func, cst.Attribute)
    method = func.attr.value
    args = call.args
    if method not in _QUEUE_METHODS or any(a.keyword is not None or a.star for a in args):
        return None
    if method == "pop":
        if not args:
            return "pop"
        return "popleft" if len(args) == 1 and m.matches(args[0].value, m.Integer("0")) else None
    if method == "insert":
        if len(args) == 2 and m.matches(args[0].value, m.Integer("0")):
            return "appendleft"
        return None
    return method if len(args) == 1 else None


def _truth_tested(node: cst.CSTNode, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> bool:
    parent = parents.get(node)
    if isinstance(parent, _TESTS):
        return parent.test is node
    if isinstance(parent, cst.CompIf):
        return True
    if isinstance(parent, cst.UnaryOperation):
        return isinstance(parent.operator, cst.Not)
    if isinstance(parent, cst.BooleanOperation):
        return _truth_tested(parent, parents)
    return False


def _len_argument(node: cst.CSTNode, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> bool:
    arg = parents.get(node)
    call = parents.get(arg) if isinstance(arg, cst.Arg) else None
    return (
        isinstance(call, cst.Call)
        and m.matches(call.func, m.Name("len"))
        and len(call.args) == 1
        and arg is call.args[0]
        and not call.args[0].star
    )


class _Rewriter(cst.CSTTransformer):
    def __init__(self, edits: dict[cst.CSTNode, str]) -> None:
        super().__init__()
        self.edits = edits

    # libcst types on_leave as keeping the node's kind; this one swaps a list for a deque call
    # (as a leave_<Node> may), which its signature cannot say
    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        updated = super().on_leave(original_node, updated_node)
        edit = self.edits.get(original_node)
        if edit is None or not isinstance(updated, cst.CSTNode):
            return updated
        if edit == "init":
            return _deque_of(updated)
        assert isinstance(updated, cst.Call) and isinstance(updated.func, cst.Attribute)
        args = list(updated.args)
        if edit in {"popleft", "appendleft"}:
            args = args[1:]
        return updated.with_changes(func=updated.func.with_changes(attr=cst.Name(edit)), args=args)


def _deque_of(value: cst.CSTNode) -> cst.Call:
    if isinstance(value, cst.Call):  # list(...) / list()
        return value.with_changes(func=cst.Name("deque"))
    assert isinstance(value, cst.List)
    if not value.elements:
        return cst.Call(func=cst.Name("deque"))
    return cst.Call(func=cst.Name("deque"), args=[cst.Arg(value)])
