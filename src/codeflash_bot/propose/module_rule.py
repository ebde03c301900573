"""Module-level rules (the STRUCTURE domain): rewrite where a module's imports happen.

A `Rule` sees one function; import-time work is decided by a module's top-level statements, so
a `ModuleRule` sees the whole module plus `ModuleFacts` from the import profile (which imports
are heavy, which close a cycle). Module rules live in `propose/rules/` like every rule, so the
registry, the catalog and the fixture-per-rule check cover them; their per-function
`transform` never applies. `ModuleRulesProposer` offers them to the loop for module targets
(`Target.qualname == MODULE_QUALNAME`).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import (
    ClassScope,
    FunctionScope,
    GlobalScope,
    MetadataWrapper,
    Scope,
    ScopeProvider,
)

from codeflash_bot.models import Candidate, Domain, Target
from codeflash_bot.propose.base import BaseProposer
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules import rules_for

MODULE_QUALNAME = "<module>"


@dataclass(frozen=True)
class ModuleFacts:
    """What the import profile knows about the module being rewritten.

    `heavy`: modules whose import costs enough to be worth deferring; `cyclic`: modules of the
    repo that this module imports at module level and that import it back (directly or not).
    """

    module: str
    is_package: bool = False
    heavy: frozenset[str] = frozenset()
    cyclic: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ImportSite:
    """One top-level `import ...` / `from ... import ...` statement of the module."""

    index: int
    stmt: cst.SimpleStatementLine
    modules: frozenset[str]
    bound: tuple[str, ...]


@dataclass
class Uses:
    """Where the names an import binds are read."""

    functions: list[cst.FunctionDef] = field(default_factory=list)
    annotations: int = 0
    class_annotations: int = 0
    elsewhere: int = 0  # module level, class bodies, decorators, defaults, lambdas
    rebound: bool = False

    @property
    def only_in_function_bodies(self) -> bool:
        return bool(self.functions) and not (
            self.annotations or self.class_annotations or self.elsewhere or self.rebound
        )

    @property
    def only_in_annotations(self) -> bool:
        return (
            self.annotations > 0
            and not self.functions
            and not (self.class_annotations or self.elsewhere or self.rebound)
        )


class ModuleRule(Rule):
    """A rule over a whole module; see the module docstring."""

    @abstractmethod
    def transform_module(self, module: cst.Module, facts: ModuleFacts) -> cst.Module | None:
        """The rewritten module, or None when the rule does not apply (or is unsure)."""

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        return None  # module rules never rewrite a single function


def apply_module_rule(rule: ModuleRule, source: str, facts: ModuleFacts) -> str | None:
    """The new module source, or None (a rule that raises does not apply)."""
    try:
        module = cst.parse_module(source)
        new = rule.transform_module(module, facts)
    except Exception:
        return None
    if new is None or new.deep_equals(module):
        return None
    return new.code


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    raise ValueError("not a dotted name")


def _from_base(node: cst.ImportFrom, facts: ModuleFacts) -> str | None:
    name = _dotted(node.module) if node.module is not None else ""
    level = len(node.relative)
    if level == 0:
        return name
    parts = facts.module.split(".")
    if not facts.is_package:
        parts = parts[:-1]
    if level - 1 > len(parts):
        return None
    parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, name] if name else parts) or None


def import_sites(module: cst.Module, facts: ModuleFacts) -> list[ImportSite]:
    """Top-level single-import statements that could move (no `*`, `__future__`, `import a.b`)."""
    out: list[ImportSite] = []
    for index, stmt in enumerate(module.body):
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            continue
        node = stmt.body[0]
        modules: set[str] = set()
        bound: list[str] = []
        if isinstance(node, cst.Import):
            for alias in node.names:
                name = _dotted(alias.name)
                if alias.asname is None and "." in name:
                    break
                modules.add(name)
                bound.append(alias.evaluated_alias or name)
            else:
                out.append(ImportSite(index, stmt, frozenset(modules), tuple(bound)))
        elif isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
            base = _from_base(node, facts)
            if base is None or base == "__future__":
                continue
            modules.add(base)
            for alias in node.names:
                modules.add(f"{base}.{_dotted(alias.name)}")
                bound.append(alias.evaluated_alias or _dotted(alias.name))
            out.append(ImportSite(index, stmt, frozenset(modules), tuple(bound)))
    return out


class ModuleUses:
    """Name resolution of one module (libcst scopes), asked per import site."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self.scopes = wrapper.resolve(ScopeProvider)
        scope = self.scopes[module]
        assert isinstance(scope, GlobalScope)
        self.globals = scope

    def of(self, site: ImportSite) -> Uses:
        uses = Uses()
        for name in site.bound:
            assignments = list(self.globals.assignments[name])
            if len(assignments) != 1:
                uses.rebound = True
                continue
            for access in assignments[0].references:
                self._classify(access.scope, access.is_annotation, name, uses)
        return uses

    def _classify(self, scope: Scope, is_annotation: bool, name: str, uses: Uses) -> None:
        if isinstance(scope, GlobalScope):
            if is_annotation:
                uses.annotations += 1
            else:
                uses.elsewhere += 1
            return
        if isinstance(scope, ClassScope):
            if is_annotation:
                uses.class_annotations += 1
            else:
                uses.elsewhere += 1
            return
        outer = scope
        while not isinstance(outer.parent, GlobalScope | ClassScope):
            outer = outer.parent
        node = getattr(outer, "node", None)
        if not isinstance(outer, FunctionScope) or not isinstance(node, cst.FunctionDef):
            uses.elsewhere += 1
            return
        if name in outer.assignments:
            uses.rebound = True
            return
        if not any(f is node for f in uses.functions):
            uses.functions.append(node)


