"""The `/codeflash ...` comment grammar and the `codeflash[:<domain>]` labels.

Comment text and label names are untrusted data: they are matched against fixed words and
strict target patterns, never handed to a shell, and never used as a path until
`check_target_in_repo` has proved the path stays inside the checkout.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ConfigDict

from codeflash_bot.errors import BotError
from codeflash_bot.models import Domain

PREFIX = "/codeflash"
LABEL = "codeflash"

# Words accepted after `/codeflash` (and after `codeflash:` in a label) for each domain.
DOMAIN_WORDS: dict[str, Domain] = {
    "auto": Domain.AUTO,
    "cpu": Domain.CPU,
    "speed": Domain.CPU,
    "slow": Domain.CPU,
    "faster": Domain.CPU,
    "ds": Domain.CPU,
    "data-structure": Domain.CPU,
    "data-structures": Domain.CPU,
    "memory": Domain.MEMORY,
    "mem": Domain.MEMORY,
    "ram": Domain.MEMORY,
    "oom": Domain.MEMORY,
    "leak": Domain.MEMORY,
    "allocation": Domain.MEMORY,
    "allocations": Domain.MEMORY,
    "async": Domain.ASYNC,
    "await": Domain.ASYNC,
    "latency": Domain.ASYNC,
    "concurrency": Domain.ASYNC,
    "event-loop": Domain.ASYNC,
    "structure": Domain.STRUCTURE,
    "struct": Domain.STRUCTURE,
    "import": Domain.STRUCTURE,
    "imports": Domain.STRUCTURE,
    "import-time": Domain.STRUCTURE,
    "startup": Domain.STRUCTURE,
}

HELP = """\
**codeflash-bot commands** (comment on an issue or a pull request; write access required)

| command | what it does |
|---|---|
| `/codeflash` | profile the repository and optimize what is hot (domain picked from the profile) |
| `/codeflash <domain>` | optimize one kind of cost: `cpu`, `memory`, `async` or `structure` |
| `/codeflash optimize <target>` | optimize one function: `pkg.mod:func` or `src/pkg/mod.py::func` |
| `/codeflash pr [domain]` | on a PR: optimize only the functions it changes, answer there |
| `/codeflash status` | show where the current run stands |
| `/codeflash stop` | cancel the current run |
| `/codeflash help` | show this help |

Labels work too: `codeflash` (auto) or `codeflash:<domain>`. Review comments on a codeflash
pull request are recorded in `.codeflash/conventions.md` and honoured by the next run
(`guard: <command>` sets the guard command)."""

_MODULE_TARGET = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_PATH_TARGET = re.compile(
    r"(?P<path>[A-Za-z0-9_][\w.-]*(?:/[A-Za-z0-9_][\w.-]*)*\.py)::"
    r"(?P<qualname>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)"
)
_ECHO_MAX = 60


class Kind(StrEnum):
    """What a comment or label asks for."""

    RUN = "run"
    OPTIMIZE = "optimize"
    PR = "pr"  # PR mode on the pull request commented on (github/pr_mode.py)
    STATUS = "status"
    STOP = "stop"
    HELP = "help"


class Command(BaseModel):
    """A parsed request; `text` is the free text below the command line (routing hints)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind
    domain: Domain = Domain.AUTO
    target: str | None = None
    text: str = ""

    def describe(self) -> str:
        """How the command reads back to the user (sticky comment, job summary)."""
        if self.kind is Kind.OPTIMIZE:
            return f"{PREFIX} optimize {self.target}"
        if self.kind is Kind.RUN:
            return PREFIX if self.domain is Domain.AUTO else f"{PREFIX} {self.domain.value}"
        if self.kind is Kind.PR:
            return f"{PREFIX} pr" + ("" if self.domain is Domain.AUTO else f" {self.domain.value}")
        return f"{PREFIX} {self.kind.value}"


