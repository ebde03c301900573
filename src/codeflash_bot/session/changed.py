"""Which functions and methods a change touched: `git diff merge-base..HEAD` mapped to
qualified names with libcst positions (PR mode and `--changed-since REF`).

A function counts as changed when an added or changed line of the diff falls inside its
definition at HEAD, or a removed line fell inside its definition at the base (decorators,
signature and body; a nested function counts for the outermost one, since that is what the
bot can target). Blank lines between definitions belong to none. A function absent from the
base version of its file is `new`. Only `.py` files are read; a renamed file counts as a new
one (every function new).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from codeflash_bot.errors import BotError
from codeflash_bot.git import Git
from codeflash_bot.models import Frozen

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class Hunk(Frozen):
    """One hunk of a unified diff: `old_len`/`new_len` 0 mean a pure insertion/deletion."""

    old_start: int
    old_len: int
    new_start: int
    new_len: int

    @property
    def new_lines(self) -> range:
        """Lines of the new file the hunk adds or changes (empty for a pure deletion)."""
        return range(self.new_start, self.new_start + self.new_len)

    @property
    def old_lines(self) -> range:
        """Lines of the old file the hunk removes or changes (empty for a pure insertion)."""
        return range(self.old_start, self.old_start + self.old_len)


class ChangedFunction(Frozen):
    """A function or method whose definition the change touched, in the project's terms."""

    file: Path  # relative to the project root, as Target.file
    qualname: str
    new: bool  # not in the base version of the file
    start: int  # first line (decorators included) at HEAD
    end: int

    @property
    def key(self) -> tuple[str, str]:
        return (self.file.as_posix(), self.qualname)


@dataclass(frozen=True)
class ChangedSet:
    """The changed functions since `base` (a merge-base sha), plus the base text of each
    changed file (for the base-vs-head regression check)."""

    since: str
    base: str
    functions: list[ChangedFunction]
    base_files: dict[Path, str] = field(default_factory=dict)

    def __contains__(self, key: object) -> bool:
        return key in {f.key for f in self.functions}

    def get(self, file: Path, qualname: str) -> ChangedFunction | None:
        for f in self.functions:
            if f.key == (file.as_posix(), qualname):
                return f
        return None


def resolve_base(git: Git, since: str) -> str:
    """The merge-base of `since` and HEAD (what a pull request's diff is taken against)."""
    if not since.strip() or since.startswith("-"):
        raise BotError(f"--changed-since: {since!r} is not a git revision")
    proc = git.run(
        "rev-parse", "--verify", "--quiet", "--end-of-options", f"{since}^{{commit}}", check=False
    )
    if proc.returncode != 0:
        raise BotError(f"--changed-since: unknown revision {since!r} in {git.cwd}")
    sha = proc.stdout.strip()
    base = git.run("merge-base", sha, "HEAD", check=False)
    if base.returncode != 0:
        raise BotError(f"--changed-since: {since!r} and HEAD have no common ancestor")
    return base.stdout.strip()


def diff_hunks(
    git: Git, base: str, head: str, under: Path, context: int = 0
) -> dict[str, list[Hunk]]:
    """Toplevel-relative path at `head` -> its hunks, for `.py` files under `under`.

    Deleted files are left out (no function of them exists at HEAD any more).
    """
    spec = under.as_posix() if under.parts else "."
    out = git.out(
        "diff", "--no-color", "--no-ext-diff", "--no-renames", f"-U{context}",
        base, head, "--", spec,
    )  # fmt: skip
    hunks: dict[str, list[Hunk]] = {}
    path: str | None = None
    for line in out.splitlines():
        if line.startswith("+++ "):
            target = line[4:]
            path = target[2:] if target.startswith("b/") else None
            if path is not None and not path.endswith(".py"):
                path = None
        elif path is not None and (m := _HUNK.match(line)):
            hunks.setdefault(path, []).append(
                Hunk(
                    old_start=int(m[1]),
                    old_len=int(m[2] if m[2] is not None else 1),
                    new_start=int(m[3]),
                    new_len=int(m[4] if m[4] is not None else 1),
                )
            )
    return hunks


@functools.lru_cache(maxsize=256)
def function_spans(source: str) -> Mapping[str, tuple[int, int]]:
    """Qualname -> (first line incl. decorators, last line) of top-level functions and methods
    (classes nested in classes too); functions nested in functions belong to the outer one.

    Cached by source text: PR mode checks that the diff changes a function before it starts the
    run, and the run maps the same diff again; the libcst position pass is the costly part
    (seconds per large file). The result is shared, hence read-only."""
    try:
        wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)  # read-only
    except cst.ParserSyntaxError:
        return MappingProxyType({})
    positions = wrapper.resolve(PositionProvider)
    spans: dict[str, tuple[int, int]] = {}

    def visit(body: object, prefix: str) -> None:
        for node in getattr(body, "body", ()):
            if isinstance(node, cst.FunctionDef):
                pos = positions[node]
                start = min([pos.start.line, *(positions[d].start.line for d in node.decorators)])
                spans.setdefault(prefix + node.name.value, (start, pos.end.line))
            elif isinstance(node, cst.ClassDef):
                visit(node.body, prefix + node.name.value + ".")

    visit(wrapper.module, "")
    return MappingProxyType(spans)


def is_test_file(rel: Path) -> bool:
    """Test code by the names every runner uses (the profile's own-code filter, without setup)."""
    name = rel.name
    if name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"):
        return True
    return any(part in ("tests", "test") for part in rel.parts[:-1])


def changed_functions(git: Git, project_rel: Path, since: str) -> ChangedSet:
    """Functions of the project at `project_rel` changed between merge-base(since, HEAD) and
    HEAD (committed work only: the bot works on commits)."""
    base = resolve_base(git, since)
    project_rel = Path(*project_rel.parts)  # "" for the toplevel itself
    found: list[ChangedFunction] = []
    base_files: dict[Path, str] = {}
    for path, hunks in sorted(diff_hunks(git, base, "HEAD", project_rel).items()):
        rel = Path(PurePosixPath(path).relative_to(project_rel.as_posix()))
        if is_test_file(rel):
            continue  # never a target; test modules are often the largest files of a change
        head_text = git.run("show", f"HEAD:{path}").stdout
        old = git.run("show", f"{base}:{path}", check=False)
        base_text = old.stdout if old.returncode == 0 else ""
        before = function_spans(base_text) if base_text else {}
        added = {line for h in hunks for line in h.new_lines}
        removed = {line for h in hunks for line in h.old_lines}
        for qualname, (start, end) in function_spans(head_text).items():
            old_start, old_end = before.get(qualname, (0, -1))
            if any(start <= line <= end for line in added) or any(
                old_start <= line <= old_end for line in removed
            ):
                found.append(
                    ChangedFunction(
                        file=rel,
                        qualname=qualname,
                        new=qualname not in before,
                        start=start,
                        end=end,
                    )
                )
                if base_text:
                    base_files[rel] = base_text
    return ChangedSet(since=since, base=base, functions=found, base_files=base_files)
