"""CLI wiring for the prep stage: `prepare-pr` and `compare` (cli.py calls `register(app)`).

Only argument parsing and printing live here; BotError propagates to `cli.main`, which turns it
into one line on stderr and a non-zero exit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codeflash_bot.console import make_console
from codeflash_bot.errors import BotError
from codeflash_bot.git import BOT_BRANCH_PREFIX, open_repo
from codeflash_bot.prep.compare import compare
from codeflash_bot.prep.draft import draft_pull_request
from codeflash_bot.prep.inventory import inventory_table

NO_BASE = "cannot guess the base branch (no main or master): pass --base"
NO_HEAD = "no codeflash/* branch checked out or found: pass --head"

_out = make_console()
_err = make_console(stderr=True)
BOTH_PATHS = "give the repository once: as the PATH argument or as --path, not both"


def register(app: typer.Typer) -> None:
    """Add `prepare-pr` and `compare` to the bot's typer app."""
    app.command("prepare-pr")(prepare_pr_cmd)
    app.command("compare")(compare_cmd)


def prepare_pr_cmd(
    path: Annotated[Path, typer.Argument(help="the repository")] = Path("."),
    base: Annotated[str | None, typer.Option(help="branch the PR targets (main/master)")] = None,
    head: Annotated[str | None, typer.Option(help="the bot's branch (default: current)")] = None,
    no_compare: Annotated[bool, typer.Option("--no-compare", help="skip compare")] = False,
    timeout: Annotated[float, typer.Option(min=1, help="compare budget, seconds")] = 600.0,
    python: Annotated[str | None, typer.Option(help="the target's interpreter")] = None,
) -> None:
    """Inventory kept optimizations, add benchmark tests, compare BASE HEAD, write PR bodies."""
    base, head = resolve_refs(path, base, head)
    draft = draft_pull_request(
        path, base, head, run_compare=not no_compare, timeout=timeout, python=python
    )
    _out.print(inventory_table(draft.optimizations))
    if draft.recaptured is not None:
        _out.print(draft.recaptured.line(), highlight=False, markup=False)
    if draft.compare is not None:
        _out.print(draft.compare.table())
    for note in draft.notes:
        if draft.recaptured is not None and note == draft.recaptured.line():
            continue  # printed above, with the inventory
        _err.print(f"note: {note}", highlight=False, markup=False)
    _out.print(f"title: {draft.title}", highlight=False, markup=False)
    for name in draft.files_written:
        where = "wrote" if Path(name).is_absolute() else f"committed on {draft.head}:"
        _out.print(f"{where} {name}", highlight=False, markup=False)


def compare_cmd(
    base: Annotated[str, typer.Argument(help="ref before (e.g. main)")],
    head: Annotated[str, typer.Argument(help="ref after (e.g. codeflash/ds-...)")],
    path: Annotated[
        Path | None, typer.Argument(help="the repository (default: current directory)")
    ] = None,
    path_option: Annotated[
        Path | None, typer.Option("--path", help="the repository (same as PATH)")
    ] = None,
    memory: Annotated[bool, typer.Option("--memory", help="add peak memory columns")] = False,
    timeout: Annotated[float, typer.Option(min=1, help="overall budget, seconds")] = 600.0,
    inject: Annotated[
        list[Path] | None, typer.Option(help="benchmark file/dir copied into both worktrees")
    ] = None,
    python: Annotated[str | None, typer.Option(help="the target's interpreter")] = None,
) -> None:
    """Run the benchmarks at BASE and HEAD (git worktrees) and print the comparison."""
    if path is not None and path_option is not None and path != path_option:
        raise BotError(BOTH_PATHS)
    result = compare(
        path or path_option or Path("."),
        base,
        head,
        memory=memory,
        timeout=timeout,
        inject=inject or None,
        python=python,
    )
    _out.print(result.table())
    for warning in result.warnings:
        _err.print(f"warning: {warning}", highlight=False, markup=False)


def resolve_refs(path: Path, base: str | None, head: str | None) -> tuple[str, str]:
    """Defaults: base = main or master; head = the current branch if it is a bot branch."""
    git = open_repo(path)
    if base is None:
        base = next((b for b in ("main", "master") if git.branch_exists(b)), None)
        if base is None:
            raise BotError(NO_BASE)
    if head is None:
        current = git.current_branch()
        if current and current.startswith(BOT_BRANCH_PREFIX):
            head = current
        else:
            bots = git.out(
                "for-each-ref",
                "--sort=-committerdate",
                "--format=%(refname:short)",
                f"refs/heads/{BOT_BRANCH_PREFIX}",
            ).split()
            if not bots:
                raise BotError(NO_HEAD)
            head = bots[0]
    return base, head
