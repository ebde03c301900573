"""Command line: wires subcommands to the stage packages, nothing more (pyperf's cmd_* style)."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from codeflash_bot.config import load_config
from codeflash_bot.console import RichReporter, make_console
from codeflash_bot.errors import EXIT_INTERNAL, BotError
from codeflash_bot.github.commands_cli import register as register_github_action
from codeflash_bot.models import Domain, Request, RunSummary
from codeflash_bot.prep.commands import register as register_prep
from codeflash_bot.session.clock import process_start, render_phases
from codeflash_bot.session.preflight import preflight
from codeflash_bot.status import cleanup_branch, cleanup_venvs, status_report

app = typer.Typer(
    name="codeflash-bot",
    help="Profile a Python repo, prove and measure rewrites, keep only real wins.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
register_prep(app)
register_github_action(app)

out = make_console()
err = make_console(stderr=True)

PathArg = Annotated[Path, typer.Argument(help="the repository (default: current directory)")]


class Proposer(StrEnum):
    """Who proposes rewrites (docs/llm.md); every proposal goes through the same verification."""

    RULES = "rules"
    LLM = "llm"
    BOTH = "both"


def _version(value: bool) -> None:
    if value:
        try:
            print(f"codeflash-bot {version('codeflash-bot')}")
        except PackageNotFoundError:
            print("codeflash-bot (not installed as a package)")
        raise typer.Exit()


@app.callback()
def _main(
    _: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """Profile a Python repo, prove and measure rewrites, keep only real wins."""


@app.command()
def optimize(
    path: PathArg = Path("."),
    domain: Annotated[Domain, typer.Option(help="what to optimize")] = Domain.AUTO,
    target: Annotated[str | None, typer.Option(help="module:func or file.py::func")] = None,
    request: Annotated[str | None, typer.Option(help="free text describing the problem")] = None,
    guard: Annotated[str | None, typer.Option(help="command that must pass after a keep")] = None,
    workload: Annotated[str | None, typer.Option(help="script to profile instead of tests")] = None,
    budget_minutes: Annotated[
        float | None,
        typer.Option(min=0.1, help="time budget of the run, minutes (default from config: 30)"),
    ] = None,
    max_experiments: Annotated[
        int | None,
        typer.Option(min=1, help="at most this many experiments (default from config: 60)"),
    ] = None,
    min_improvement: Annotated[
        float | None, typer.Option(min=0, help="percent a keep must gain (default from config: 10)")
    ] = None,
    python: Annotated[str | None, typer.Option(help="interpreter of the project's env")] = None,
    proposer: Annotated[
        Proposer | None,
        typer.Option(help="who proposes rewrites (docs/llm.md) (default from config: rules)"),
    ] = None,
    changed_since: Annotated[
        str | None,
        typer.Option(
            help="only functions changed since merge-base(REF, HEAD), as on a pull request",
            metavar="REF",
        ),
    ] = None,
) -> None:
    """Profile, propose, verify, measure; keep real wins as commits on codeflash/<abbr>-<tag>."""
    if python and Path(python).exists():
        python = str(Path(python).absolute())  # relative to where the user typed it
    config = load_config(path).merged(python=python, proposer=proposer and proposer.value)
    req = Request(
        repo=path,
        domain=domain,
        target=target,
        text=request,
        guard=guard,
        workload=workload,
        budget_minutes=budget_minutes,
        max_experiments=max_experiments,
        min_improvement=min_improvement,
        changed_since=changed_since,
    )
    preflight(req, config)  # seconds, not after a minute of building a venv
    budget = max_experiments or config.max_experiments
    from codeflash_bot.loop import optimize as run_optimize

    with RichReporter(err, budget, log=out) as reporter:
        reporter.stage("start", f"{Path(path).resolve()}: request checked")
        summary = run_optimize(req, config, reporter, started=process_start())
    _print_summary(summary)


def _print_summary(summary: RunSummary) -> None:
    table = Table(title=f"codeflash-bot: {summary.branch}")
    for col in ("target", "rule", "speedup", "commit"):
        table.add_column(col)
    for r in summary.kept:
        speed = f"{r.baseline / r.candidate:.2f}x" if r.baseline and r.candidate else "-"
        table.add_row(r.target, r.rule, speed, r.commit)
    out.print(table)
    best = (
        "none"
        if summary.best_improvement_pct is None
        else f"-{summary.best_improvement_pct:.1f}% time"
    )
    out.print(
        f"{summary.experiments} experiments: {len(summary.kept)} kept,"
        f" {summary.discarded} discarded, {summary.crashed} crashed; best {best};"
        f" stopped: {summary.stopped_because}",
        highlight=False,
    )
    if summary.changed is not None:
        from codeflash_bot.session.change_review import summary_lines

        for line in summary_lines(summary.changed):
            out.print(line, highlight=False, markup=False)
    if summary.budget_seconds is not None:
        line = render_phases(summary.phases, summary.budget_seconds, summary.wall_seconds or 0.0)
        out.print(line, highlight=False, markup=False)


@app.command()
def status(path: PathArg = Path(".")) -> None:
    """Results and handoff of the bot's latest branch (or the one checked out)."""
    out.print(status_report(path))


@app.command()
def cleanup(
    path: PathArg = Path("."),
    all_: Annotated[
        bool,
        typer.Option("--all", help="also remove the venvs the bot made under .git/codeflash"),
    ] = False,
) -> None:
    """Keep learnings.md and results.tsv (and the benchmark tests); remove HANDOFF.md,
    setup.md, conventions.md, scale.json, bench_*.py and pr-body*.md from the bot's branch, and
    every worktree, lock, corpus and marker runs left under .git/codeflash (venvs/ stays unless
    --all)."""
    branch, removed, leftovers = cleanup_branch(path)
    if all_:
        leftovers += cleanup_venvs(path)
    for line in leftovers:
        out.print(line, highlight=False, markup=False)
    if branch is None:
        out.print("no codeflash/* branch in this repository", highlight=False)
    elif removed:
        out.print(f"{branch}: removed {', '.join(removed)}", highlight=False, markup=False)
    else:
        out.print(f"{branch}: nothing to clean", highlight=False, markup=False)


def main() -> None:
    """Console-script entry: BotError -> one line on stderr and its exit code."""
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except BotError as exc:
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        err.print("codeflash-bot: interrupted", highlight=False)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(1)
    except Exception as exc:
        # Usage errors (typer vendors click, so match by shape, not by class): one line.
        exit_code = getattr(exc, "exit_code", None)
        if hasattr(exc, "format_message") and isinstance(exit_code, int):
            _fail(str(exc.format_message()), exit_code)
        if os.environ.get("CODEFLASH_DEBUG"):
            raise
        _fail(
            f"internal error: {type(exc).__name__}: {exc} (CODEFLASH_DEBUG=1 shows more)",
            EXIT_INTERNAL,
        )


def _fail(message: str, code: int) -> None:
    err.print(f"codeflash-bot: error: {' '.join(message.split())}", highlight=False, markup=False)
    sys.exit(code)