class CommandError(BotError):
    """The text was meant for the bot but is not a valid command; `reply` says why and how."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.reply = f"{problem}\n\n{HELP}"


def echo(text: str) -> str:
    """Untrusted text quoted back safely: one line, no backticks, bounded length."""
    flat = " ".join(text.replace("`", "'").split())
    return flat if len(flat) <= _ECHO_MAX else flat[: _ECHO_MAX - 1] + "…"


def is_for_bot(body: str) -> bool:
    """True when the comment's first non-blank line starts with `/codeflash`."""
    first = next((line.strip() for line in body.splitlines() if line.strip()), "")
    return first.startswith(PREFIX)


def parse_domain(word: str) -> Domain:
    domain = DOMAIN_WORDS.get(word.lower())
    if domain is None:
        raise CommandError(
            f"Unknown domain `{echo(word)}`. Valid domains: `auto`, `cpu`, `memory`, `async`, "
            "`structure`."
        )
    return domain


def parse_target(text: str) -> str:
    """Check the target's shape: `pkg.mod:func` or a relative `dir/file.py::func`."""
    if _MODULE_TARGET.fullmatch(text):
        return text
    match = _PATH_TARGET.fullmatch(text)
    if match and ".." not in PurePosixPath(match["path"]).parts:
        return text
    raise CommandError(
        f"`{echo(text)}` is not a target. Use `pkg.module:function` or a path inside the "
        "repository such as `src/pkg/module.py::function` (no `..`, no absolute paths)."
    )


def parse_comment(body: str) -> Command | None:
    """The command in a comment, None if the comment is not addressed to the bot."""
    lines = body.strip().splitlines()
    if not lines or not is_for_bot(body):
        return None
    first, rest = lines[0].strip(), "\n".join(lines[1:]).strip()
    head, _, tail = first.partition(" ")
    if head != PREFIX:
        raise CommandError(f"Unknown command `{echo(head)}`.")
    words = tail.split()
    if not words:
        return Command(kind=Kind.RUN, text=rest)
    verb, args = words[0].lower(), words[1:]
    if verb in (Kind.STATUS, Kind.STOP, Kind.HELP):
        if args:
            raise CommandError(f"`{PREFIX} {verb}` takes no arguments.")
        return Command(kind=Kind(verb))
    if verb == Kind.OPTIMIZE:
        if len(args) != 1:
            raise CommandError(f"`{PREFIX} optimize` takes exactly one target.")
        return Command(kind=Kind.OPTIMIZE, target=parse_target(args[0]), text=rest)
    if verb == Kind.PR:
        if len(args) > 1:
            raise CommandError(f"`{PREFIX} pr` takes at most one domain.")
        domain = parse_domain(args[0]) if args else Domain.AUTO
        return Command(kind=Kind.PR, domain=domain, text=rest)
    if verb in DOMAIN_WORDS:
        if args:
            raise CommandError(f"`{PREFIX} {verb}` takes no further words.")
        return Command(kind=Kind.RUN, domain=DOMAIN_WORDS[verb], text=rest)
    raise CommandError(f"Unknown command or domain `{echo(words[0])}`.")


def parse_label(name: str) -> Command | None:
    """`codeflash` → auto run, `codeflash:<domain>` → that domain; other labels → None."""
    if name == LABEL:
        return Command(kind=Kind.RUN)
    if name.startswith(LABEL + ":"):
        return Command(kind=Kind.RUN, domain=parse_domain(name.removeprefix(LABEL + ":")))
    return None


def check_target_in_repo(target: str, root: Path) -> str:
    """For `path::func` targets, the file must exist inside `root` (symlinks included)."""
    target = parse_target(target)
    match = _PATH_TARGET.fullmatch(target)
    if match is None:
        return target
    base = Path(root).resolve()
    path = (base / match["path"]).resolve()
    if not path.is_relative_to(base):
        raise CommandError(f"`{echo(match['path'])}` resolves outside the repository.")
    if not path.is_file():
        raise CommandError(f"`{echo(match['path'])}` is not a file in the repository.")
    return target
