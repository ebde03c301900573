"""CPU101: `x in some_list` tested over and over inside a loop or comprehension."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst
import libcst.matchers as m
from libcst.metadata import Assignment

from codeflash_bot.models import Domain
from codeflash_bot.propose.analysis import function_metadata, function_scope
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import COMPREHENSIONS, NESTED_SCOPES, variable_refs

# Bound to one of these, `x in name` is already fast (or means something else, for str).
_NOT_A_LIST_CALLS = frozenset(
    {"set", "frozenset", "dict", "str", "bytes", "range", "Counter", "defaultdict", "OrderedDict"}
)
_NOT_A_LIST_VALUES = (
    cst.Set,
    cst.Dict,
    cst.SetComp,
    cst.DictComp,
    cst.SimpleString,
    cst.ConcatenatedString,
    cst.FormattedString,
)
_LIST_METHODS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "remove",
        "pop",
        "clear",
        "index",
        "count",
        "sort",
        "reverse",
        "copy",
    }
)
_SEQUENCE_ANNOTATIONS = frozenset({"list", "List", "tuple", "Tuple", "Sequence", "MutableSequence"})


class ListMembershipInLoop(Rule):
    """Linear membership tests against the same list, repeated inside a loop.

    What it does:
        Finds `x in ys` / `x not in ys` inside a `for`/`while` body or a comprehension, where
        `ys` is a parameter or a local assigned before the loop, is used in the loop only for
        membership tests (never mutated, rebound or passed on), and is not bound to a set,
        dict, str or range.
    Why is this bad?
        Each `in` on a list scans it: O(len(ys)) per test, O(n*m) over the loop. Building a
        set once makes each test O(1) on average.
    Example:
        `return [a for a in xs if a in ys]`
    Use instead:
        `_ys_set = set(ys)` before the statement, then `return [a for a in xs if a in _ys_set]`
    When it is unsafe:
        Unhashable elements make `set(ys)` (or the lookup) raise TypeError, and the set is
        built even when the loop never runs. If `ys` is really a str (substring test), an
        iterator (consumed by `set`), or is mutated through another alias during the loop,
        the meaning changes. Elements whose `__eq__` disagrees with `__hash__` compare
        differently. Replay verification rejects the candidate when any of these shows up.
    """

    code = "CPU101"
    name = "list-membership-in-loop"
    domain = Domain.CPU
    summary = "x in list inside a loop -> hoist set(list) before the loop"
    spellings = (
        "`x in ys` in a comprehension filter, `ys` a parameter",
        "`x not in ys` in nested `for` loops (hoisted above both)",
        "`ys` a local list built before a `while` loop",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        found = function_metadata(func)
        facts = _Facts(
            func=func,
            parents=found.parents,
            positions=found.positions,
            locals_=function_scope(func).assignments,
        )
        hoists: dict[cst.CSTNode, dict[str, str]] = {}
        swaps: dict[cst.Comparison, str] = {}
        for comparison in m.findall(func, _MEMBERSHIP):
            assert isinstance(comparison, cst.Comparison)
            comparator = comparison.comparisons[0].comparator
            assert isinstance(comparator, cst.Name)
            anchor = _anchor_for(comparison, comparator.value, facts)
            if anchor is None:
                continue
            names = hoists.setdefault(anchor, {})
            if comparator.value not in names:
                names[comparator.value] = ctx.fresh_local(func, f"{comparator.value}_set")
            swaps[comparison] = names[comparator.value]
        if not swaps:
            return None
        new = func.visit(_Hoist(swaps, hoists))
        return new if isinstance(new, cst.FunctionDef) else None


_MEMBERSHIP = m.Comparison(
    comparisons=[m.ComparisonTarget(operator=m.In() | m.NotIn(), comparator=m.Name())]
)


class _Facts:
    def __init__(
        self,
        func: cst.FunctionDef,
        parents: Mapping[cst.CSTNode, cst.CSTNode],
        positions: Mapping[cst.CSTNode, cst.metadata.CodeRange],
        locals_: cst.metadata.Assignments,
    ) -> None:
        self.func = func
        self.parents = parents
        self.positions = positions
        self.locals = locals_


def _anchor_for(comparison: cst.Comparison, name: str, facts: _Facts) -> cst.CSTNode | None:
    """The outermost statement before which `set(name)` can be built, or None."""
    if name not in facts.locals or not _may_be_list(name, facts):
        return None
    anchor = None
    for candidate in _hoist_points(comparison, facts):
        if not _only_membership_uses(candidate, name, facts) or not _bound_before(
            candidate, name, facts
        ):
            break
        anchor = candidate
    return anchor


def _hoist_points(node: cst.CSTNode, facts: _Facts) -> list[cst.CSTNode]:
    """Statements, innermost first, whose repeated part contains `node`."""
    points: list[cst.CSTNode] = []
    path = [node]
    comprehension_pending = False
    current = facts.parents.get(node)
    while current is not None and current is not facts.func:
        child = path[-1]
        if isinstance(current, NESTED_SCOPES):
            return []
        if isinstance(current, COMPREHENSIONS):
            first_iter = (
                child is current.for_in and len(path) > 1 and path[-2] is current.for_in.iter
            )
            if not first_iter and not points:
                comprehension_pending = True
        elif isinstance(current, cst.BaseStatement):
            if comprehension_pending and _header_anchor(current, child, facts):
                points.append(current)
            comprehension_pending = False
            if (isinstance(current, cst.For) and child is current.body) or (
                isinstance(current, cst.While) and child in (current.body, current.test)
            ):
                points.append(current)
        path.append(current)
        current = facts.parents.get(current)
    return points


def _header_anchor(stmt: cst.BaseStatement, child: cst.CSTNode, facts: _Facts) -> bool:
    """Can code be inserted right before `stmt`, which evaluates `child` once?"""
    if isinstance(stmt, cst.SimpleStatementLine):
        return True
    if isinstance(stmt, cst.If):
        return child is stmt.test and not isinstance(facts.parents.get(stmt), cst.If)
    return isinstance(stmt, cst.For) and child is stmt.iter


def _may_be_list(name: str, facts: _Facts) -> bool:
    """Is every binding of `name` a plain (annotation-free or sequence) parameter or a value
    known to build a list/tuple, and is it never used through a non-list method?"""
    if name in {"self", "cls"}:
        return False
    for ref in variable_refs(facts.func, name, facts.parents):
        parent = facts.parents.get(ref)
        if isinstance(parent, cst.Attribute) and parent.attr.value not in _LIST_METHODS:
            return False
    for assignment in facts.locals[name]:
        if not isinstance(assignment, Assignment):  # a builtin: not a list we can see
            return False
        node = assignment.node
        if isinstance(node, cst.Param):
            if node.star == "**" or not _sequence_param(node):
                return False
            continue
        parent = facts.parents.get(node)
        if isinstance(parent, cst.AugAssign):
            continue  # `ys += ...` keeps the type of ys
        if isinstance(parent, cst.AnnAssign) and not _sequence_annotation(parent.annotation):
            return False
        if isinstance(parent, cst.AssignTarget):
            parent = facts.parents.get(parent)
        value = parent.value if isinstance(parent, cst.Assign | cst.AnnAssign) else None
        if value is None or not _builds_sequence(value):
            return False
    return True


def _builds_sequence(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.List | cst.Tuple | cst.ListComp):
        return True
    if isinstance(value, cst.BinaryOperation) and isinstance(
        value.operator, cst.Add | cst.Multiply
    ):
        return _builds_sequence(value.left) or _builds_sequence(value.right)
    return isinstance(value, cst.Call) and m.matches(
        value.func, m.Name("list") | m.Name("tuple") | m.Name("sorted")
    )


def _sequence_param(param: cst.Param) -> bool:
    if param.default is not None and _set_dict_or_str(param.default):
        return False
    return param.annotation is None or _sequence_annotation(param.annotation)


def _sequence_annotation(annotation: cst.Annotation) -> bool:
    hint = annotation.annotation
    if isinstance(hint, cst.Subscript):
        hint = hint.value
    if isinstance(hint, cst.Attribute):
        hint = hint.attr
    return isinstance(hint, cst.Name) and hint.value in _SEQUENCE_ANNOTATIONS


def _set_dict_or_str(value: cst.BaseExpression) -> bool:
    if isinstance(value, _NOT_A_LIST_VALUES):
        return True
    return (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Name)
        and value.func.value in _NOT_A_LIST_CALLS
    )


def _only_membership_uses(root: cst.CSTNode, name: str, facts: _Facts) -> bool:
    for ref in variable_refs(root, name, facts.parents):
        target = facts.parents.get(ref)
        comparison = facts.parents.get(target) if target is not None else None
        if not (
            isinstance(target, cst.ComparisonTarget)
            and target.comparator is ref
            and isinstance(target.operator, cst.In | cst.NotIn)
            and isinstance(comparison, cst.Comparison)
            and len(comparison.comparisons) == 1
        ):
            return False
    return True


def _bound_before(anchor: cst.CSTNode, name: str, facts: _Facts) -> bool:
    start = facts.positions[anchor].start
    for assignment in facts.locals[name]:
        if not isinstance(assignment, Assignment):  # a builtin is bound before anything
            return True
        node = assignment.node
        if isinstance(node, cst.Param):
            return True
        if isinstance(facts.parents.get(node), cst.AssignTarget | cst.AnnAssign):
            where = facts.positions[node].start
            if (where.line, where.column) < (start.line, start.column):
                return True
    return False


class _Hoist(cst.CSTTransformer):
    def __init__(
        self, swaps: dict[cst.Comparison, str], hoists: dict[cst.CSTNode, dict[str, str]]
    ) -> None:
        super().__init__()
        self.swaps = swaps
        self.hoists = hoists

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.BaseExpression:
        set_name = self.swaps.get(original_node)
        if set_name is None:
            return updated_node
        target = updated_node.comparisons[0]
        comparator = target.comparator
        assert isinstance(comparator, cst.Name)
        new_target = target.with_changes(comparator=comparator.with_changes(value=set_name))
        return updated_node.with_changes(comparisons=[new_target])

    # libcst types on_leave as keeping the node's kind; this one swaps a statement for a
    # FlattenSentinel of statements (as a leave_<Node> may), which its signature cannot say
    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        updated = super().on_leave(original_node, updated_node)
        names = self.hoists.get(original_node)
        if not names or not isinstance(
            updated, cst.SimpleStatementLine | cst.BaseCompoundStatement
        ):
            return updated
        built = [cst.parse_statement(f"{s} = set({lst})\n") for lst, s in names.items()]
        built[0] = built[0].with_changes(leading_lines=updated.leading_lines)
        return cst.FlattenSentinel([*built, updated.with_changes(leading_lines=())])
