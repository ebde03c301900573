"""One metadata pass per function and per module, shared by every rule that asks.

Each rule used to wrap its function in its own `MetadataWrapper` and resolve scopes again
(~30 rules x every target x every file). Parsed modules and resolved metadata are pure functions
of immutable libcst trees, so they are cached here by the identity of the tree they describe
(a small LRU holding the tree itself, so an id is never reused while cached).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TypeVar

import libcst as cst
from libcst.metadata import (
    CodeRange,
    ExpressionContext,
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedName,
    QualifiedNameProvider,
    QualifiedNameSource,
    Scope,
    ScopeProvider,
)

_K = TypeVar("_K")
_V = TypeVar("_V")


class IdentityLRU:
    """Values computed from a key object, remembered while the key is among the last `size`."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[int, tuple[object, object]] = OrderedDict()

    def get(self, key: _K, compute: Callable[[_K], _V]) -> _V:
        hit = self.entries.get(id(key))
        if hit is not None and hit[0] is key:
            self.entries.move_to_end(id(key))
            return hit[1]  # type: ignore[return-value]
        value = compute(key)
        self.entries[id(key)] = (key, value)
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return value


@dataclass(frozen=True)
class FunctionMetadata:
    """Parents, load/store contexts, scopes and positions of one function's nodes.

    Resolved on a module holding the function alone (rules see only the function), in one
    pass; positions are relative to that module.
    """

    parents: Mapping[cst.CSTNode, cst.CSTNode]
    contexts: Mapping[cst.CSTNode, ExpressionContext | None]
    scopes: Mapping[cst.CSTNode, Scope | None]
    positions: Mapping[cst.CSTNode, CodeRange]


@dataclass(frozen=True)
class ModuleMetadata:
    """Scopes and qualified names of a whole module: what `re` or `Counter` means in it."""

    scopes: Mapping[cst.CSTNode, Scope | None]
    qualified: Mapping[cst.CSTNode, object]  # set[QualifiedName], or a LazyValue of it


_FUNCTIONS = IdentityLRU(64)
_MODULES = IdentityLRU(8)
_PARSED: OrderedDict[str, cst.Module] = OrderedDict()
_PARSED_SIZE = 8


def _resolve_function(func: cst.FunctionDef) -> FunctionMetadata:
    wrapper = MetadataWrapper(cst.Module(body=[func]), unsafe_skip_copy=True)
    # one pass for all four; `resolve` then reads each from the wrapper's cache, typed
    wrapper.resolve_many(
        [ParentNodeProvider, ExpressionContextProvider, ScopeProvider, PositionProvider]
    )
    return FunctionMetadata(
        parents=wrapper.resolve(ParentNodeProvider),
        contexts=wrapper.resolve(ExpressionContextProvider),
        scopes=wrapper.resolve(ScopeProvider),
        positions=wrapper.resolve(PositionProvider),
    )


def function_metadata(func: cst.FunctionDef) -> FunctionMetadata:
    """The metadata of `func`, resolved at most once while it stays in the cache."""
    return _FUNCTIONS.get(func, _resolve_function)


def _resolve_module(module: cst.Module) -> ModuleMetadata:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    wrapper.resolve_many([ScopeProvider, QualifiedNameProvider])
    return ModuleMetadata(
        scopes=wrapper.resolve(ScopeProvider), qualified=wrapper.resolve(QualifiedNameProvider)
    )


def module_metadata(module: cst.Module) -> ModuleMetadata:
    """The metadata of the whole `module`, resolved at most once while it stays cached."""
    return _MODULES.get(module, _resolve_module)


def parse_module(source: str) -> cst.Module:
    """`cst.parse_module`, remembered for the last few sources (every rule parses the same one)."""
    module = _PARSED.get(source)
    if module is None:
        module = cst.parse_module(source)
        _PARSED[source] = module
        if len(_PARSED) > _PARSED_SIZE:
            _PARSED.popitem(last=False)
    else:
        _PARSED.move_to_end(source)
    return module


def refers_to(module: cst.Module | None, node: cst.CSTNode, *names: str) -> bool | None:
    """Does `node` mean one of `names` (dotted, e.g. "re.match", "builtins.sorted"), and only that?

    By meaning, not spelling: `re.match`, `import re as r; r.match` and `from re import match`
    all mean "re.match"; `Counter` from `collections` means "collections.Counter". Every binding
    that may reach `node` must be an import or the builtin, so a module or function that rebinds
    the name (`re = Wrapper()`, a parameter called `re`) makes it False. None when the module is
    unknown (a rule handed a bare function): the caller falls back to its textual check.
    """
    if module is None:
        return None
    found = module_metadata(module).qualified.get(node)
    if callable(found):  # QualifiedNameProvider hands out a LazyValue per node
        found = found()
    if not found or not isinstance(found, Collection):
        return False
    return all(
        isinstance(q, QualifiedName)
        and q.name in names
        and q.source in (QualifiedNameSource.IMPORT, QualifiedNameSource.BUILTIN)
        for q in found
    )


def function_scope(func: cst.FunctionDef) -> Scope:
    """The scope of `func`'s body (its locals), from the shared pass."""
    scope = function_metadata(func).scopes[func.body]
    assert scope is not None
    return scope
