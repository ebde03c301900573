"""How the loop tells its caller what is happening: rich progress on the CLI, a sticky
comment on GitHub. The loop only knows this protocol."""

from __future__ import annotations

from typing import Protocol

from codeflash_bot.models import ExperimentRecord, Target


class Reporter(Protocol):
    """Callbacks from the optimization loop; every method must be cheap and never raise."""

    def stage(self, name: str, detail: str = "") -> None:
        """A pipeline stage started (setup, profile, capture, optimize, ...)."""

    def target(self, target: Target, index: int, total: int) -> None:
        """Work on a new target began."""

    def experiment(self, record: ExperimentRecord, done: int, budget: int, kept: int) -> None:
        """One experiment finished (its results.tsv row)."""

    def note(self, message: str) -> None:
        """Something the user should read (a notice, not an error)."""


class NullReporter:
    """Reports nothing; the default for library callers and tests."""

    def stage(self, name: str, detail: str = "") -> None:
        pass

    def target(self, target: Target, index: int, total: int) -> None:
        pass

    def experiment(self, record: ExperimentRecord, done: int, budget: int, kept: int) -> None:
        pass

    def note(self, message: str) -> None:
        pass
