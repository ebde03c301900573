"""STR403: a heavy import whose names only appear in (postponed) annotations."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.module_rule import (
    ModuleFacts,
    ModuleRule,
    ModuleUses,
    exported_names,
    import_sites,
    without,
)

_FUTURE_ANNOTATIONS = m.SimpleStatementLine(
    body=[
        m.ImportFrom(
            module=m.Name("__future__"),
            names=[m.ZeroOrMore(), m.ImportAlias(name=m.Name("annotations")), m.ZeroOrMore()],
        )
    ]
)
_TYPE_CHECKING_IMPORT = m.ImportFrom(
    module=m.Name("typing"),
    names=[m.ZeroOrMore(), m.ImportAlias(name=m.Name("TYPE_CHECKING")), m.ZeroOrMore()],
)


class RuntimeImportForAnnotationsOnly(ModuleRule):
    """Importing a heavy module at run time only to name its types in annotations.

    What it does:
        In a module with `from __future__ import annotations`, finds a top-level import of a
        module the import profile measured as heavy whose names appear only in annotations of
        functions and module-level variables, and moves it under `if TYPE_CHECKING:`.
    Why is this bad?
        With postponed evaluation, annotations are strings that nothing evaluates at run time,
        so the import buys nothing but its cost at every start-up. Type checkers still see it
        under `if TYPE_CHECKING:`.
    Example:
        `from pandas import DataFrame` then `def load(path) -> DataFrame: ...` (returns rows)
    Use instead:
        `if TYPE_CHECKING: from pandas import DataFrame`
    When it is unsafe:
        Code that evaluates annotations at run time (`typing.get_type_hints`, pydantic,
        dataclasses' `InitVar`/`ClassVar` detection, typer, FastAPI, functools.singledispatch)
        can no longer resolve the name: annotations inside class bodies are therefore left
        alone, and modules without `from __future__ import annotations` never match. Names in
        `__all__` stay. The repo's tests and the public-name check decide the rest.
    """

    code = "STR403"
    name = "runtime-import-for-annotations-only"
    domain = Domain.STRUCTURE
    summary = "heavy import used only in annotations -> under if TYPE_CHECKING:"
    spellings = (
        "`import pandas` used only in a parameter annotation",
        "`from decimal import Decimal` used in a return annotation",
        "`import pandas as pd` in a module-level variable annotation and a parameter",
    )

    def transform_module(self, module: cst.Module, facts: ModuleFacts) -> cst.Module | None:
        if not any(m.matches(s, _FUTURE_ANNOTATIONS) for s in module.body):
            return None
        sites = [s for s in import_sites(module, facts) if s.modules & facts.heavy]
        if not sites:
            return None
        resolver = ModuleUses(module)
        exported = exported_names(module)
        moving = [
            s for s in sites if resolver.of(s).only_in_annotations and not set(s.bound) & exported
        ]
        if not moving:
            return None
        new = without(module, {s.index for s in moving})
        imports = [s.stmt.with_changes(leading_lines=[]) for s in moving]
        block = cst.If(
            test=cst.Name("TYPE_CHECKING"),
            body=cst.IndentedBlock(body=imports),
            leading_lines=[cst.EmptyLine()],
        )
        body = list(new.body)
        at = _after_imports(body)
        extra: list[cst.BaseStatement] = []
        if not _imports_type_checking(body):
            extra.append(cst.parse_statement("from typing import TYPE_CHECKING\n"))
        return new.with_changes(body=[*body[:at], *extra, block, *body[at:]])


def _imports_type_checking(body: Sequence[cst.BaseStatement]) -> bool:
    return any(
        isinstance(s, cst.SimpleStatementLine) and m.matches(s.body[0], _TYPE_CHECKING_IMPORT)
        for s in body
    )


def _after_imports(body: Sequence[cst.BaseStatement]) -> int:
    at = 0
    for i, stmt in enumerate(body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            break
        first = stmt.body[0]
        if isinstance(first, cst.Import | cst.ImportFrom):
            at = i + 1
        elif not (isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString)):
            break
    return at
