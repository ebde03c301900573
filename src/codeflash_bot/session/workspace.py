"""Where a run works: the bot's branch, checked out in a private worktree (or in place).

The user's checkout is never written to: when the user is on another branch the bot checks its
branch `codeflash/<abbr>-<tag>` out under `<git dir>/codeflash/worktrees/`. When the user is
already on a `codeflash/*` branch the run happens in place (it is the bot's branch).

During a run, `.codeflash/` state is written to a mirror under `<git dir>/codeflash/state/` and
only copied into the checkout and committed at the end, so a `kill -9` leaves no stray files in
anyone's tree, and the next run resumes from the mirror. What a killed run did leave (worktree,
git locks, files written in place) is repaired first, by session/recovery.py.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

from codeflash_bot.errors import BotError
from codeflash_bot.faults import checkpoint
from codeflash_bot.git import BOT_BRANCH_PREFIX, Git, validate_branch_name
from codeflash_bot.models import Domain, ExperimentRecord
from codeflash_bot.session.recovery import (
    WORKTREES,
    bot_dir,
    claim_branch,
    drop_worktree,
    forget_written,
    interrupted_branch,
    mirror_of,
    note_written,
    release_branch,
    repair,
    safe,
)
from codeflash_bot.session.state import STATE_DIR, State, temp_path, write_atomic

KEEPING = "keeping.json"  # in the mirror: a keep being committed, so a kill cannot lose its row


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
        return mirror_of(self.bot_dir, self.branch)

    @property
    def state(self) -> State:
        """State files inside the checkout (what gets committed)."""
        return State(self.project)

    @property
    def corpus_root(self) -> Path:
        return self.bot_dir / "corpus" / safe(self.branch)

    def rel(self, path: Path) -> str:
        """Checkout-relative path string for git."""
        return (self.project_rel / path).as_posix()

    # --- candidate on disk: remembered so a crash can be undone ----------------------------
    def write_candidate(self, rel_file: Path, source: str) -> None:
        note_written(self.mirror, {self.rel(rel_file): source})
        write_atomic(self.project / rel_file, source, point="candidate-temp")

    def restore_candidate(self, rel_file: Path) -> None:
        temp_path(self.project / rel_file).unlink(missing_ok=True)
        self.git.restore_paths([self.rel(rel_file)])
        self.clear_pending()

    def clear_pending(self) -> None:
        forget_written(self.mirror)

    def commit_keep(self, message: str, rel_file: Path, record: ExperimentRecord) -> str:
        """Commit a kept candidate and record its row; a kill in between is finished on resume
        by `finish_interrupted_keep` (the commit is there, so the row must be too)."""
        keeping = {
            "parent": self.git.head_sha(),
            "subject": message.splitlines()[0],
            "record": record.model_dump(mode="json"),
        }
        self.mirror.write(KEEPING, json.dumps(keeping))
        checkpoint("commit")
        sha = self.git.commit_paths(message, [self.rel(rel_file)])
        checkpoint("committed")
        self.mirror.append_result(record.model_copy(update={"commit": sha}))
        self.mirror.path(KEEPING).unlink(missing_ok=True)
        self.clear_pending()
        return sha

    def close(self) -> None:
        checkpoint("teardown")
        if not self.in_place:
            drop_worktree(self.user_git, self.checkout, self.bot_dir)
        release_branch(self.bot_dir, self.branch)


def branch_name(domain: Domain, tag: str | None = None) -> str:
    tag = tag or dt.date.today().isoformat()
    return validate_branch_name(f"{BOT_BRANCH_PREFIX}{domain.abbr}-{tag}")


def require_clean(user_git: Git) -> list[str]:
    """Repair what interrupted runs left (recovery.py), then refuse modified or staged tracked
    files. Returns one line per repair."""
    notes = repair(user_git)
    # Never strip() porcelain output: " M path" starts with a status column that is a space.
    status = user_git.run("status", "--porcelain", "--untracked-files=no").stdout
    dirty = [line for line in status.splitlines() if line.strip()]
    if dirty:
        first = dirty[0][3:]
        raise BotError(
            f"working tree has uncommitted changes ({first}); commit or stash them first"
        )
    return notes


def open_workspace(user_git: Git, project_rel: Path, domain: Domain) -> Workspace:
    """Create or resume the bot's branch; the user's tree must be clean.

    An interrupted run of this domain is resumed on its own branch (even if it was started on
    another day); otherwise the branch is `codeflash/<abbr>-<today>`.
    """
    require_clean(user_git)
    bot = bot_dir(user_git)
    current = user_git.current_branch()
    toplevel = user_git.toplevel()
    if current and current.startswith(BOT_BRANCH_PREFIX):
        claim_branch(bot, current, toplevel, in_place=True)
        return Workspace(
            user_git=user_git,
            git=user_git,
            checkout=toplevel,
            project=toplevel / project_rel,
            project_rel=project_rel,
            branch=current,
            in_place=True,
            resumed=True,
            bot_dir=bot,
        )
    branch = _resumable(user_git, bot, domain) or branch_name(domain)
    path = bot / WORKTREES / safe(branch)
    claim_branch(bot, branch, path, in_place=False)
    try:
        return _worktree_workspace(user_git, project_rel, bot, branch, path)
    except BaseException:
        release_branch(bot, branch)
        raise


def _resumable(user_git: Git, bot: Path, domain: Domain) -> str | None:
    """The branch of an interrupted run of `domain` that can be checked out here."""
    branch = interrupted_branch(bot, f"{BOT_BRANCH_PREFIX}{domain.abbr}-")
    if branch is None or not user_git.branch_exists(branch):
        return None
    return None if branch in user_git.worktree_branches() else branch


def _worktree_workspace(
    user_git: Git, project_rel: Path, bot: Path, branch: str, path: Path
) -> Workspace:
    drop_worktree(user_git, path, bot)
    elsewhere = user_git.worktree_branches().get(branch)
    if elsewhere is not None:
        raise BotError(f"branch {branch} is checked out at {elsewhere}; run the bot there")
    resumed = user_git.branch_exists(branch)
    path.parent.mkdir(parents=True, exist_ok=True)
    if resumed:
        user_git.add_worktree(path, branch)
    else:
        user_git.add_worktree(path, branch, create_from="HEAD")
    copy_ignored_sources(user_git, path)
    return Workspace(
        user_git=user_git,
        git=Git(path),
        checkout=path,
        project=path / project_rel,
        project_rel=project_rel,
        branch=branch,
        in_place=False,
        resumed=resumed,
        bot_dir=bot,
    )


IGNORED_SOURCE_SUFFIXES = (".py", *EXTENSION_SUFFIXES)
IGNORED_SKIP = {"build", "dist", "node_modules", "site-packages", "__pycache__"}
MAX_IGNORED_FILES = 200
MAX_IGNORED_BYTES = 8 << 20


def copy_ignored_sources(user_git: Git, worktree: Path) -> list[str]:
    """Copy git-ignored modules the code imports (a setuptools-scm/hatch-vcs `_version.py`, an
    extension built in place) from the user's checkout into a fresh worktree, which git leaves
    without them; they stay ignored there, so nothing the bot commits can include them."""
    top = user_git.toplevel()
    listed = user_git.run(
        "ls-files", "--others", "--ignored", "--exclude-standard", "--directory", check=False
    ).stdout.splitlines()
    copied: list[str] = []
    for rel in listed:
        parts = Path(rel).parts
        if rel.endswith("/") or not rel.endswith(IGNORED_SOURCE_SUFFIXES):
            continue
        if any(p.startswith(".") or p in IGNORED_SKIP or "venv" in p for p in parts[:-1]):
            continue
        source, target = top / rel, worktree / rel
        if not source.is_file() or source.stat().st_size > MAX_IGNORED_BYTES or target.exists():
            continue
        if not target.parent.is_dir():
            continue  # only next to tracked code: never recreate an ignored tree
        shutil.copy2(source, target)
        copied.append(rel)
        if len(copied) >= MAX_IGNORED_FILES:
            break
    return copied


def finish_interrupted_keep(mirror: State, git: Git) -> str | None:
    """A run killed between committing a keep and writing its row: write the row now.

    `git` has the branch checked out. The keep counts only if the branch tip is that very commit
    (same parent and subject); otherwise the commit never happened and the experiment is simply
    tried again.
    """
    raw = mirror.read(KEEPING)
    if not raw:
        return None
    keeping = json.loads(raw)
    parent, _, subject = git.out("log", "-1", "--format=%P%n%s").partition("\n")
    sha = None
    if parent.split()[:1] == [keeping["parent"]] and subject == keeping["subject"]:
        sha = git.short_sha()
        if sha not in {r.commit for r in mirror.results()}:
            record = ExperimentRecord.model_validate(keeping["record"])
            mirror.append_result(record.model_copy(update={"commit": sha}))
    mirror.path(KEEPING).unlink(missing_ok=True)
    return sha


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
    texts = {ws.rel(Path(STATE_DIR) / name): ws.mirror.read(name) for name in names}
    texts = {path: text for path, text in texts.items() if text}
    if not texts:
        return None
    note_written(ws.mirror, texts)  # in place, a kill here must not look like user edits
    for name in names:
        if text := ws.mirror.read(name):
            ws.state.write(name, text)
    checkpoint("publish")
    paths = list(texts)
    ws.git.run("add", "--", *paths)
    sha = None
    if ws.git.run("diff", "--cached", "--quiet", check=False).returncode:
        sha = ws.git.commit_paths(message, paths)
        checkpoint("published")
    ws.clear_pending()
    return sha
