"""Find and undo what a killed run left behind, touching only what is demonstrably the bot's.

A run claims its branch before it touches anything: `<git common dir>/codeflash/runs/<branch>.json`
holds its pid, the process start time and where it works, and is removed when the run ends. A
claim whose process is gone is an interrupted run. For it the next run (and `cleanup`) undoes:
- its worktree under `<git common dir>/codeflash/worktrees/`, whether the directory is present
  or missing, and even when a killed `git worktree add` left it locked ("initializing"); the
  worktree's own index/HEAD locks go with its admin directory;
- a stale `refs/heads/codeflash/….lock` of its branch;
- when it worked in place (the user's checkout was on the bot's branch): files it had written
  there and not committed (only when byte-for-byte what it wrote, see `PENDING`), and the
  `index.lock`/`HEAD.lock` a killed git left in that checkout, only if created after the run
  started.
A `codeflash/*` branch checked out in a worktree whose directory is gone is released too, and so
is a detached scratch worktree (`scratch_dir`: `--domain auto`, `compare`, `prepare-pr`) whose
process is gone. The
user's own worktrees, branches and locks are never touched, and a claim whose process still runs
is left alone (a second run on that branch stops with an error instead).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from codeflash_bot.errors import BotError
from codeflash_bot.git import BOT_BRANCH_PREFIX, Git
from codeflash_bot.session.state import State, temp_path, write_atomic

RUNS = "runs"
WORKTREES = "worktrees"
PENDING = "pending.json"  # in the branch's mirror: files written into the checkout, uncommitted
KEPT_BY_CLEANUP = ("venvs",)  # interpreters the bot created for the project: a cache, kept
GIT_LOCKS = ("index.lock", "HEAD.lock")
SCRATCH = re.compile(r"^codeflash-[a-z]+-(\d+)-")  # scratch_dir names: kind, then the owner pid
STALE_LOCK_SECONDS = 60.0  # a `codeflash/*` ref lock no claim explains, left alone while fresh


def bot_dir(git: Git) -> Path:
    return git.common_dir() / "codeflash"


def safe(branch: str) -> str:
    """A branch name as one path component."""
    return re.sub(r"[^A-Za-z0-9_.-]", "-", branch)


def mirror_of(bot: Path, branch: str) -> State:
    return State(bot / "state" / safe(branch))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- claims ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Claim:
    """One run's hold on a branch (a JSON file under `<bot dir>/runs/`)."""

    branch: str
    checkout: str
    in_place: bool
    pid: int
    started: str
    created: float
    recovered: bool = False

    def alive(self) -> bool:
        return not self.recovered and process_alive(self.pid, self.started)


