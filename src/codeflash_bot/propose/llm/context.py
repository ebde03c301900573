"""What the model is told about one target: its code, what it calls, how hot it is, its inputs.

Everything here is read from the repo's own Python files and its `.codeflash/` state; nothing
else (no `.env`, no config files, no other state). Redaction happens when the prompt is
rendered (prompt.py), over every piece at once. Captured inputs are never unpickled in the
bot process: their shapes come from a short child run in the target's interpreter.
"""

from __future__ import annotations

import ast
import json
import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from codeflash_bot.git import Git, GitError
from codeflash_bot.models import Domain, Frozen, Target
from codeflash_bot.propose.llm.parse import find_def
from codeflash_bot.sandbox import run_command
from codeflash_bot.session.child_env import child_env
from codeflash_bot.session.state import STATE_DIR

MAX_CALLEES = 8
MAX_CALLEE_LINES = 80
MAX_CALLEES_CHARS = 12_000
MAX_STATE_CHARS = 4_000
MAX_SHAPES = 4
SHAPES_TIMEOUT = 30.0
DEFAULT_PYTHONPATH = ("src", ".")

# Runs in the TARGET's interpreter with the corpus files as argv; prints JSON, values never.
SHAPES_SCRIPT = textwrap.dedent(
    """
    import json, pickle, sys

    def shape(v, depth=0):
        name = type(v).__name__
        if isinstance(v, (str, bytes, bytearray)):
            return "%s[%d]" % (name, len(v))
        if isinstance(v, dict):
            if not v or depth > 1:
                return "dict[%d]" % len(v)
            k, x = next(iter(v.items()))
            return "dict[%d] %s->%s" % (len(v), shape(k, depth + 1), shape(x, depth + 1))
        if isinstance(v, (list, tuple, set, frozenset)):
            if not v or depth > 1:
                return "%s[%d]" % (name, len(v))
            return "%s[%d] of %s" % (name, len(v), shape(next(iter(v)), depth + 1))
        return name

    out = []
    for path in sys.argv[1:]:
        try:
            with open(path, "rb") as fh:
                data = pickle.load(fh)
            args = ", ".join(shape(a) for a in data["args"])
            kw = ", ".join("%s=%s" % (k, shape(v)) for k, v in sorted(data["kwargs"].items()))
            out.append("(" + ", ".join(p for p in (args, kw) if p) + ")")
        except Exception as exc:
            out.append("<unreadable: %s>" % type(exc).__name__)
    print(json.dumps(out))
    """
)


class CalleeSource(Frozen):
    """Source of a function the target calls, from the repo itself."""

    name: str
    where: str
    source: str


class PromptContext(Frozen):
    """All the facts the prompt is rendered from (before redaction)."""

    target: Target
    domain: Domain
    profile: str
    target_source: str
    owner_header: str = ""
    callees: list[CalleeSource] = Field(default_factory=list)
    shapes: list[str] = Field(default_factory=list)
    shapes_note: str = ""
    conventions: str = ""
    learnings: str = ""
    history: list[str] = Field(default_factory=list)


@dataclass
class RepoView:
    """Where a proposer reads from: the checkout, the run's state and corpus, the interpreter."""

    project: Path
    state_dir: Path | None = None
    corpus_root: Path | None = None
    python: str | None = None
    pythonpath: tuple[str, ...] = DEFAULT_PYTHONPATH
    env: dict[str, str] | None = None

    def target_env(self) -> dict[str, str]:
        """Environment to run the target's interpreter (setup.env when bound, else a guess)."""
        if self.env is not None:
            return dict(self.env)
        env = child_env()  # allow-listed: the model key never reaches the target's code
        env["PYTHONPATH"] = os.pathsep.join(
            str((self.project / p).resolve()) for p in self.pythonpath
        )
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env


def discover(project: Path, python: str | None) -> RepoView:
    """Best effort when the loop did not `bind`: the newest state mirror and corpus of the repo.

    The loop keeps both under `<git common dir>/codeflash/{state,corpus}/<branch>/`; the run in
    progress is the one that wrote last.
    """
    view = RepoView(project=project, python=python or _repo_python(project))
    try:
        bot_dir = Git(project).common_dir() / "codeflash"
    except (GitError, OSError):
        return view
    newest_state = _newest(bot_dir / "state")
    view.state_dir = newest_state / STATE_DIR if newest_state else None
    view.corpus_root = _newest(bot_dir / "corpus")
    return view


