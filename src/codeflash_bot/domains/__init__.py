"""Domain engines: one module per domain, looked up lazily by domain.

Each entry names `module:Class`; a module that does not exist yet means the domain is not
available, which is a one-line error for the user, not a crash.
"""

from __future__ import annotations

import importlib

from codeflash_bot.domains.base import Engine, EngineContext
from codeflash_bot.errors import BotError
from codeflash_bot.models import Domain

ENGINES: dict[Domain, str] = {
    Domain.CPU: "codeflash_bot.domains.cpu:CpuEngine",
    Domain.MEMORY: "codeflash_bot.domains.memory:MemoryEngine",
    Domain.ASYNC: "codeflash_bot.domains.asyncio_engine:AsyncEngine",
    Domain.STRUCTURE: "codeflash_bot.domains.structure:StructureEngine",
}

__all__ = ["ENGINES", "Engine", "EngineContext", "available_domains", "engine_for"]


def engine_for(domain: Domain) -> Engine:
    """The engine of `domain`, or a one-line error when it isn't available."""
    spec = ENGINES.get(domain)
    if spec is None:
        raise BotError(f"no engine for the {domain.value} domain")
    module_name, cls_name = spec.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise BotError(f"the {domain.value} domain is not available yet; use --domain cpu") from exc
    return getattr(module, cls_name)()


def available_domains() -> list[Domain]:
    """Domains whose engine module is installed (what `--domain auto` may choose from)."""
    out = []
    for domain in ENGINES:
        try:
            engine_for(domain)
        except BotError:
            continue
        out.append(domain)
    return out
