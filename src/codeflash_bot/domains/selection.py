"""Which functions an engine works on: the hottest profiled ones a proposer wants, then the
statically matched ones, within the phase's deadline (CPU, memory and async share this)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import libcst as cst

from codeflash_bot.domains.base import EngineContext
from codeflash_bot.models import Target
from codeflash_bot.profile.cpu import own_functions
from codeflash_bot.propose import Proposer
from codeflash_bot.sandbox import current_deadline

STATIC_SCAN_SECONDS = 60.0
MIN_MATCHED = 3  # hottest profiled functions checked for a rule even past the phase's deadline


def parsed_modules(root: Path) -> Callable[[Path], cst.Module | None]:
    """A lookup that parses each file (relative to `root`) once: engines match rules against
    many functions of the same module. None for a file that cannot be read or parsed."""
    parsed: dict[Path, cst.Module | None] = {}

    def module_of(file: Path) -> cst.Module | None:
        if file not in parsed:
            try:
                parsed[file] = cst.parse_module((root / file).read_text(encoding="utf-8"))
            except (OSError, cst.ParserSyntaxError):
                parsed[file] = None
        return parsed[file]

    return module_of


def workable(ctx: EngineContext, profiled: list[Target], proposers: list[Proposer]) -> list[Target]:
    """Hottest profiled targets a proposer wants, then statically matched ones.

    Sampling misses sub-millisecond functions, so functions of the repo's own code that a
    proposer wants are added after the profiled ones; capture drops those the tests never call.
    """
    module_of = parsed_modules(ctx.project)

    def wanted(target: Target) -> bool:
        module = module_of(target.file)
        return module is not None and any(p.wants(module, target) for p in proposers)

    limit = ctx.config.max_targets
    profiled = [t for t in profiled if ctx.in_scope(t)]
    seen = {t.ref for t in profiled}
    # Matching every rule is a libcst pass per rule over each function (about a second per
    # function of a big module on a loaded machine): the hottest functions are matched first
    # and the matching stops at the phase's deadline, keeping what matched until then. The
    # profile itself may use most of the phase, so the first MIN_MATCHED are always checked
    # until one matches: a profile that found hot code is never thrown away unread.
    run_deadline = current_deadline()
    ordered: list[Target] = []
    for checked, target in enumerate(profiled[: 4 * limit]):
        if len(ordered) >= limit:
            break
        late = run_deadline is not None and time.monotonic() > run_deadline
        if late and (ordered or checked >= MIN_MATCHED):
            ctx.cut_short(
                f"matching rules to the profiled functions stopped at the phase's end"
                f" ({checked} of {min(len(profiled), 4 * limit)} checked)"
            )
            _count(ctx, profiled, ordered, 0)
            return ordered
        if wanted(target):
            ordered.append(target)
    if len(ordered) >= limit:
        _count(ctx, profiled, ordered, 0)
        return ordered
    # Static matches fill the remaining slots; rules can be slow on big trees, so this pass is
    # bounded in time (files of profiled functions first: that is where the tests go).
    hot_files = {t.file for t in profiled}
    static = sorted(
        own_functions(ctx.project, ctx.setup, ctx.config.exclude),
        key=lambda t: (t.file not in hot_files, t.file.as_posix(), t.lineno),
    )
    deadline = time.monotonic() + STATIC_SCAN_SECONDS
    if run_deadline is not None:
        deadline = min(deadline, run_deadline)
    from_profile = len(ordered)
    for target in static:
        if len(ordered) >= limit:
            break
        if time.monotonic() > deadline:
            if run_deadline is not None and deadline == run_deadline:
                ctx.cut_short("the static scan for functions a rule matches stopped at the limit")
            break
        if target.ref not in seen and ctx.in_scope(target) and wanted(target):
            ordered.append(target)
    _count(ctx, profiled, ordered, len(ordered) - from_profile)
    return ordered


def _count(ctx: EngineContext, profiled: list[Target], ordered: list[Target], static: int) -> None:
    ctx.funnel.profiled = len(profiled)
    ctx.funnel.wanted = len(ordered)
    ctx.funnel.from_static = static
