"""Rich progress for the CLI: stage, current target, experiments done / budget, keeps so far."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from codeflash_bot.models import ExperimentRecord, Status, Target

STATUS_STYLE = {Status.KEEP: "green", Status.DISCARD: "yellow", Status.CRASH: "red"}


class RichReporter:
    """A Reporter that draws one live progress line and prints each experiment's outcome."""

    def __init__(self, console: Console, budget: int) -> None:
        self.console = console
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
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def stage(self, name: str, detail: str = "") -> None:
        self.progress.update(self.task, stage=name, target=detail)

    def target(self, target: Target, index: int, total: int) -> None:
        self.progress.update(
            self.task, stage="optimize", target=f"[{index + 1}/{total}] {target.ref}"
        )

    def experiment(self, record: ExperimentRecord, done: int, budget: int, kept: int) -> None:
        self.progress.update(self.task, completed=done, total=budget, kept=kept)
        style = STATUS_STYLE[record.status]
        delta = "" if record.delta_pct is None else f" {record.delta_pct:+.1f}% time"
        self.console.print(
            f"[{style}]{record.status.value:<7}[/] {record.target} "
            f"{record.description.split(' ', 1)[0]}{delta}",
            highlight=False,
        )

    def note(self, message: str) -> None:
        self.console.print(f"[cyan]note:[/] {message}", highlight=False)
