"""`status` and `cleanup`: read or trim the `.codeflash/` state of the bot's branch.

`cleanup` also removes whatever runs left under `<git dir>/codeflash/` (session/recovery.py),
whatever state they were killed in; only `venvs/` stays (recovery.KEPT_BY_CLEANUP), and
`cleanup --all` removes that too. PR body drafts an older prepare-pr left untracked in the
user's checkout go as well.

Both work from the user's checkout: if it is on a `codeflash/*` branch that branch is used,
otherwise the most recently committed `codeflash/*` branch (read through git, never checked out
over the user's work).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from rich.console import Group
from rich.markdown import Markdown
from rich.table import Table

from codeflash_bot.errors import BotError
from codeflash_bot.git import BOT_BRANCH_PREFIX, Git, open_repo
from codeflash_bot.models import Status
from codeflash_bot.session.recovery import (
    bot_dir,
    branch_worktree,
    ensure_idle,
    mirror_of,
    remove_leftovers,
    repair,
)
from codeflash_bot.session.report import speedup_of
from codeflash_bot.session.state import (
    CLEANUP_KEEPS,
    HANDOFF,
    RESULTS,
    STATE_DIR,
    State,
    parse_results,
)
from codeflash_bot.session.workspace import finish_interrupted_keep


def latest_bot_branch(git: Git) -> str:
    current = git.current_branch()
    if current and current.startswith(BOT_BRANCH_PREFIX):
        return current
    out = git.out(
        "for-each-ref",
        "--sort=-committerdate",
        "--format=%(refname:short)",
        "refs/heads/codeflash/",
    )
    if not out:
        raise BotError("no codeflash/* branch in this repository yet; run `codeflash-bot optimize`")
    return out.splitlines()[0]


def _show(git: Git, branch: str, rel: str) -> str:
    proc = git.run("show", f"{branch}:{rel}", check=False)
    return proc.stdout if proc.returncode == 0 else ""


def status_report(path: Path) -> Group:
    """A rich renderable: results table + HANDOFF.md of the bot's branch."""
    git = open_repo(path)
    project_rel = Path(path).resolve().relative_to(git.toplevel().resolve())
    branch = latest_bot_branch(git)
    prefix = (project_rel / STATE_DIR).as_posix()
    records = parse_results(_show(git, branch, f"{prefix}/{RESULTS}"), f"{branch}:{RESULTS}")
    table = Table(title=f"{branch}: {len(records)} experiments")
    for col in ("status", "target", "rule", "speedup", "commit"):
        table.add_column(col)
    style = {Status.KEEP: "green", Status.DISCARD: "yellow", Status.CRASH: "red"}
    for r in records:
        table.add_row(
            f"[{style[r.status]}]{r.status.value}[/]",
            r.target,
            r.rule,
            speedup_of(r),
            r.commit,
        )
    handoff = _show(git, branch, f"{prefix}/{HANDOFF}")
    text = escape_underscores(handoff) if handoff else "_no HANDOFF.md on the branch_"
    return Group(table, Markdown(text))


_CODE_SPAN = re.compile(r"(`+)(?:.*?)\1", re.S)


def escape_underscores(markdown: str) -> str:
    """Underscores outside code spans escaped, so `__init__.py` or `my_var_name` in HANDOFF.md
    print as written instead of as bold or italics (names carry underscores; emphasis in the
    handoff never uses them)."""
    out: list[str] = []
    last = 0
    for match in _CODE_SPAN.finditer(markdown):
        out.append(_escape(markdown[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_escape(markdown[last:]))
    return "".join(out)


def _escape(text: str) -> str:
    return re.sub(r"(?<!\\)_", r"\\_", text)


def cleanup_branch(path: Path) -> tuple[str | None, list[str], list[str]]:
    """`cleanup`: undo what any run left (worktrees, locks, markers, caches under
    `<git dir>/codeflash/` except the venvs), then remove run-scoped state on the bot's branch
    as one commit. Returns (branch or None, state files removed, leftovers removed)."""
    git = open_repo(path)
    project_rel = Path(path).resolve().relative_to(git.toplevel().resolve())
    ensure_idle(git)
    leftovers = repair(git)
    try:
        branch: str | None = latest_bot_branch(git)
    except BotError:
        branch = None
    removed = [] if branch is None else _cleanup_branch(git, branch, project_rel)
    drafts = []
    for rel in _untracked_drafts(git, project_rel):
        (git.toplevel() / rel).unlink(missing_ok=True)
        drafts.append(f"removed {rel} (an untracked PR draft)")
    return branch, removed, leftovers + drafts + remove_leftovers(git)


def cleanup_venvs(path: Path) -> list[str]:
    """`cleanup --all`: also remove the venvs the bot made (the one cache plain cleanup keeps);
    call after `cleanup_branch`. Returns one line per directory removed."""
    git = open_repo(path)
    venvs = bot_dir(git) / "venvs"
    if not venvs.is_dir():
        return []
    shutil.rmtree(venvs, ignore_errors=True)
    return [f"removed {venvs.parent.parent.name}/{venvs.relative_to(venvs.parent.parent)}"]


def _untracked_drafts(git: Git, project_rel: Path) -> list[str]:
    """`.codeflash/pr-body*.md` an older prepare-pr left untracked in the user's checkout."""
    prefix = (project_rel / STATE_DIR).as_posix()
    out = git.run(
        "ls-files", "--others", "--exclude-standard", "--", f"{prefix}/pr-body*.md", check=False
    ).stdout
    return [line for line in out.splitlines() if line.strip()]


def _cleanup_branch(git: Git, branch: str, project_rel: Path) -> list[str]:
    mirror = mirror_of(bot_dir(git), branch)
    if git.current_branch() == branch:
        if git.run("status", "--porcelain", "--untracked-files=no").stdout.strip():
            raise BotError("working tree has uncommitted changes; commit or stash them first")
        return _cleanup_in(git, git.toplevel() / project_rel, project_rel, mirror)
    with branch_worktree(git, branch) as worktree:
        return _cleanup_in(Git(worktree), worktree / project_rel, project_rel, mirror)


def _cleanup_in(git: Git, project: Path, project_rel: Path, mirror: State) -> list[str]:
    """Remove the run files; rows a killed run recorded only in the mirror are kept first (the
    mirror is about to go, and results.tsv is what cleanup keeps)."""
    state = State(project)
    finish_interrupted_keep(mirror, git)
    kept = []
    if len(mirror.results()) > len(state.results()):
        for name in CLEANUP_KEEPS:
            if text := mirror.read(name):
                state.write(name, text)
                kept.append(state.rel(name))
    removed = state.cleanup()
    if not removed and not kept:
        return []
    paths = [(project_rel / r).as_posix() for r in [*removed, *kept]]
    git.run("add", "--all", "--", *paths)
    git.run("commit", "--no-verify", "--quiet", "-m", "codeflash: cleanup run state", "--", *paths)
    return removed
