"""CPU130: a dict/set/list of constants built anew on every call, then only read."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.analysis import function_metadata
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import Parents, code_for, is_label
from codeflash_bot.propose.rules._invariance import is_local, only_read_in

_SCALAR = (
    m.SimpleString()
    | m.ConcatenatedString()
    | m.Integer()
    | m.Float()
    | m.Name("None")
    | m.Name("True")
    | m.Name("False")
    | m.UnaryOperation(operator=m.Minus(), expression=m.Integer() | m.Float())
)
_READ_METHODS = frozenset({"get", "keys", "values", "items", "count", "index", "issubset"})
_MIN_ELEMENTS = 3


class ConstantContainerPerCall(Rule):
    """A lookup table written inside the function, so it is rebuilt on every call.

    What it does:
        Finds `NAME = {...}` / `NAME = [...]` (a dict, set or list display of at least three
        constants: strings, numbers, None/True/False, tuples of those) among the function's
        top-level statements, where `NAME` is bound once and the function only reads it
        (indexes, `in`, iterates, `.get`/`.keys`/`.values`/`.items`, passes to `len`/`sorted`...),
        never mutates, returns or hands it on, and moves the display to a module constant.
    Why is this bad?
        The display allocates and fills a new container on every call (hashing every key of a
        dict or set); as a module constant it is built once at import.
    Example:
        `def kind(c): table = {"a": 1, "e": 1, "i": 1, "o": 1, "u": 1}; return table.get(c, 0)`
    Use instead:
        `_KIND_TABLE = {...}` at module level, then `return _KIND_TABLE.get(c, 0)`
    When it is unsafe:
        The container is shared between calls, which is safe only because the function never
        mutates it nor lets it escape (checked); a caller cannot reach it. A list becomes a
        shared list too (a tuple would change its type). Building moves to import time.
    """

    code = "CPU130"
    name = "constant-container-per-call"
    domain = Domain.CPU
    summary = "table = {constant dict/set} inside a function, only read -> module constant"
    spellings = (
        "dict of constants read with `.get(k, default)`",
        "set of strings tested with `in`",
        "list of tuples iterated in a `for` loop, with `len()`",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        if not isinstance(func.body, cst.IndentedBlock):
            return None
        meta = function_metadata(func)
        moves: dict[cst.CSTNode, str] = {}
        renames: dict[str, str] = {}
        for stmt in func.body.body:
            found = _constant_display(stmt)
            if found is None:
                continue
            name, value = found
            if not is_local(name, func, meta) or name in renames:
                continue
            scope = meta.scopes.get(func.body)
            if scope is None or len(scope.assignments[name]) != 1:
                continue
            rest = [other for other in func.body.body if other is not stmt]
            if not all(only_read_in(name, other, meta, _READ_METHODS) for other in rest):
                continue
            if any(m.findall(scope_node, m.Name(name)) for scope_node in _nested_scopes(func)):
                continue  # a nested def could have its own `name`: leave it all alone
            constant = ctx.add_constant(f"{func.name.value}_{name}", code_for(value))
            moves[stmt] = constant
            renames[name] = constant
        if not moves:
            return None
        new = func.visit(_Rewriter(moves, renames, meta.parents))
        return new if isinstance(new, cst.FunctionDef) else None


def _constant_display(stmt: cst.BaseStatement) -> tuple[str, cst.BaseExpression] | None:
    if not m.matches(
        stmt, m.SimpleStatementLine(body=[m.Assign(targets=[m.AssignTarget(m.Name())])])
    ):
        return None
    assign = stmt.body[0]  # type: ignore[attr-defined]
    value = assign.value
    if isinstance(value, cst.Dict):
        items = []
        for element in value.elements:
            if not isinstance(element, cst.DictElement):
                return None
            items += [element.key, element.value]
        count = len(value.elements)
    elif isinstance(value, cst.Set | cst.List):
        items = [e.value for e in value.elements]
        if any(isinstance(e, cst.StarredElement) for e in value.elements):
            return None
        count = len(items)
    else:
        return None
    if count < _MIN_ELEMENTS or not all(_constant(i) for i in items):
        return None
    return assign.targets[0].target.value, value


def _constant(node: cst.BaseExpression) -> bool:
    if m.matches(node, _SCALAR):
        return True
    return isinstance(node, cst.Tuple) and all(
        not isinstance(e, cst.StarredElement) and _constant(e.value) for e in node.elements
    )


def _nested_scopes(func: cst.FunctionDef) -> list[cst.CSTNode]:
    return [node for node in m.findall(func.body, m.FunctionDef() | m.ClassDef() | m.Lambda())]


class _Rewriter(cst.CSTTransformer):
    def __init__(
        self, moves: dict[cst.CSTNode, str], renames: dict[str, str], parents: Parents
    ) -> None:
        super().__init__()
        self.moves = moves
        self.renames = renames
        self.parents = parents

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if original_node in self.moves:
            return cst.RemovalSentinel.REMOVE
        return updated_node

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self.renames.get(original_node.value)
        if new is None or is_label(original_node, self.parents):
            return updated_node
        return updated_node.with_changes(value=new)
