"""Rich progress for the CLI: stage, current target, experiments done / budget, keeps so far.

On a terminal one live progress line redraws in place. When the output is piped (every CI log)
a live display prints nothing until it stops, so the reporter prints one plain line per phase
with the time since start instead, on the `log` console (the CLI passes stdout, so stderr keeps
its one-line-error contract), and consoles get a wide width so tables are never cut.
"""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from codeflash_bot.models import ExperimentRecord, Status, Target

STATUS_STYLE = {Status.KEEP: "green", Status.DISCARD: "yellow", Status.CRASH: "red"}
PIPED_WIDTH = 240  # wide enough for every table the bot prints; a terminal keeps its own width


def make_console(*, stderr: bool = False) -> Console:
    """A Console that never cuts a table at 80 columns when its stream is not a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else PIPED_WIDTH
    return Console(stderr=stderr, soft_wrap=stderr, width=width)


class RichReporter:
    """A Reporter that draws one live progress line (or plain phase lines when piped) and
    prints each experiment's outcome."""

    def __init__(self, console: Console, budget: int, log: Console | None = None) -> None:
        self.console = console
        self.log = log or console
        self.live = console.is_terminal
        self.started = time.monotonic()
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.fields[stage]:<9}"),
            BarColumn(bar_width=20),
            TextColumn("{task.completed:.0f}/{task.total:.0f} exp"),
            TextColumn("[green]{task.fields[kept]} kept"),
            TextColumn("{task.fields[target]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task = self.progress.add_task("run", total=budget, stage="start", kept=0, target="")

    def __enter__(self) -> RichReporter:
        if self.live:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live:
            self.progress.stop()

    def _line(self, text: str) -> None:
        elapsed = time.monotonic() - self.started
        self.log.print(f"[{elapsed:6.1f}s] {text}", highlight=False, markup=False)

    def stage(self, name: str, detail: str = "") -> None:
        self.progress.update(self.task, stage=name, target=detail)
        if not self.live:
            self._line(f"{name}: {detail}" if detail else name)

    def target(self, target: Target, index: int, total: int) -> None:
        label = f"[{index + 1}/{total}] {target.ref}"
        self.progress.update(self.task, stage="optimize", target=label)
        if not self.live:
            self._line(f"optimize: {label}")

    def experiment(self, record: ExperimentRecord, done: int, budget: int, kept: int) -> None:
        self.progress.update(self.task, completed=done, total=budget, kept=kept)
        style = STATUS_STYLE[record.status]
        delta = "" if record.delta_pct is None else f" {record.delta_pct:+.1f}% time"
        self.console.print(
            f"[{style}]{record.status.value:<7}[/] {record.target} {record.rule}{delta}",
            highlight=False,
        )

    def note(self, message: str) -> None:
        self.console.print(f"[cyan]note:[/] {message}", highlight=False)
