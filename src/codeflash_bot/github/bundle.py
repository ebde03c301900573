"""The `codeflash/*` branch as a git bundle: written by the run phase, checked by publish.

The run phase bundles only the commits origin does not have (everything after the base it
started from and the branch sha it leased). The publish phase imports the bundle into a fresh
bare repository of its own — never the checkout, whose .git the repository's code could have
rewritten — next to what it fetched itself from `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY.git`,
and refuses unless: the bundle holds exactly the manifest's branch at the manifest's sha, its
prerequisites are commits origin has, and every new commit touches only the manifest's files
(never `.github/`, which would turn a pull request into a workflow change).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from codeflash_bot.errors import BotError
from codeflash_bot.git import BOT_BRANCH_PREFIX, Git, validate_branch_name
from codeflash_bot.github import remote
from codeflash_bot.github.artifact import BUNDLE, MAX_FILES, Manifest

MAX_NEW_COMMITS = 500
FORBIDDEN_PREFIXES = (".github/",)


@dataclass(frozen=True)
class Staged:
    """What the run phase put in the bundle."""

    branch: str
    head_sha: str
    base_sha: str | None
    files: list[str]


def stage_branch(
    git: Git, branch: str, directory: Path, *, lease: str | None, base_sha: str | None
) -> Staged:
    """Bundle `branch`'s commits that are not in `lease`/`base_sha` into `directory`."""
    _require_bot_branch(branch)
    head = git.head_sha(f"refs/heads/{branch}")
    exclude = [sha for sha in (lease, base_sha) if sha and git.ref_exists(sha)]
    not_args = ["--not", *exclude] if exclude else []
    log = git.run("log", "--format=", "--name-only", "--no-renames", "-m", head, *not_args)
    files = sorted({line for line in log.stdout.splitlines() if line.strip()})
    if len(files) > MAX_FILES:
        raise BotError(f"{branch} touches {len(files)} files, more than {MAX_FILES}")
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / BUNDLE
    if head in exclude:
        out.unlink(missing_ok=True)  # nothing new: publish only talks to the API
    else:
        git.run("bundle", "create", "--quiet", str(out), f"refs/heads/{branch}", *not_args)
    return Staged(branch, head, base_sha, files)


def _require_bot_branch(branch: str) -> None:
    validate_branch_name(branch)
    if not branch.startswith(BOT_BRANCH_PREFIX):
        raise BotError(f"refusing {branch!r}: only {BOT_BRANCH_PREFIX}* branches are published")


def origin_url(server_url: str, repository: str) -> str:
    """Where publish pushes: the server and repository the runner names, nothing else."""
    return f"{server_url.rstrip('/')}/{repository}.git"


def import_bundle(manifest: Manifest, directory: Path, url: str, token: str | None) -> Git:
    """A fresh bare repository holding origin's base/branch and the validated bundle."""
    branch = manifest.branch or ""
    _require_bot_branch(branch)
    if manifest.head_sha is None:
        raise BotError("manifest: a branch without head_sha")
    repo = Path(tempfile.mkdtemp(prefix="codeflash-publish-"))
    git = Git(repo)
    git.run("init", "--quiet", "--bare")
    git.run("remote", "add", "origin", url)
    specs = []
    if manifest.base:
        validate_branch_name(manifest.base)
        specs.append(f"+refs/heads/{manifest.base}:refs/remotes/origin/{manifest.base}")
    if remote.remote_sha(git, branch, token) is not None:
        specs.append(f"+refs/heads/{branch}:refs/remotes/origin/{branch}")
    if specs:
        remote._remote_git(git, token, "fetch", "--quiet", "--no-tags", "origin", *specs)
    bundle = directory / BUNDLE
    if not bundle.is_file():
        if not git.ref_exists(f"refs/remotes/origin/{branch}"):
            raise BotError(f"manifest names {branch} but the artifact has no {BUNDLE}")
        if git.head_sha(f"refs/remotes/origin/{branch}") != manifest.head_sha:
            raise BotError(f"{branch}: no bundle and origin's branch is not the manifest's sha")
        git.run("update-ref", f"refs/heads/{branch}", manifest.head_sha)
        return git
    heads = git.run("bundle", "list-heads", str(bundle), check=False)
    refs = [line.split(" ", 1) for line in heads.stdout.splitlines() if line.strip()]
    if heads.returncode != 0 or [ref for _, ref in refs] != [f"refs/heads/{branch}"]:
        raise BotError(f"{BUNDLE}: must hold exactly refs/heads/{branch}")
    if refs[0][0] != manifest.head_sha:
        raise BotError(f"{BUNDLE}: {branch} is at {refs[0][0][:12]}, the manifest says otherwise")
    verify = git.run("bundle", "verify", "--quiet", str(bundle), check=False)
    if verify.returncode != 0:
        last = (verify.stderr.strip().splitlines() or ["?"])[-1]
        raise BotError(f"{BUNDLE}: does not apply to origin's history ({last})")
    git.run(
        "fetch", "--quiet", "--no-tags", str(bundle), f"refs/heads/{branch}:refs/heads/{branch}"
    )
    check_touched(git, manifest)
    return git


def check_touched(git: Git, manifest: Manifest) -> None:
    """Every commit origin lacks touches only manifest files, and none under `.github/`."""
    tip = f"refs/heads/{manifest.branch}"
    count = int(git.out("rev-list", "--count", tip, "--not", "--remotes=origin"))
    if count > MAX_NEW_COMMITS:
        raise BotError(f"{manifest.branch}: {count} new commits, more than {MAX_NEW_COMMITS}")
    log = git.run(
        "log", "--format=", "--name-only", "--no-renames", "-m", tip, "--not", "--remotes=origin"
    )
    touched = {line for line in log.stdout.splitlines() if line.strip()}
    allowed = set(manifest.files)
    stray = sorted(touched - allowed)
    if stray:
        raise BotError(f"{manifest.branch}: commits touch {stray[0]!r}, not in the manifest")
    bad = sorted(f for f in touched if f.startswith(FORBIDDEN_PREFIXES))
    if bad:
        raise BotError(f"{manifest.branch}: commits touch {bad[0]!r}; workflows are never changed")
