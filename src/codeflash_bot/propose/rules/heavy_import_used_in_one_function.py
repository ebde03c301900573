"""STR401: a heavy module imported at module level but used by one function only."""

from __future__ import annotations

import libcst as cst

from codeflash_bot.models import Domain
from codeflash_bot.propose.module_rule import (
    ModuleFacts,
    ModuleRule,
    ModuleUses,
    exported_names,
    import_sites,
    move_into_functions,
)


class HeavyImportUsedInOneFunction(ModuleRule):
    """Paying for a heavy import on every start-up when only one function needs it.

    What it does:
        Finds a top-level `import x` / `import x as y` / `from x import a` whose module the
        import profile measured as heavy, and whose names are read only inside the body of a
        single function (or method): not at module level, in class bodies, decorators,
        default values or annotations. Moves the statement to the start of that function.
    Why is this bad?
        Everything imported at module level runs whenever the module is imported, whether or
        not the caller ever needs it: start-up, CLI response time and test collection pay for
        it. A function-level import runs on the first call only; later calls find the module
        in `sys.modules` (a dictionary lookup).
    Example:
        `import pandas as pd` at the top, used only in `def export(rows): pd.DataFrame(rows)`
    Use instead:
        `def export(rows): import pandas as pd; return pd.DataFrame(rows)`
    When it is unsafe:
        Import-time side effects (registration, monkeypatching, configuration) now happen on
        the first call or never, and an import error surfaces at call time instead of import
        time. The name is no longer an attribute of the module, so `from mod import pd` breaks:
        names listed in `__all__` or read at module level are left alone, and the engine checks
        that every public name of the module is still importable. The first call pays the
        import instead.
    """

    code = "STR401"
    name = "heavy-import-used-in-one-function"
    domain = Domain.STRUCTURE
    summary = "module-level heavy import used by one function -> import inside that function"
    spellings = (
        "`import numpy` read in one function",
        "`from pkg import _heavy` read in one method",
        "`import numpy as np` (an alias) read twice in one function",
    )

    def transform_module(self, module: cst.Module, facts: ModuleFacts) -> cst.Module | None:
        sites = [s for s in import_sites(module, facts) if s.modules & facts.heavy]
        if not sites:
            return None
        resolver = ModuleUses(module)
        exported = exported_names(module)
        moves = []
        for site in sites:
            uses = resolver.of(site)
            alone = uses.only_in_function_bodies and len(uses.functions) == 1
            if alone and not set(site.bound) & exported:
                moves.append((site, uses))
        return move_into_functions(module, moves) if moves else None
