"""The files under `.codeflash/` (DESIGN.md "State on disk"): read, append, rewrite."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

from pydantic import ValidationError

from codeflash_bot.errors import BotError
from codeflash_bot.faults import checkpoint
from codeflash_bot.models import Domain, ExperimentRecord, Status

STATE_DIR = ".codeflash"
RESULTS = "results.tsv"
HANDOFF = "HANDOFF.md"
LEARNINGS = "learnings.md"
CONVENTIONS = "conventions.md"
SETUP = "setup.md"
SCALE = "scale.json"  # size-ladder evidence of each keep, for the PR body (measure/evidence.py)
COLUMNS = (
    "commit",
    "target",
    "domain",
    "metric",
    "baseline",
    "candidate",
    "delta_pct",
    "status",
    "description",
)
HEADER = "\t".join(COLUMNS)
CLEANUP_REMOVES = (HANDOFF, SETUP, CONVENTIONS, SCALE)
CLEANUP_GLOBS = ("bench_*.py", "pr-body*.md")  # pr-body*.md: prepare-pr's drafts
CLEANUP_KEEPS = (LEARNINGS, RESULTS)
GUARD_HEADING = "## Guard"
TMP_SUFFIX = ".codeflash-tmp"


def temp_path(path: Path) -> Path:
    """Where `write_atomic` stages `path` (same directory, so the rename is atomic)."""
    return path.with_name(f".{path.name}{TMP_SUFFIX}")


def write_atomic(path: Path, text: str, *, point: str = "state-temp") -> None:
    """Write `text` to `path` so a kill leaves either the old or the new file, never half of one.

    Only the temp file can be half-written; the next write of `path` overwrites it.
    """
    tmp = temp_path(path)
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    checkpoint(point)
    os.replace(tmp, path)


class State:
    """The `.codeflash/` directory of one checkout (the user's or the bot's worktree)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.dir = self.root / STATE_DIR

    def path(self, name: str) -> Path:
        return self.dir / name

    def rel(self, name: str) -> str:
        return f"{STATE_DIR}/{name}"

    # --- results.tsv -----------------------------------------------------------------------
    def append_result(self, record: ExperimentRecord) -> None:
        text = self.read(RESULTS)
        if not text.strip():
            text = HEADER + "\n"
        elif not text.endswith("\n"):
            text += "\n"
        self.write(RESULTS, text + format_row(record) + "\n")

    def results(self) -> list[ExperimentRecord]:
        path = self.path(RESULTS)
        if not path.exists():
            return []
        return parse_results(path.read_text(encoding="utf-8"), str(path))

    # --- markdown files --------------------------------------------------------------------
    def read(self, name: str) -> str:
        path = self.path(name)
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def write(self, name: str, text: str) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        write_atomic(
            self.path(name), text, point="results-temp" if name == RESULTS else "state-temp"
        )

    def guard(self) -> str | None:
        """The command under `## Guard` in conventions.md (first non-empty, non-comment line)."""
        return parse_guard(self.read(CONVENTIONS))

    def cleanup(self) -> list[str]:
        """Remove the run-scoped files; returns the repo-relative paths removed."""
        removed: list[str] = []
        if not self.dir.is_dir():
            return removed
        for name in CLEANUP_REMOVES:
            if self.path(name).exists():
                self.path(name).unlink()
                removed.append(self.rel(name))
        for pattern in CLEANUP_GLOBS:
            for path in sorted(self.dir.glob(pattern)):
                path.unlink()
                removed.append(self.rel(path.name))
        return removed


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.6g}"


def format_row(r: ExperimentRecord) -> str:
    """One TSV line; tabs/newlines in the description are flattened so the row stays one row."""
    desc = " ".join(r.description.split())
    delta = "-" if r.delta_pct is None else f"{r.delta_pct:+.1f}"
    cells = [r.commit, r.target, r.domain.value, r.metric, _fmt(r.baseline), _fmt(r.candidate)]
    return "\t".join([*cells, delta, r.status.value, desc])


def _num(cell: str) -> float | None:
    return None if cell in ("", "-") else float(cell)


def parse_results(text: str, where: str = RESULTS) -> list[ExperimentRecord]:
    """Parse results.tsv text; a malformed row is a one-line error naming the line."""
    rows = list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows:
        return []
    if tuple(rows[0]) != COLUMNS:
        raise BotError(f"{where}: unexpected header {rows[0]!r}")
    out: list[ExperimentRecord] = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(COLUMNS):
            raise BotError(f"{where}:{lineno}: expected {len(COLUMNS)} columns, got {len(row)}")
        cell = dict(zip(COLUMNS, row, strict=True))
        try:
            out.append(
                ExperimentRecord(
                    commit=cell["commit"],
                    target=cell["target"],
                    domain=Domain(cell["domain"]),
                    metric=cell["metric"],
                    baseline=_num(cell["baseline"]),
                    candidate=_num(cell["candidate"]),
                    delta_pct=_num(cell["delta_pct"]),
                    status=Status(cell["status"]),
                    description=cell["description"],
                )
            )
        except (ValueError, ValidationError) as exc:
            raise BotError(f"{where}:{lineno}: {exc}".splitlines()[0]) from exc
    return out


def parse_guard(conventions: str) -> str | None:
    """First command line in the `## Guard` section (fenced or plain); None when absent."""
    match = re.search(r"^## Guard\s*$(.*?)(?=^## |\Z)", conventions, re.M | re.S)
    if not match:
        return None
    for line in match.group(1).splitlines():
        line = line.strip()
        if not line or line.startswith(("```", "<!--", ">")):
            continue
        return line.strip("`").strip() or None
    return None


_SCOPE_VERBS = re.compile(
    r"\b(don'?t|do not|never|avoid|skip|exclude|leave|ignore|out of scope|keep as is)\b", re.I
)


def parse_scope_excludes(conventions: str) -> list[str]:
    """Glob patterns from `## Scope` feedback such as "don't touch `pkg/legacy.py`".

    Only backticked paths (`a/b.py`, `a/b.py:12`, `a/b/`) or dotted module names
    (`pkg.legacy`) on a line that says to keep away are used; free text never becomes a pattern.
    """
    match = re.search(r"^## Scope\s*$(.*?)(?=^## |\Z)", conventions, re.M | re.S)
    if not match:
        return []
    patterns: list[str] = []
    for line in match.group(1).splitlines():
        if not _SCOPE_VERBS.search(line):
            continue
        for token in re.findall(r"`([^`\s]+)`", line):
            token = re.sub(r":\d+$", "", token).strip("/")
            if not token or ".." in token.split("/"):
                continue
            if token.endswith(".py") or "/" in token:
                patterns.append(f"*{token}" if token.endswith(".py") else f"*{token}/*")
            elif re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", token):
                path = token.replace(".", "/")
                patterns += [f"*{path}.py", f"*{path}/*"]
    return sorted(set(patterns))
