"""Where a run works: the bot's branch, checked out in a private worktree (or in place).

The user's checkout is never written to: when the user is on another branch the bot checks its
branch `codeflash/<abbr>-<tag>` out under `<git dir>/codeflash/worktrees/`. When the user is
already on a `codeflash/*` branch the run happens in place (it is the bot's branch).

During a run, `.codeflash/` state is written to a mirror under `<git dir>/codeflash/state/` and
only copied into the checkout and committed at the end, so a `kill -9` leaves no stray files in
anyone's tree, and the next run resumes from the mirror.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from codeflash_bot.errors import BotError
from codeflash_bot.git import BOT_BRANCH_PREFIX, Git, validate_branch_name
from codeflash_bot.models import Domain
from codeflash_bot.session.state import STATE_DIR, State

PENDING = "pending.json"


@dataclass
class Workspace:
    """An open working area for one run."""

    user_git: Git
    git: Git
    checkout: Path
    project: Path
    project_rel: Path
    branch: str
    in_place: bool
    resumed: bool
    bot_dir: Path

    @property
    def mirror(self) -> State:
        """State files of this branch, outside every work tree."""
        return State(self.bot_dir / "state" / _safe(self.branch))

    @property
    def state(self) -> State:
        """State files inside the checkout (what gets committed)."""
        return State(self.project)

    @property
    def corpus_root(self) -> Path:
        return self.bot_dir / "corpus" / _safe(self.branch)

    def rel(self, path: Path) -> str:
        """Checkout-relative path string for git."""
        return (self.project_rel / path).as_posix()

    # --- candidate on disk: remembered so a crash can be undone ----------------------------
    def write_candidate(self, rel_file: Path, source: str) -> None:
        pending = {"path": self.rel(rel_file), "sha256": _sha(source)}
        self.mirror.write(PENDING, json.dumps(pending))
        (self.project / rel_file).write_text(source, encoding="utf-8")

    def restore_candidate(self, rel_file: Path) -> None:
        self.git.restore_paths([self.rel(rel_file)])
        self.clear_pending()

    def clear_pending(self) -> None:
        self.mirror.path(PENDING).unlink(missing_ok=True)

    def close(self) -> None:
        if not self.in_place:
            self.user_git.remove_worktree(self.checkout)
            shutil.rmtree(self.checkout, ignore_errors=True)


def _safe(branch: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", branch)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def branch_name(domain: Domain, tag: str | None = None) -> str:
    tag = tag or dt.date.today().isoformat()
    return validate_branch_name(f"{BOT_BRANCH_PREFIX}{domain.abbr}-{tag}")


def undo_crashed_candidate(user_git: Git) -> str | None:
    """If a killed run left its candidate in this checkout, put the file back; returns its path.

    Only a file whose content is byte-for-byte the recorded candidate is restored: anything
    else is the user's work and is left alone.
    """
    branch = user_git.current_branch()
    if not branch or not branch.startswith(BOT_BRANCH_PREFIX):
        return None
    mirror = State(user_git.common_dir() / "codeflash" / "state" / _safe(branch))
    raw = mirror.read(PENDING)
    if not raw:
        return None
    pending = json.loads(raw)
    path = user_git.cwd / pending["path"]
    if path.is_file() and _sha(path.read_text(encoding="utf-8")) == pending["sha256"]:
        user_git.restore_paths([pending["path"]])
        mirror.path(PENDING).unlink(missing_ok=True)
        return pending["path"]
    return None


def require_clean(user_git: Git) -> None:
    """Refuse modified or staged tracked files (after undoing our own crashed candidate)."""
    undo_crashed_candidate(user_git)
    dirty = user_git.run("status", "--porcelain", "--untracked-files=no").stdout.strip()
    if dirty:
        first = dirty.splitlines()[0][3:]
        raise BotError(
            f"working tree has uncommitted changes ({first}); commit or stash them first"
        )


def open_workspace(user_git: Git, project_rel: Path, domain: Domain) -> Workspace:
    """Create or resume the bot's branch; the user's tree must be clean."""
    require_clean(user_git)
    bot_dir = user_git.common_dir() / "codeflash"
    current = user_git.current_branch()
    toplevel = user_git.toplevel()
    if current and current.startswith(BOT_BRANCH_PREFIX):
        return Workspace(
            user_git=user_git,
            git=user_git,
            checkout=toplevel,
            project=toplevel / project_rel,
            project_rel=project_rel,
            branch=current,
            in_place=True,
            resumed=True,
            bot_dir=bot_dir,
        )
    branch = branch_name(domain)
    path = bot_dir / "worktrees" / _safe(branch)
    if path.exists():
        user_git.remove_worktree(path)
        shutil.rmtree(path, ignore_errors=True)
    elsewhere = user_git.worktree_branches().get(branch)
    if elsewhere is not None:
        raise BotError(f"branch {branch} is checked out at {elsewhere}; run the bot there")
    resumed = user_git.branch_exists(branch)
    path.parent.mkdir(parents=True, exist_ok=True)
    if resumed:
        user_git.add_worktree(path, branch)
    else:
        user_git.add_worktree(path, branch, create_from="HEAD")
    return Workspace(
        user_git=user_git,
        git=Git(path),
        checkout=path,
        project=path / project_rel,
        project_rel=project_rel,
        branch=branch,
        in_place=False,
        resumed=resumed,
        bot_dir=bot_dir,
    )


def sync_mirror_from_branch(ws: Workspace, names: tuple[str, ...]) -> None:
    """Seed the mirror from the branch's committed state unless the mirror is further along.

    A mirror left by an earlier, deleted branch of the same name (same domain, same day) is
    not this branch's history: a new branch starts from an empty mirror and corpus, and a
    resumed one trusts its mirror only while every kept commit there is on the branch.
    """
    mirror, committed = ws.mirror, ws.state
    if not ws.resumed:
        shutil.rmtree(mirror.root, ignore_errors=True)
        shutil.rmtree(ws.corpus_root, ignore_errors=True)
    further = len(mirror.results()) >= len(committed.results())
    if further and mirror.path("results.tsv").exists() and _kept_on_branch(ws, mirror):
        return
    for name in names:
        text = committed.read(name)
        if text:
            mirror.write(name, text)


def _kept_on_branch(ws: Workspace, mirror: State) -> bool:
    """Every kept row of `mirror` names a commit that is an ancestor of the branch head."""
    for record in mirror.results():
        if record.commit == "-":
            continue
        probe = ws.git.run("merge-base", "--is-ancestor", record.commit, "HEAD", check=False)
        if probe.returncode != 0:
            return False
    return True


def publish_state(ws: Workspace, names: tuple[str, ...], message: str) -> str | None:
    """Copy mirror files into the checkout and commit them; returns the sha or None if unchanged."""
    paths = []
    for name in names:
        text = ws.mirror.read(name)
        if not text:
            continue
        ws.state.write(name, text)
        paths.append(ws.rel(Path(STATE_DIR) / name))
    if not paths:
        return None
    ws.git.run("add", "--", *paths)
    if not ws.git.run("diff", "--cached", "--quiet", check=False).returncode:
        return None
    return ws.git.commit_paths(message, paths)