def _proc_stat(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (empty where there is no /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return []
    return stat.rsplit(")", 1)[-1].split()


def process_start(pid: int) -> str:
    """The kernel's start time of `pid` (so a reused pid is not mistaken for the run)."""
    fields = _proc_stat(pid)
    return fields[19] if len(fields) > 19 else ""


def process_alive(pid: int, started: str) -> bool:
    """Whether the run `pid` (started at `started`) still runs; a zombie has died."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    fields = _proc_stat(pid)
    if not fields:
        return True
    return fields[0] != "Z" and (not started or process_start(pid) == started)


def _claim_path(bot: Path, branch: str) -> Path:
    return bot / RUNS / f"{safe(branch)}.json"


def claims(bot: Path) -> list[Claim]:
    out = []
    for path in sorted((bot / RUNS).glob("*.json")):
        try:
            out.append(Claim(**json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, TypeError):
            path.unlink(missing_ok=True)  # not a claim this version wrote
    return out


def _save(bot: Path, claim: Claim) -> None:
    (bot / RUNS).mkdir(parents=True, exist_ok=True)
    write_atomic(_claim_path(bot, claim.branch), json.dumps(asdict(claim)), point="claim-temp")


def claim_branch(bot: Path, branch: str, checkout: Path, in_place: bool) -> None:
    """Hold `branch` for this process; refuse when another live run holds it."""
    held = next((c for c in claims(bot) if c.branch == branch), None)
    if held is not None and held.pid != os.getpid() and held.alive():
        raise BotError(f"another codeflash-bot run (pid {held.pid}) is working on {branch}")
    pid = os.getpid()
    _save(bot, Claim(branch, str(checkout), in_place, pid, process_start(pid), time.time()))


def release_branch(bot: Path, branch: str) -> None:
    _claim_path(bot, branch).unlink(missing_ok=True)


def interrupted_branch(bot: Path, prefix: str) -> str | None:
    """The branch of the latest interrupted run starting with `prefix`, to resume it."""
    dead = [c for c in claims(bot) if c.branch.startswith(prefix) and not c.alive()]
    return max(dead, key=lambda c: c.created).branch if dead else None


# --- files written into a checkout (candidate, state on publish) ------------------------------
def note_written(mirror: State, entries: dict[str, str]) -> None:
    """Remember `path -> text` (checkout-relative) about to be written, before writing it."""
    files = _pending(mirror)
    files.update({path: sha256(text) for path, text in entries.items()})
    _save_pending(mirror, files)


def forget_written(mirror: State) -> None:
    mirror.path(PENDING).unlink(missing_ok=True)


def _save_pending(mirror: State, files: dict[str, str]) -> None:
    mirror.write(PENDING, json.dumps({"files": files}))


def _pending(mirror: State) -> dict[str, str]:
    raw = mirror.read(PENDING)
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    if "path" in data:  # the format before resume-from-any-kill-point
        return {data["path"]: data["sha256"]}
    return dict(data.get("files", {}))


def undo_written(mirror: State, git: Git) -> list[str]:
    """Put back every noted file that is still byte-for-byte what the bot wrote; the rest
    (edited since) is the user's and stays. Returns the paths restored."""
    restored = []
    for rel, digest in _pending(mirror).items():
        path = git.cwd / rel
        temp_path(path).unlink(missing_ok=True)
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == digest:
            git.restore_paths([rel])
            restored.append(rel)
    forget_written(mirror)
    return restored


# --- repair ------------------------------------------------------------------------------------
def repair(user_git: Git) -> list[str]:
    """Undo what interrupted runs left; returns one line per repair (for the user)."""
    bot = bot_dir(user_git)
    notes: list[str] = []
    live: set[Path] = set()
    for claim in claims(bot):
        if claim.alive():
            live.add(Path(claim.checkout).resolve())
        elif not claim.recovered:
            notes += _recover(user_git, bot, claim)
    notes += _undo_in_place_leftovers(user_git, bot, live)
    notes += _remove_stale_worktrees(user_git, bot, live)
    return notes


def _recover(user_git: Git, bot: Path, claim: Claim) -> list[str]:
    notes = [f"repaired after an interrupted run on {claim.branch} (pid {claim.pid})"]
    checkout = Path(claim.checkout)
    if claim.in_place and checkout.is_dir():
        git = Git(checkout)
        git_dir = Path(git.out("rev-parse", "--absolute-git-dir"))
        notes += _remove_locks([git_dir / name for name in GIT_LOCKS], claim.created)
        for rel in undo_written(mirror_of(bot, claim.branch), git):
            notes.append(f"restored {rel}, left half-done by that run")
    else:
        forget_written(mirror_of(bot, claim.branch))
    ref_lock = user_git.common_dir() / "refs" / "heads" / f"{claim.branch}.lock"
    if claim.branch.startswith(BOT_BRANCH_PREFIX):
        notes += _remove_locks([ref_lock], 0.0)
    _save(bot, replace(claim, recovered=True))
    return notes


def _remove_locks(paths: list[Path], since: float, *, older_than: float = 0.0) -> list[str]:
    """Remove lock files a killed git left: created after `since` (epoch s) and, with
    `older_than`, untouched for that many seconds (no git still holds it)."""
    notes = []
    now = time.time()
    for path in paths:
        try:
            mtime = path.stat().st_mtime
            if mtime >= since - 1 and now - mtime >= older_than:
                path.unlink()
                notes.append(f"removed the stale git lock {path.name}")
        except FileNotFoundError:
            continue
    return notes


def _undo_in_place_leftovers(user_git: Git, bot: Path, live: set[Path]) -> list[str]:
    """Files a run older than claims left in this checkout while on the bot's branch."""
    branch = user_git.current_branch()
    if not branch or not branch.startswith(BOT_BRANCH_PREFIX):
        return []
    if user_git.toplevel().resolve() in live:
        return []
    return [f"restored {rel}" for rel in undo_written(mirror_of(bot, branch), user_git)]


@dataclass(frozen=True)
class Worktree:
    path: Path
    branch: str | None


def worktrees(git: Git) -> list[Worktree]:
    out: list[Worktree] = []
    for block in git.out("worktree", "list", "--porcelain").split("\n\n"):
        lines = block.splitlines()
        if not lines or not lines[0].startswith("worktree "):
            continue
        branch = next(
            (ln.removeprefix("branch refs/heads/") for ln in lines if ln.startswith("branch ")),
            None,
        )
        out.append(Worktree(Path(lines[0].removeprefix("worktree ")), branch))
    return out


def scratch_dir(kind: str) -> Path:
    """A temp dir for a detached scratch worktree, named after this process: if the process is
    killed, the next run or `cleanup` sees its owner is gone and unregisters the worktree."""
    return Path(tempfile.mkdtemp(prefix=f"codeflash-{kind}-{os.getpid()}-"))


def _dead_scratch(path: Path) -> Path | None:
    """The scratch dir holding worktree `path` when its owning process is gone, else None."""
    for part in (path.parent, path):
        match = SCRATCH.match(part.name)
        if match:
            return part if not process_alive(int(match.group(1)), "") else None
    return None


def _is_bots(path: Path, bot: Path) -> bool:
    return path.resolve().is_relative_to(bot.resolve())


def _remove_stale_worktrees(user_git: Git, bot: Path, live: set[Path]) -> list[str]:
    notes = []
    for wt in worktrees(user_git)[1:]:  # the first is the main checkout
        if wt.path.resolve() in live:
            continue
        ours = _is_bots(wt.path, bot)
        dead = wt.branch is not None and wt.branch.startswith(BOT_BRANCH_PREFIX)
        scratch = _dead_scratch(wt.path)
        if ours or (dead and not wt.path.exists()) or scratch is not None:
            drop_worktree(user_git, wt.path, bot)
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
            notes.append(f"removed the stale worktree {wt.path}")
    for leftover in sorted((bot / WORKTREES).glob("*")):
        if leftover.resolve() not in live:
            shutil.rmtree(leftover, ignore_errors=True)
    return notes


def drop_worktree(user_git: Git, path: Path, bot: Path) -> None:
    """Unregister the worktree at `path` whatever state it is in; delete it if it is the bot's."""
    user_git.run("worktree", "unlock", str(path), check=False)
    user_git.run("worktree", "remove", "--force", "--force", str(path), check=False)
    admin_root = user_git.common_dir() / "worktrees"
    for admin in admin_root.glob("*") if admin_root.is_dir() else []:
        gitdir = admin / "gitdir"
        try:
            points_at = Path(gitdir.read_text(encoding="utf-8").strip()).parent
        except OSError:
            continue
        if points_at == path or points_at.resolve() == path.resolve():
            shutil.rmtree(admin, ignore_errors=True)
    if _is_bots(path, bot):
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def branch_worktree(user_git: Git, branch: str) -> Iterator[Path]:
    """`branch` checked out for a short job (cleanup, prepare-pr, feedback) in the bot's own
    worktree and claimed like a run, so a kill in the middle is repaired like one."""
    bot = bot_dir(user_git)
    path = bot / WORKTREES / safe(branch)
    claim_branch(bot, branch, path, in_place=False)
    try:
        drop_worktree(user_git, path, bot)
        path.parent.mkdir(parents=True, exist_ok=True)
        user_git.add_worktree(path, branch)
        yield path
    finally:
        drop_worktree(user_git, path, bot)
        release_branch(bot, branch)


# --- cleanup -----------------------------------------------------------------------------------
def ensure_idle(user_git: Git) -> None:
    """`cleanup` must not pull the rug from under a live run."""
    busy = [c for c in claims(bot_dir(user_git)) if c.alive()]
    if busy:
        c = busy[0]
        raise BotError(f"a codeflash-bot run (pid {c.pid}) is still working on {c.branch}")


def remove_leftovers(user_git: Git) -> list[str]:
    """Remove everything under `<git dir>/codeflash/` but `KEPT_BY_CLEANUP`, and stale
    `codeflash/*` ref locks, one line each; call after `ensure_idle` and `repair` (so worktrees
    are unregistered before their files go)."""
    bot = bot_dir(user_git)
    refs = user_git.common_dir() / "refs" / "heads" / BOT_BRANCH_PREFIX.rstrip("/")
    removed = _remove_locks(sorted(refs.rglob("*.lock")), 0.0, older_than=STALE_LOCK_SECONDS)
    if not bot.is_dir():
        return removed
    for child in sorted(bot.iterdir()):
        if child.name in KEPT_BY_CLEANUP:
            continue
        if child.name == WORKTREES:
            for wt in worktrees(user_git)[1:]:
                if _is_bots(wt.path, bot):
                    drop_worktree(user_git, wt.path, bot)
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
        removed.append(f"removed {bot.parent.name}/{child.relative_to(bot.parent).as_posix()}")
    return removed
