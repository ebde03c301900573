"""The environment the repository's code (tests, installs, candidates, profilers) runs with.

An allow-list, not a deny-list: in GitHub Actions the bot's own environment holds tokens, the
model key and the paths of the runner's command files (GITHUB_ENV, GITHUB_OUTPUT), and a new
secret name must not leak just because nobody listed it. Children get the basics a Python
toolchain needs (the dynamic loader's path included), proxy/certificate/index settings for
pip, pytest's own PYTEST_* settings, the PYTHON* variables the caller sets itself, and
whatever the project names in `pass-env` ([tool.codeflash-bot]).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

ALLOWED = frozenset(
    {
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TERM", "TZ",
        "TMPDIR", "TEMP", "TMP", "SYSTEMROOT", "COMSPEC", "PATHEXT",
        "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
        "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
        "PYTHONUNBUFFERED", "PYTHONIOENCODING", "PYTHONUTF8",
        "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
        "LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH",
    }
)  # fmt: skip
ALLOWED_PREFIXES = (
    "LC_",
    "PIP_",
    "UV_",
    "PYTEST_",
)  # PYTEST_ADDOPTS/PLUGINS/...: how the suite runs
# Never passed, even if a project names them in pass-env: they are how the runner's tokens,
# cache and command files are reached.
NEVER = ("GITHUB_TOKEN", "ACTIONS_", "INPUT_", "GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH",
         "GITHUB_STATE", "GITHUB_STEP_SUMMARY", "ANTHROPIC_API_KEY", "OPENAI_API_KEY",
         "CODEFLASH_BOT_ENV_FD")  # fmt: skip
# Set by a pytest that is running the bot (its own test, an xdist worker): they describe that
# process, not how the project's suite should run. Passed on, the project's pytest would believe
# it is an xdist worker too, and pytest-benchmark then disables itself.
CALLER_STATE = ("PYTEST_CURRENT_TEST", "PYTEST_XDIST_", "PYTEST_VERSION")
_extra: tuple[str, ...] = ()


def allow_more(names: Iterable[str]) -> None:
    """Also pass these names (the project's `pass-env`), for the rest of this process."""
    global _extra
    _extra = tuple(n for n in names if n and not n.startswith(NEVER))


def is_allowed(name: str, extra: Iterable[str] = ()) -> bool:
    if name.startswith(NEVER):
        return False
    if name.startswith(CALLER_STATE) and name not in (*_extra, *extra):
        return False
    return name in ALLOWED or name.startswith(ALLOWED_PREFIXES) or name in (*_extra, *extra)


def child_env(base: Mapping[str, str] | None = None, extra: Iterable[str] = ()) -> dict[str, str]:
    """The allow-listed part of `base` (default: this process's environment)."""
    source = os.environ if base is None else base
    names = tuple(extra)
    return {k: v for k, v in source.items() if is_allowed(k, names)}


def git_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """For the bot's own git commands: the allow-list plus git's and ssh's own settings
    (GIT_CONFIG_* carries safe.directory, SSH_AUTH_SOCK a user's push credentials)."""
    source = os.environ if base is None else base
    env = child_env(source)
    env.update({k: v for k, v in source.items() if k.startswith(("GIT_", "SSH_"))})
    return env


PIP_TIMEOUT = 900.0  # a pip install runs the dependencies' build hooks: never unbounded
PROBE_TIMEOUT = 120.0  # `python -c ...` probes and venv creation