def exported_names(module: cst.Module) -> set[str]:
    """String items of a top-level `__all__ = [...]` / `(...)` (also `+=`)."""
    out: set[str] = set()
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, cst.AugAssign):
                targets = [small.target]
            else:
                continue
            if not any(isinstance(t, cst.Name) and t.value == "__all__" for t in targets):
                continue
            if isinstance(small.value, cst.List | cst.Tuple):
                for el in small.value.elements:
                    if isinstance(el.value, cst.SimpleString):
                        out.add(str(el.value.evaluated_value))
    return out


def insert_first(func: cst.FunctionDef, stmts: list[cst.SimpleStatementLine]) -> cst.FunctionDef:
    """`stmts` at the start of `func`'s body, after its docstring."""
    body = func.body
    if isinstance(body, cst.SimpleStatementSuite):
        # `def f(): return x`: its small statements become one indented line (as they were,
        # they would land at module level after the inserted statements)
        body = cst.IndentedBlock(body=[cst.SimpleStatementLine(body=body.body)])
    items = list(body.body)
    at = 0
    if items and isinstance(items[0], cst.SimpleStatementLine):
        first = items[0].body[0]
        if isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString):
            at = 1
    clean = [s.with_changes(leading_lines=[]) for s in stmts]
    return func.with_changes(body=body.with_changes(body=[*items[:at], *clean, *items[at:]]))


def without(module: cst.Module, indices: set[int]) -> cst.Module:
    """`module` minus the top-level statements at `indices`, keeping their comment lines."""
    body: list[cst.BaseStatement] = []
    carried: list[cst.EmptyLine] = []
    for index, stmt in enumerate(module.body):
        if index in indices:
            if any(line.comment is not None for line in stmt.leading_lines):
                carried += list(stmt.leading_lines)
            continue
        if carried:
            stmt = stmt.with_changes(leading_lines=[*carried, *stmt.leading_lines])
            carried = []
        body.append(stmt)
    return module.with_changes(body=body)


def move_into_functions(module: cst.Module, moves: list[tuple[ImportSite, Uses]]) -> cst.Module:
    """Delete each site's statement and put it first in every function that uses its names."""
    per_function: dict[int, list[cst.SimpleStatementLine]] = {}
    for site, uses in moves:
        for func in uses.functions:
            per_function.setdefault(id(func), []).append(site.stmt)
    moved = module.visit(_InsertImports(per_function))
    assert isinstance(moved, cst.Module)
    return without(moved, {site.index for site, _ in moves})


class _InsertImports(cst.CSTTransformer):
    """Puts statements first in the functions named by the identity of their ORIGINAL node."""

    def __init__(self, per_function: dict[int, list[cst.SimpleStatementLine]]) -> None:
        super().__init__()
        self.per_function = per_function

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        stmts = self.per_function.get(id(original_node))
        return insert_first(updated_node, stmts) if stmts else updated_node


def module_rules() -> tuple[ModuleRule, ...]:
    return tuple(r for r in rules_for(Domain.STRUCTURE) if isinstance(r, ModuleRule))


class ModuleRulesProposer(BaseProposer):
    """The STRUCTURE domain's module rules, in code order, with facts from the engine."""

    name = "rules"

    def __init__(self, facts_for: Callable[[Target], ModuleFacts | None]) -> None:
        self.rules = module_rules()
        self.facts_for = facts_for

    def wants(self, module: cst.Module, target: Target) -> bool:
        facts = self.facts_for(target)
        if facts is None or target.qualname != MODULE_QUALNAME:
            return False
        source = module.code
        return any(apply_module_rule(r, source, facts) is not None for r in self.rules)

    def next_candidate(self, target: Target, source: str, tried: set[str]) -> Candidate | None:
        facts = self.facts_for(target)
        if facts is None or target.qualname != MODULE_QUALNAME:
            return None
        for rule in self.rules:
            if rule.code in tried:
                continue
            new_source = apply_module_rule(rule, source, facts)
            if new_source is None:
                continue
            return Candidate(
                target=target,
                proposer=self.name,
                rule=rule.code,
                description=f"{rule.code} {rule.name}: {rule.summary}",
                source=new_source,
            )
        return None
