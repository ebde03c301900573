"""The shape of a rewrite rule and the machinery that applies one to a single target function.

A rule sees only the target's `FunctionDef`. Anything it needs at module level (an import, a
compiled constant) it asks for through `RuleContext`, so the scope check in `verify` can tell
"the target changed, plus these additions" from "the rule wandered elsewhere".
"""

from __future__ import annotations

import re
import warnings
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from codeflash_bot.models import Domain
from codeflash_bot.propose.analysis import IdentityLRU, parse_module

_NAMES = IdentityLRU(8)
DOC_HEADINGS = ("What it does", "Why is this bad?", "Example", "Use instead", "When it is unsafe")


@dataclass
class RuleContext:
    """Collects module-level additions a rule needs; names are kept unique within the module."""

    taken_names: set[str]
    # The module the target sits in (None when a rule is handed a bare function): what rules
    # ask `analysis.refers_to` about, so `re`/`Counter` are matched by meaning, not spelling.
    module: cst.Module | None = None
    imports: list[tuple[str, str | None]] = field(default_factory=list)
    constants: list[tuple[str, str]] = field(default_factory=list)

    def add_import(self, module: str, obj: str | None = None) -> None:
        """Ensure `import module` (obj None) or `from module import obj` exists."""
        if (module, obj) not in self.imports:
            self.imports.append((module, obj))

    def add_constant(self, hint: str, expression: str) -> str:
        """Add `NAME = expression` after the imports and return the unique NAME used."""
        for name, expr in self.constants:
            if expr == expression:
                return name
        base = "_" + re.sub(r"\W+", "_", hint).strip("_").upper()
        name, n = base, 1
        while name in self.taken_names:
            n += 1
            name = f"{base}_{n}"
        self.taken_names.add(name)
        self.constants.append((name, expression))
        return name

    def fresh_local(self, func: cst.FunctionDef, hint: str) -> str:
        """A local name not used anywhere in `func` nor at module level."""
        used = {n.value for n in _all_names(func)} | self.taken_names
        name, n = f"_{hint}", 1
        while name in used:
            n += 1
            name = f"_{hint}{n}"
        self.taken_names.add(name)
        return name


