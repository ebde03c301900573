"""The Proposer protocol the loop calls, and BaseProposer: its optional hooks as no-ops."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import libcst as cst

from codeflash_bot.models import Candidate, ExperimentRecord, Target


@dataclass(frozen=True)
class RunPaths:
    """Where a run works (`Proposer.bind`): exact paths instead of a proposer's own guesses."""

    project: Path  # the checkout the bot works in
    state_dir: Path  # the state mirror (results.tsv, learnings.md, ...)
    corpus_root: Path  # captured inputs
    python: str | None = None  # the project's interpreter
    pythonpath: list[str] | None = None  # its source dirs, relative to `project`
    env: dict[str, str] | None = None  # the child environment the target runs in


class Proposer(Protocol):
    name: str

    def wants(self, module: cst.Module, target: Target) -> bool:
        """Cheap check: could this proposer do anything with `target`?"""

    def next_candidate(self, target: Target, source: str, tried: set[str]) -> Candidate | None:
        """The next untried idea for `target` (Candidate.rule must not be in `tried`)."""

    def bind(self, run: RunPaths) -> None:
        """Before the first target: the run's checkout, state mirror, corpus and interpreter."""

    def feedback(self, record: ExperimentRecord) -> None:
        """After each experiment on one of this proposer's candidates: its results.tsv row."""

    def remaining(self, target: Target, source: str, tried: set[str]) -> list[str]:
        """Ideas not yet tried that still apply to `target` (HANDOFF.md's next plan)."""


class BaseProposer:
    """The hooks of the Proposer protocol as no-ops, for proposers that need none of them."""

    def bind(self, run: RunPaths) -> None:
        return None

    def feedback(self, record: ExperimentRecord) -> None:
        return None

    def remaining(self, target: Target, source: str, tried: set[str]) -> list[str]:
        return []
