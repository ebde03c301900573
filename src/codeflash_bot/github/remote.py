"""Fetch from and push to the checkout's `origin`, handing the token to git only when needed.

actions/checkout may leave credentials configured (an `http.*.extraheader`); then git is used
as it is. When origin carries none, the token goes to that one git command as an
`http.extraheader` set through GIT_CONFIG_COUNT/KEY/VALUE environment variables — the same
per-command scope as `git -c`, but not visible in the process list the way argv is. It is
never put in a URL, a file or .git/config. Only `codeflash/*` branches are ever pushed, and a
push that is not a fast-forward uses `--force-with-lease` pinned to the sha the bot fetched.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
from contextvars import ContextVar

from codeflash_bot.errors import BotError
from codeflash_bot.git import BOT_BRANCH_PREFIX, GIT_ENV, NO_REPO_HOOKS, Git, validate_branch_name
from codeflash_bot.session.child_env import git_env

_USERINFO = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@]+@", re.I)


_pinned: ContextVar[str | None] = ContextVar("pinned_origin", default=None)


def pin_origin(url: str | None) -> None:
    """Talk to `url` instead of the checkout's `origin` (None: the checkout's again).

    The run phase pins `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY.git`: the repository's code has
    run by the time the bot fetches, and may have pointed .git/config's origin elsewhere."""
    _pinned.set(url)


def origin_url(git: Git) -> str:
    pinned = _pinned.get()
    if pinned:
        return pinned
    return git.run("remote", "get-url", "origin", check=False).stdout.strip()


def origin_needs_token(git: Git) -> bool:
    """True for an http(s) origin with no userinfo and no configured auth header."""
    url = origin_url(git)
    if not url.lower().startswith(("http://", "https://")) or _USERINFO.match(url):
        return False
    headers = git.run("config", "--get-regexp", r"^http\..*extraheader$", check=False)
    return not headers.stdout.strip()


def auth_env(token: str | None, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment adding `http.extraheader: AUTHORIZATION: basic ...` for one command."""
    env = dict(os.environ if base is None else base)
    if not token:
        return env
    index = int(env.get("GIT_CONFIG_COUNT", "0") or 0)
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    env["GIT_CONFIG_COUNT"] = str(index + 1)
    env[f"GIT_CONFIG_KEY_{index}"] = "http.extraheader"
    env[f"GIT_CONFIG_VALUE_{index}"] = f"AUTHORIZATION: basic {basic}"
    return env


def _remote_git(
    git: Git, token: str | None, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """git talking to origin; the token is added only if origin needs it."""
    env = {**git_env(), **GIT_ENV}
    if token and origin_needs_token(git):
        env = auth_env(token, env)
    pinned = _pinned.get()
    if pinned:
        args = tuple(pinned if a == "origin" else a for a in args)
    proc = subprocess.run(
        ["git", *NO_REPO_HOOKS, *args],
        cwd=git.cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and proc.returncode != 0:
        last = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        detail = last[-1] if last else str(proc.returncode)
        if token:
            detail = detail.replace(token, "***")
        raise BotError(f"git {args[0]} origin failed: {detail}")
    return proc


def remote_sha(git: Git, branch: str, token: str | None) -> str | None:
    """The sha of `branch` on origin, None if origin has no such branch."""
    out = _remote_git(git, token, "ls-remote", "--heads", "origin", f"refs/heads/{branch}")
    for line in out.stdout.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            return sha
    return None


def fetch_bot_branches(git: Git, token: str | None) -> dict[str, str]:
    """Origin's `codeflash/*` branches (name -> sha); those missing locally are fetched as
    local branches so the loop resumes a branch of the same name instead of forking it."""
    out = _remote_git(
        git, token, "ls-remote", "--heads", "origin", f"refs/heads/{BOT_BRANCH_PREFIX}*"
    )
    found: dict[str, str] = {}
    for line in out.stdout.splitlines():
        sha, _, ref = line.partition("\t")
        name = ref.removeprefix("refs/heads/")
        if ref.startswith(f"refs/heads/{BOT_BRANCH_PREFIX}") and _valid(name):
            found[name] = sha
    missing = [name for name in found if not git.branch_exists(name)]
    if missing:
        specs = [f"refs/heads/{name}:refs/heads/{name}" for name in missing]
        _remote_git(git, token, "fetch", "--quiet", "--no-tags", "origin", *specs)
    return found


def _valid(name: str) -> bool:
    try:
        validate_branch_name(name)
    except BotError:
        return False
    return True


def fetch_ref(git: Git, ref: str, token: str | None) -> str:
    """Fetch one branch of origin; returns the fetched sha (FETCH_HEAD)."""
    validate_branch_name(ref)
    _remote_git(git, token, "fetch", "--quiet", "--no-tags", "origin", f"refs/heads/{ref}")
    return git.head_sha("FETCH_HEAD")


def fetch_bot_branch(git: Git, branch: str, token: str | None) -> str | None:
    """Make local `branch` match origin's (for resuming); None if origin has none."""
    _require_bot_branch(branch)
    sha = remote_sha(git, branch, token)
    if sha is None:
        return None
    fetch_ref(git, branch, token)
    if git.current_branch() == branch:
        git.run("reset", "--quiet", "--keep", sha)
    else:
        git.run("branch", "--force", branch, sha)
    return sha


def push_bot_branch(git: Git, branch: str, token: str | None, *, lease: str | None) -> str:
    """Push local `branch` to origin. `lease` is origin's sha the bot last saw (None: new)."""
    _require_bot_branch(branch)
    local = git.head_sha(f"refs/heads/{branch}")
    spec = f"refs/heads/{branch}:refs/heads/{branch}"
    current = remote_sha(git, branch, token)
    if current is not None and current != lease:
        raise BotError(
            f"origin's {branch} moved while the bot was running (now {current[:12]}); "
            "not overwriting someone else's push — re-run to resume from it"
        )
    args = ["push", "--quiet", "--porcelain"]
    if current is not None and not _is_ancestor(git, current, local):
        args.append(f"--force-with-lease=refs/heads/{branch}:{current}")
    _remote_git(git, token, *args, "origin", spec)
    return local


def _is_ancestor(git: Git, old: str, new: str) -> bool:
    if not git.ref_exists(old):
        return False
    proc = git.run("merge-base", "--is-ancestor", old, new, check=False)
    return proc.returncode == 0


def _require_bot_branch(branch: str) -> None:
    validate_branch_name(branch)
    if not branch.startswith(BOT_BRANCH_PREFIX):
        raise BotError(f"refusing to push {branch!r}: the bot only pushes {BOT_BRANCH_PREFIX}*")


def checkout_detached(git: Git, sha: str) -> None:
    """Put the workspace at `sha` (the PR head) so the run starts from the PR's code."""
    if git.run("status", "--porcelain", "--untracked-files=no").stdout.strip():
        raise BotError(f"{git.cwd}: the workspace has uncommitted changes; not switching to the PR")
    git.run("checkout", "--quiet", "--detach", sha)