class Rule(ABC):
    """One anti-pattern detector + rewrite. Subclasses set the ClassVars and `transform`.

    The docstring must carry the DOC_HEADINGS sections (the catalog is generated from them).
    A rule proposes; it never decides: verification and measurement decide.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    domain: ClassVar[Domain]
    summary: ClassVar[str]
    # The distinct ways of writing the anti-pattern this rule recognises (shown in the catalog;
    # the rule's fixture test has a must-fire case under each label).
    spellings: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        """Return the rewritten function, or None when the rule does not apply (or is unsure)."""

    def transform_class(
        self, cls: cst.ClassDef, method: str, ctx: RuleContext
    ) -> cst.ClassDef | None:
        """Optional: rewrite the class owning the target method `method` (None: no change).

        Only called for `Class.method` targets of rules that override it; such a rule's
        `transform` is then unused for those targets.
        """
        return None


def find_function(module: cst.Module, qualname: str) -> cst.FunctionDef | None:
    """The FunctionDef named by `qualname` (`f` or `Class.method`; nested defs unsupported)."""
    parts = qualname.split(".")
    body: Sequence[cst.BaseStatement] = module.body
    node: cst.CSTNode | None = None
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        found: cst.FunctionDef | cst.ClassDef | None = None
        kind = cst.FunctionDef if last else cst.ClassDef
        for stmt in body:
            if isinstance(stmt, kind) and stmt.name.value == part:
                found = stmt
        if found is None:
            return None
        node = found
        if not last:
            body = found.body.body if isinstance(found.body, cst.IndentedBlock) else []
    return node if isinstance(node, cst.FunctionDef) else None


def module_names(module: cst.Module) -> frozenset[str]:
    """Every name used in `module` (computed once per parsed module, shared by every rule)."""
    return _NAMES.get(module, lambda mod: frozenset(n.value for n in _all_names(mod)))


def applies(
    rule: Rule, module: cst.Module, qualname: str, names: frozenset[str] | None = None
) -> bool:
    """Whether `rule` would rewrite `qualname` in an already-parsed module (cheap pre-check)."""
    func = find_function(module, qualname)
    if func is None:
        return False
    taken = set(names if names is not None else module_names(module))
    ctx = RuleContext(taken_names=taken, module=module)
    if _class_hook(rule, qualname):
        cls = _owning_class(module, qualname)
        if cls is None:
            return False
        new_cls = _safe_transform_class(rule, cls, qualname, ctx)
        return new_cls is not None and not new_cls.deep_equals(cls)
    new_func = _safe_transform(rule, func, ctx)
    return new_func is not None and not new_func.deep_equals(func)


def _class_hook(rule: Rule, qualname: str) -> bool:
    """Whether `rule` rewrites the owning class of a `Class.method` target."""
    return qualname.count(".") == 1 and type(rule).transform_class is not Rule.transform_class


def _owning_class(module: cst.Module, qualname: str) -> cst.ClassDef | None:
    owner = qualname.split(".")[0]
    found: cst.ClassDef | None = None
    for stmt in module.body:
        if isinstance(stmt, cst.ClassDef) and stmt.name.value == owner:
            found = stmt
    return found


def _safe_transform_class(
    rule: Rule, cls: cst.ClassDef, qualname: str, ctx: RuleContext
) -> cst.ClassDef | None:
    try:
        return rule.transform_class(cls, qualname.split(".")[1], ctx)
    except Exception as exc:
        warnings.warn(f"rule {rule.code} failed on {qualname}: {exc!r}", stacklevel=2)
        return None


def _safe_transform(rule: Rule, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
    """A rule that raises is a rule that does not apply: a rule bug must never stop a run."""
    try:
        return rule.transform(func, ctx)
    except Exception as exc:
        warnings.warn(f"rule {rule.code} failed on {func.name.value}: {exc!r}", stacklevel=2)
        return None


def apply_rule(rule: Rule, source: str, qualname: str) -> str | None:
    """Apply `rule` to the function `qualname` in `source`; the new module source, or None."""
    try:
        module = parse_module(source)
    except cst.ParserSyntaxError:
        return None
    func = find_function(module, qualname)
    if func is None:
        return None
    ctx = RuleContext(taken_names=set(module_names(module)), module=module)
    if _class_hook(rule, qualname):
        cls = _owning_class(module, qualname)
        if cls is None:
            return None
        new_cls = _safe_transform_class(rule, cls, qualname, ctx)
        if new_cls is None or new_cls.deep_equals(cls):
            return None
        module = cst.ensure_type(module.deep_replace(cls, new_cls), cst.Module)
    else:
        new_func = _safe_transform(rule, func, ctx)
        if new_func is None or new_func.deep_equals(func):
            return None
        module = cst.ensure_type(module.deep_replace(func, new_func), cst.Module)
    module = _insert_constants(module, ctx.constants)
    if ctx.imports:
        context = CodemodContext()
        for mod, obj in ctx.imports:
            AddImportsVisitor.add_needed_import(context, mod, obj)
        module = AddImportsVisitor(context).transform_module(module)
    return module.code


def _insert_constants(module: cst.Module, constants: list[tuple[str, str]]) -> cst.Module:
    if not constants:
        return module
    stmts = [cst.parse_statement(f"{name} = {expr}\n") for name, expr in constants]
    body = list(module.body)
    at = 0
    for i, stmt in enumerate(body):
        if _is_import_or_docstring(stmt):
            at = i + 1
    return module.with_changes(body=[*body[:at], *stmts, *body[at:]])


def _is_import_or_docstring(stmt: cst.CSTNode) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    first = stmt.body[0]
    if isinstance(first, cst.Import | cst.ImportFrom):
        return True
    return isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString)


class _NameCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: list[cst.Name] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node)


def _all_names(node: cst.CSTNode) -> list[cst.Name]:
    collector = _NameCollector()
    node.visit(collector)
    return collector.names
