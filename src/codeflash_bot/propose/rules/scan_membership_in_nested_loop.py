"""CPU129: `any(e.src == n for e in edges)` per `n`: a linear scan where a set built once does."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.analysis import FunctionMetadata, function_metadata
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import code_for, has_async_for
from codeflash_bot.propose.rules._invariance import (
    InsertBefore,
    hoist_point,
    invariant,
    is_local,
    only_read_in,
)
from codeflash_bot.propose.rules._meaning import builtin_name


class ScanMembershipInNestedLoop(Rule):
    """Testing membership by scanning a derived sequence, repeated for every item of a loop.

    What it does:
        Finds, inside a loop or comprehension, `any(KEY(e) == probe for e in coll)` (either
        side of `==`), `probe in [KEY(e) for e in coll]` and `probe in (KEY(e) for e in coll)`
        (also `not in`), where `coll` is a local the loop only reads and `KEY(e)` is `e` or an
        attribute/constant-index path from it (`e.src`, `e[0]`). It builds the keys once before
        the outermost such loop, as a set when they are hashable (a list otherwise), and tests
        `probe in _keys`.
    Why is this bad?
        Each test walks all of `coll` (and builds a list or runs a generator): O(n*m) for the
        loop. A set makes each test O(1): "is this node the source of any edge" over a graph.
    Example:
        `sources = [n for n in nodes if any(e.src == n for e in edges)]`
    Use instead:
        `_src_keys = [e.src for e in edges]` / `try: _src_keys = set(_src_keys)` /
        `except TypeError: pass` before the statement, then `if n in _src_keys`
    When it is unsafe:
        The hashability guard keeps unhashable keys working (a list is searched then); an
        unhashable probe against hashable keys raises `TypeError` where the scan said False.
        `in` tests identity before `==` (a NaN key matches itself), and the keys of every
        element are computed even when an early one matched, so an element whose path raises
        now raises. Keys must hash consistently with `==`. Replay rejects any of these.
    """

    code = "CPU129"
    name = "scan-membership-in-nested-loop"
    domain = Domain.CPU
    summary = "any(e.src == n for e in edges) in a loop -> set of e.src built once, n in it"
    spellings = (
        "`any(e.src == n for e in edges)` in a comprehension filter",
        "`n in [e[0] for e in pairs]` in a `for` body",
        "`n not in (e for e in seen)` (generator, negated) in a `while` loop",
        "`any(n == e.dst for e in edges)` (probe on the left) under `not`",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        meta = function_metadata(func)
        inserts: dict[cst.CSTNode, list[str]] = {}
        names: dict[tuple[cst.CSTNode, str], str] = {}
        swaps: dict[cst.CSTNode, tuple[str, cst.BaseExpression, bool]] = {}
        for node in m.findall(func, m.Call() | m.Comparison()):
            found = _scan(node, ctx, func)
            if found is None:
                continue
            key, var, coll, probe, negated = found

            def steady(
                region: cst.CSTNode, key: cst.BaseExpression = key, var: str = var, coll: str = coll
            ) -> bool:
                return only_read_in(coll, region, meta) and _key_steady(
                    key, var, region, func, meta
                )

            if not is_local(coll, func, meta):
                continue
            anchor = hoist_point(node, func, meta, steady)
            if anchor is None:
                continue
            build = f"[{code_for(key)} for {var} in {coll}]"
            local = names.get((anchor, build))
            if local is None:
                hint = key.attr.value if isinstance(key, cst.Attribute) else coll
                local = ctx.fresh_local(func, f"{hint}_keys")
                names[(anchor, build)] = local
                inserts.setdefault(anchor, []).extend(
                    [
                        f"{local} = {build}",
                        f"try:\n    {local} = set({local})\nexcept TypeError:\n    pass",
                    ]
                )
            swaps[node] = (local, probe, negated)
        if not swaps:
            return None
        new = func.visit(_Rewriter(swaps, inserts))
        return new if isinstance(new, cst.FunctionDef) else None


def _scan(
    node: cst.CSTNode, ctx: RuleContext, func: cst.FunctionDef
) -> tuple[cst.BaseExpression, str, str, cst.BaseExpression, bool] | None:
    """(KEY(e), e, coll, probe, negated) of a scan for `probe`, or None."""
    if isinstance(node, cst.Call):
        if builtin_name(node.func, ctx, func) != "any" or len(node.args) != 1:
            return None
        gen = node.args[0].value
        if not isinstance(gen, cst.GeneratorExp) or node.args[0].keyword:
            return None
        comp = _simple_for(gen)
        test = gen.elt
        if comp is None or not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
            return None
        if not isinstance(test.comparisons[0].operator, cst.Equal):
            return None
        var, coll = comp
        left, right = test.left, test.comparisons[0].comparator
        if _mentions(left, var) and not _mentions(right, var):
            return left, var, coll, right, False
        if _mentions(right, var) and not _mentions(left, var):
            return right, var, coll, left, False
        return None
    assert isinstance(node, cst.Comparison)
    if len(node.comparisons) != 1:
        return None
    target = node.comparisons[0]
    if not isinstance(target.operator, cst.In | cst.NotIn):
        return None
    derived = target.comparator
    if not isinstance(derived, cst.ListComp | cst.GeneratorExp):
        return None
    comp = _simple_for(derived)
    if comp is None or _mentions(node.left, comp[0]):
        return None
    return derived.elt, comp[0], comp[1], node.left, isinstance(target.operator, cst.NotIn)


def _simple_for(comp: cst.ListComp | cst.GeneratorExp) -> tuple[str, str] | None:
    """(e, coll) of `... for e in coll` (one clause, no filter, not async)."""
    for_in = comp.for_in
    if (
        for_in.inner_for_in is not None
        or for_in.ifs
        or has_async_for(for_in)
        or not isinstance(for_in.target, cst.Name)
        or not isinstance(for_in.iter, cst.Name)
    ):
        return None
    return for_in.target.value, for_in.iter.value


def _mentions(node: cst.CSTNode, name: str) -> bool:
    return bool(m.findall(node, m.Name(name)))


def _key_steady(
    key: cst.BaseExpression,
    var: str,
    region: cst.CSTNode,
    func: cst.FunctionDef,
    meta: FunctionMetadata,
) -> bool:
    """`key` is `var` or a path from it: attributes, constant or loop-invariant indexes."""
    if isinstance(key, cst.Name):
        return key.value == var
    if isinstance(key, cst.Attribute):
        return _key_steady(key.value, var, region, func, meta)
    if isinstance(key, cst.Subscript) and len(key.slice) == 1:
        index = key.slice[0].slice
        return (
            isinstance(index, cst.Index)
            and not _mentions(index.value, var)
            and invariant(index.value, region, func, meta)
            and _key_steady(key.value, var, region, func, meta)
        )
    return False


# A probe of these kinds keeps the parentheses put around it in `(probe) in keys`.
_BINDS_LOOSER_THAN_IN = (
    cst.BooleanOperation,
    cst.IfExp,
    cst.Lambda,
    cst.Comparison,
    cst.UnaryOperation,
    cst.NamedExpr,
)


class _Rewriter(InsertBefore):
    def __init__(
        self,
        swaps: dict[cst.CSTNode, tuple[str, cst.BaseExpression, bool]],
        inserts: dict[cst.CSTNode, list[str]],
    ) -> None:
        super().__init__()
        self.swaps = swaps
        self.inserts = inserts

    def _membership(self, original: cst.CSTNode, updated: cst.BaseExpression) -> cst.BaseExpression:
        local, probe, negated = self.swaps[original]
        op = "not in" if negated else "in"
        new = cst.parse_expression(f"({code_for(probe)}) {op} {local}")
        assert isinstance(new, cst.Comparison)
        loose = isinstance(probe, _BINDS_LOOSER_THAN_IN) and not probe.lpar
        left = new.left if loose else probe
        return new.with_changes(left=left, lpar=updated.lpar, rpar=updated.rpar)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node in self.swaps:
            return self._membership(original_node, updated_node)
        return updated_node

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.BaseExpression:
        if original_node in self.swaps:
            return self._membership(original_node, updated_node)
        return updated_node
