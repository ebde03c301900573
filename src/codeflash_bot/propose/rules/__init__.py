"""Registry of libcst rewrite rules: every `Rule` subclass defined in a module of this package.

One rule per module, named after the anti-pattern it detects. Discovery is explicit (walk the
package's modules, collect the subclasses they define), codes must be unique.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule


@cache
def all_rules() -> tuple[Rule, ...]:
    """One instance of every rule, sorted by code."""
    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, Rule)
                and obj is not Rule
                and obj.__module__ == module.__name__
                and not inspect.isabstract(obj)
            ):
                if obj.code in found:
                    raise RuntimeError(f"duplicate rule code {obj.code}")
                found[obj.code] = obj
    return tuple(cls() for _, cls in sorted(found.items()))


def rules_for(domain: Domain) -> tuple[Rule, ...]:
    """Rules of one domain, in code order."""
    return tuple(r for r in all_rules() if r.domain == domain)
