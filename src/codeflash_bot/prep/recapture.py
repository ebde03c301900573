"""Capture inputs again for kept targets whose corpus is not in this clone (issue 13).

The corpus of an optimization run lives under `<git dir>/codeflash/corpus/`, which `git clone`
does not copy: on another machine or in a later CI job `prepare-pr` would have no input to
build a benchmark from. Here the same capture machinery as `optimize` (capture.capture_inputs,
the project's tests or its `workload` with recording wrappers) runs again, for the kept targets
only, in a scratch worktree of the branch's base: the original code, the same calls the run saw.
The inputs land where benchgen looks first (`corpus/<branch>/<target>`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from codeflash_bot.capture import capture_inputs
from codeflash_bot.config import Config
from codeflash_bot.git import Git
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.models import Frozen, Target
from codeflash_bot.prep.benchgen import corpus_dirs
from codeflash_bot.prep.inventory import KeptOptimization
from codeflash_bot.session.recovery import bot_dir, safe, scratch_dir
from codeflash_bot.session.setup import detect_setup, ensure_tools
from codeflash_bot.session.workspace import copy_ignored_sources


class Recapture(Frozen):
    """What a re-capture did: inputs found per target, at which ref."""

    ref: str
    counts: dict[str, int]

    def line(self) -> str:
        """One line for the user: how many inputs were found, per target."""
        found = ", ".join(f"{n} for `{t}`" for t, n in self.counts.items())
        total = sum(self.counts.values())
        noun = "input" if total == 1 else "inputs"
        return (
            f"no captured inputs in this clone: re-captured at {self.ref} by running the tests "
            f"on the kept targets: {total} {noun} ({found})"
        )


def missing_corpus(git: Git, branch: str | None, items: list[KeptOptimization]) -> list[str]:
    """Kept targets with no captured input anywhere under this repository's git dir."""
    targets = dict.fromkeys(it.target for it in items)
    return [t for t in targets if not corpus_dirs(git, branch, t)]


def recapture(
    git: Git,
    project_rel: Path,
    base: str,
    branch: str | None,
    items: list[KeptOptimization],
    config: Config,
) -> Recapture:
    """Run the capture for `items`' targets at `base`; returns the inputs found per target."""
    corpus_root = bot_dir(git) / "corpus"
    if branch:
        corpus_root = corpus_root / safe(branch)
    tmp = scratch_dir("recapture")
    tree = tmp / "base"
    try:
        git.add_detached_worktree(tree, git.head_sha(base))
        copy_ignored_sources(git, tree)
        project = tree / project_rel
        setup = ensure_tools(detect_setup(project, config), ["pytest"])
        targets = _targets(items, project_rel)
        runner = HarnessRunner.for_project(setup, project, config.memory_limit_mb)
        counts, _ = capture_inputs(
            runner,
            targets,
            corpus_root,
            workload=config.workload,
            timeout=config.test_timeout,
            budget=config.profile_budget_seconds,
        )
    finally:
        git.remove_worktree(tree)
        shutil.rmtree(tmp, ignore_errors=True)
    return Recapture(ref=base, counts=counts)


def _targets(items: list[KeptOptimization], project_rel: Path) -> list[Target]:
    """One Target per kept function; its file relative to the project (inventory gives it
    relative to the repository)."""
    out: dict[str, Target] = {}
    for it in items:
        file = Path(it.file)
        if project_rel.parts and file.is_relative_to(project_rel):
            file = file.relative_to(project_rel)
        out.setdefault(
            it.target, Target(module=it.module, qualname=it.qualname, file=file, lineno=1)
        )
    return list(out.values())
