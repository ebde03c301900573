"""Domain engines: one module per domain, registered here by domain."""

from __future__ import annotations

from codeflash_bot.domains.base import Engine, EngineContext
from codeflash_bot.domains.cpu import CpuEngine
from codeflash_bot.errors import BotError
from codeflash_bot.models import Domain

ENGINES: dict[Domain, type[Engine]] = {Domain.CPU: CpuEngine}

__all__ = ["ENGINES", "Engine", "EngineContext", "engine_for"]


def engine_for(domain: Domain) -> Engine:
    """The engine of `domain`, or a one-line error when it isn't available."""
    cls = ENGINES.get(domain)
    if cls is None:
        raise BotError(f"the {domain.value} domain is not available yet; use --domain cpu")
    return cls()
