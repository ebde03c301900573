"""`compare --inject`: benchmark files copied into both worktrees (e.g. new at head only)."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from codeflash_bot.errors import BotError
from codeflash_bot.git import Git


def inject_list(
    inject: Path | Sequence[Path] | None, root: Path, trees: dict[str, Path]
) -> list[tuple[Path, Path]]:
    """(source, the dir its repo-relative path is taken from) for each `--inject` item.

    A relative path is looked up here (cwd, then the project), then in the head and base
    worktrees, so `--inject tests/benchmarks` works from a checkout of main as well.
    """
    if inject is None:
        return []
    items = [inject] if isinstance(inject, str | Path) else list(inject)
    out: list[tuple[Path, Path]] = []
    for item in items:
        path = Path(item)
        if path.is_absolute():
            cands = [(path, _toplevel(path, root))]
        else:
            cands = [(Path.cwd() / path, root), (root / path, root)]
            cands += [(trees[side] / path, trees[side]) for side in ("head", "base")]
        found = next(((c.resolve(), a.resolve()) for c, a in cands if c.exists()), None)
        if found is None:
            raise BotError(f"--inject {item}: no such file or directory here or at either ref")
        out.append(found)
    return out


def _toplevel(path: Path, default: Path) -> Path:
    """The work tree holding `path` (a checkout or any worktree), so its repo path is kept."""
    where = path if path.is_dir() else path.parent
    if not where.is_dir():
        return default
    proc = Git(where).run("rev-parse", "--show-toplevel", check=False)
    return Path(proc.stdout.strip()) if proc.returncode == 0 else default


def inject_into(src: Path, anchor: Path, trees: dict[str, Path], bench_root: str) -> list[str]:
    """Copy `src` into both worktrees; a test file brings its `<stem>.*` data files along.

    A path inside `anchor` (the project or a worktree) keeps its relative path; any other
    lands in the benchmarks root.
    """
    sources = [src]
    if src.is_file():
        sources += sorted(p for p in src.parent.glob(f"{src.stem}.*") if p != src and p.is_file())
    rels: list[str] = []
    for item in sources:
        try:
            rel = item.relative_to(anchor).as_posix()
        except ValueError:
            rel = f"{bench_root}/{item.name}"
        for tree in trees.values():
            dest = tree / rel
            if dest.resolve() == item:
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            if item.is_dir():
                shutil.copytree(item, dest, dirs_exist_ok=True)
            else:
                shutil.copy2(item, dest)
        rels.append(rel)
    return rels


def dedupe_injects(inject: Sequence[str]) -> list[str]:
    """Data files travel with their test file, and several tests with their common directory."""
    tests = [p for p in inject if p.endswith(".py")] or list(inject)
    parents = {str(Path(p).parent) for p in tests}
    if len(tests) > 1 and len(parents) == 1:
        return [parents.pop()]
    return tests