def _newest(parent: Path) -> Path | None:
    if not parent.is_dir():
        return None
    dirs = [d for d in parent.iterdir() if d.is_dir()]
    return max(dirs, key=_mtime, default=None)


def _mtime(directory: Path) -> float:
    """Latest change two levels down (state: `<branch>/.codeflash/*`, corpus: `<branch>/<t>/`)."""
    times = [directory.stat().st_mtime]
    for child in directory.iterdir():
        times.append(child.stat().st_mtime)
        if child.is_dir():
            times += [p.stat().st_mtime for p in child.iterdir()]
    return max(times)


def _repo_python(project: Path) -> str | None:
    for venv in (".venv", "venv"):
        candidate = project / venv / "bin" / "python"
        if candidate.exists():
            return str(candidate)
    return None


def build_context(
    target: Target,
    source: str,
    view: RepoView | None,
    domain: Domain,
    history: list[str],
) -> PromptContext:
    """Gather the facts for `target` from its current `source` and (when known) the repo.

    Without a view (no repo root given) only the module's own source is used.
    """
    tree = ast.parse(source)
    node = find_def(tree.body, target.qualname)
    lines = source.splitlines(keepends=True)
    target_source = _segment(lines, node) if node else source
    owner_header = ""
    if "." in target.qualname:
        owner = next(
            (
                s
                for s in tree.body
                if isinstance(s, ast.ClassDef) and s.name == target.qualname.split(".")[0]
            ),
            None,
        )
        if owner is not None:
            owner_header = lines[owner.lineno - 1].rstrip()
    shapes, note = input_shapes(target, view) if view else ([], "not available")
    return PromptContext(
        target=target,
        domain=domain,
        profile=_profile_line(target),
        target_source=target_source,
        owner_header=owner_header,
        callees=callees(target, source, view) if node else [],
        shapes=shapes,
        shapes_note=note,
        conventions=_conventions(view) if view else "",
        learnings=_read_state(view, "learnings.md") if view else "",
        history=history,
    )


def _profile_line(target: Target) -> str:
    if target.total_seconds <= 0:
        return "not sampled by the profiler (named explicitly, or too fast to sample)"
    return (
        f"{target.total_seconds * 1000:.1f} ms cumulative, {target.self_seconds * 1000:.1f} ms"
        f" in its own code, while the repo's tests ran ({target.file}:{target.lineno})"
    )


def _segment(lines: list[str], node: ast.stmt) -> str:
    start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return "".join(lines[start - 1 : node.end_lineno])


def _read_state(view: RepoView, name: str) -> str:
    for directory in (view.state_dir, view.project / ".codeflash"):
        if directory is not None and (directory / name).is_file():
            text = (directory / name).read_text(encoding="utf-8", errors="replace")
            return text[:MAX_STATE_CHARS]
    return ""


def _conventions(view: RepoView) -> str:
    """conventions.md without its `## Guard` section (a command, not advice for the model)."""
    text = _read_state(view, "conventions.md")
    text = re.sub(r"^## Guard\s*$.*?(?=^## |\Z)", "", text, flags=re.M | re.S)
    text = re.sub(r"^# Conventions\s*$", "", text, flags=re.M)
    return text.strip()


# --- what the target calls ---------------------------------------------------------------
def callees(target: Target, source: str, view: RepoView | None) -> list[CalleeSource]:
    """Source of repo functions the target calls: same module, same class, or imported."""
    tree = ast.parse(source)
    node = find_def(tree.body, target.qualname)
    if node is None:
        return []
    imports = _import_table(tree, target.module)
    owner = target.qualname.split(".")[0] if "." in target.qualname else None
    out: list[CalleeSource] = []
    seen: set[str] = {target.qualname}
    total = 0
    lines = source.splitlines(keepends=True)
    for call in _calls(node):
        found: CalleeSource | None = None
        if isinstance(call, str):
            if call in imports:
                found = _imported(view, *imports[call]) if view else None
            else:
                found = _local(tree, lines, call, str(target.file))
        elif owner is not None and call[0] in ("self", "cls", owner):
            found = _local(tree, lines, f"{owner}.{call[1]}", str(target.file))
        elif view and call[0] in imports and imports[call[0]][1] is None:
            found = _imported(view, imports[call[0]][0], call[1])
        if found is None or found.name in seen:
            continue
        seen.add(found.name)
        total += len(found.source)
        if total > MAX_CALLEES_CHARS:
            break
        out.append(found)
        if len(out) >= MAX_CALLEES:
            break
    return out


