"""STR402: a module-level import that closes an import cycle between the repo's modules."""

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


class ImportCycleAtModuleLevel(ModuleRule):
    """Two modules of the repo importing each other at module level.

    What it does:
        Finds a top-level import of a module of the repository that (directly or through
        others) imports this module back, whose names are read only inside function bodies,
        and moves the import to the start of each function that uses it.
    Why is this bad?
        A cycle makes the import order matter: whichever module is imported first sees the
        other half-initialised, so `from a import x` fails or gets a stale object depending
        on who imported what first, and every module of the cycle is loaded whenever any of
        them is. Importing at the use site breaks the cycle at import time.
    Example:
        `# orders.py: from shop import customers` and `# customers.py: from shop import orders`
    Use instead:
        `def total(order): from shop import customers; return customers.discount(order)`
    When it is unsafe:
        Names read at module level, in class bodies, decorators, defaults or annotations, and
        names in `__all__`, are left alone. Import-time side effects of the other module now
        happen later, and an import error surfaces at call time; the repo's tests and the
        public-name check decide. The metric is import time, so a cycle broken without a
        measurable gain is discarded (listed in results.tsv for a human to take).
    """

    code = "STR402"
    name = "import-cycle-at-module-level"
    domain = Domain.STRUCTURE
    summary = "module-level import closing a cycle -> import at its use sites"
    spellings = (
        "`from shop import customers` read in one function",
        "`import shop.customers as customers` read in two functions",
        "`from shop.customers import find` (a name from the module) read in a method",
    )

    def transform_module(self, module: cst.Module, facts: ModuleFacts) -> cst.Module | None:
        sites = [s for s in import_sites(module, facts) if s.modules & facts.cyclic]
        if not sites:
            return None
        resolver = ModuleUses(module)
        exported = exported_names(module)
        moves = []
        for site in sites:
            uses = resolver.of(site)
            if uses.only_in_function_bodies and not set(site.bound) & exported:
                moves.append((site, uses))
        return move_into_functions(module, moves) if moves else None