def _calls(node: ast.AST) -> list[str | tuple[str, str]]:
    """Names called in `node`, in order: `f` or (`obj`, `attr`) for `obj.attr(...)`."""
    out: list[str | tuple[str, str]] = []
    for sub in ast.walk(node):
        if not isinstance(sub, ast.Call):
            continue
        func = sub.func
        if isinstance(func, ast.Name):
            out.append(func.id)
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            out.append((func.value.id, func.attr))
    return list(dict.fromkeys(out))


def _import_table(tree: ast.Module, module: str) -> dict[str, tuple[str, str | None]]:
    """Local name -> (absolute module, object or None for a module import)."""
    table: dict[str, tuple[str, str | None]] = {}
    package = module.rsplit(".", 1)[0] if "." in module else ""
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                table[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0],
                    None,
                )
        elif isinstance(stmt, ast.ImportFrom):
            base = stmt.module or ""
            if stmt.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (stmt.level - 1)] if stmt.level > 1 else parts
                base = ".".join([*parts, base] if base else parts)
            for alias in stmt.names:
                table[alias.asname or alias.name] = (base, alias.name)
    return table


def _local(tree: ast.Module, lines: list[str], qualname: str, where: str) -> CalleeSource | None:
    node: ast.stmt | None = find_def(tree.body, qualname)
    if node is None:
        node = next(
            (s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == qualname), None
        )
        if node is None:
            return None
    text = _segment(lines, node)
    if text.count("\n") > MAX_CALLEE_LINES:
        return None
    return CalleeSource(name=qualname, where=where, source=text)


def _imported(view: RepoView, module: str, name: str | None) -> CalleeSource | None:
    if not name or not module:
        return None
    path = _module_file(view, module)
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    where = path.relative_to(view.project.resolve()).as_posix()
    return _local(tree, text.splitlines(keepends=True), name, where)


def _module_file(view: RepoView, module: str) -> Path | None:
    """The repo's own .py file for `module` (never anything outside the project)."""
    parts = module.split(".")
    if not all(p.isidentifier() for p in parts):
        return None
    root = view.project.resolve()
    for base in view.pythonpath:
        for rel in (Path(base, *parts).with_suffix(".py"), Path(base, *parts, "__init__.py")):
            path = (root / rel).resolve()
            if path.is_file() and path.is_relative_to(root):
                return path
    return None


# --- captured inputs ---------------------------------------------------------------------
def input_shapes(target: Target, view: RepoView) -> tuple[list[str], str]:
    """Shapes (types and sizes, never values) of a few captured inputs, and a note if none."""
    if view.corpus_root is None:
        return [], "no captured inputs found for this target"
    directory = view.corpus_root / re.sub(r"[^A-Za-z0-9_]", "_", target.ref)
    files = (
        sorted(directory.glob("*.pkl"), key=lambda p: p.stat().st_size)
        if directory.is_dir()
        else []
    )
    if not files:
        return [], "no captured inputs found for this target"
    if not view.python:
        return [], f"{len(files)} inputs captured; shapes skipped (target interpreter unknown)"
    picks = [files[0], files[len(files) // 2], files[-1], files[len(files) // 3]]
    chosen = list(dict.fromkeys(picks))[:MAX_SHAPES]
    result = run_command(
        [view.python, "-c", SHAPES_SCRIPT, *map(str, chosen)],
        cwd=view.project,
        env=view.target_env(),
        timeout=SHAPES_TIMEOUT,
        memory_mb=2048,
    )
    if not result.ok:
        return [], f"{len(files)} inputs captured; shapes unavailable ({result.tail()})"
    try:
        shapes = [str(s) for s in json.loads(result.stdout.strip().splitlines()[-1])]
    except (ValueError, IndexError):
        return [], f"{len(files)} inputs captured; shapes unavailable (unexpected output)"
    return shapes, f"{len(files)} inputs captured from real calls; {len(shapes)} shown"
