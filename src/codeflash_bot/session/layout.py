"""Import roots of a project: the directories its own code is imported from.

Read from what the project itself says, in this order: pytest's `pythonpath` ini option (that is
how its tests import it), the packaging metadata (setuptools `package-dir` / `packages.find
where`, hatch, poetry, pdm), then the layout (a `src/` holding packages). `.` always comes last:
`python -m pytest` puts the working directory first anyway, and flat layouts need it. A `src/`
that is itself a package (`src/__init__.py`, tests do `from src.x import ...`) is never a root.

A root whose top-level entries would shadow the standard library (or a module installed in the
target's environment that is not the project's own) is left out, and the notes say so.
"""

from __future__ import annotations

import ast
import configparser
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from pydantic import Field

from codeflash_bot.models import Frozen
from codeflash_bot.session.child_env import child_env

# Directory names a broken distribution sometimes installs as top-level packages; a repo's own
# `tests/` shadowing one of those is intended, not a problem.
GENERIC_NAMES = frozenset({"tests", "test", "docs", "doc", "examples", "benchmarks", "scripts"})

_PROBE = """
import json, sys
try:
    from importlib import metadata
except ImportError:
    metadata = None
installed = {}
if metadata is not None:
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "")
        tops = (dist.read_text("top_level.txt") or "").split()
        if not tops:
            for f in dist.files or ():
                first = f.parts[0] if f.parts else ""
                if first.endswith(".py"):
                    tops.append(first[:-3])
                elif first and "." not in first and first != "__pycache__":
                    tops.append(first)
        for top in set(tops):
            installed.setdefault(top, name)
names = getattr(sys, "stdlib_module_names", None)
print(json.dumps({"stdlib": sorted(names) if names else None, "installed": installed}))
"""


class ImportLayout(Frozen):
    """Roots for PYTHONPATH (repo-relative, first wins) and what setup.md should say about them."""

    roots: list[str]
    notes: list[str] = Field(default_factory=list)


class ModuleNames(Frozen):
    """Top-level module names of the target's interpreter: stdlib, and installed (name -> dist)."""

    stdlib: frozenset[str]
    installed: dict[str, str]


def probe_names(python: str) -> ModuleNames:
    """Ask the target's interpreter which top-level names are taken (stdlib, installed)."""
    proc = subprocess.run(
        [python, "-I", "-c", _PROBE],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=child_env(),
    )
    data = json.loads(proc.stdout) if proc.returncode == 0 and proc.stdout.strip() else {}
    stdlib = data.get("stdlib") or sorted(sys.stdlib_module_names)
    return ModuleNames(stdlib=frozenset(stdlib), installed=data.get("installed") or {})


def detect_layout(root: Path, names: ModuleNames, project_name: str = "") -> ImportLayout:
    """Roots in the order the project's own config implies, without any that shadow."""
    roots: list[str] = []
    notes: list[str] = []
    for rel, why in candidate_roots(root):
        if rel in roots or not (root / rel).is_dir():
            continue
        clash = shadowed(root / rel, names, project_name)
        if clash and rel == ".":
            # `python -m pytest` in the root puts it first on sys.path whatever we do.
            notes.append(f"the repository root is on the path when its tests run, and {clash}")
        elif clash:
            notes.append(f"not putting {rel}/ on the path ({why}): {clash}")
            continue
        roots.append(rel)
    if (root / "src" / "__init__.py").is_file():
        notes.append("src/ is itself a package (src/__init__.py): its code is imported as `src.…`")
    return ImportLayout(roots=roots, notes=notes)


def candidate_roots(root: Path) -> list[tuple[str, str]]:
    """(repo-relative dir, why) in priority order; duplicates and missing dirs are allowed."""
    found: list[tuple[str, str]] = [
        (p, "pytest's pythonpath option") for p in pytest_pythonpath(root)
    ]
    found += [(p, "the packaging metadata") for p in metadata_roots(root)]
    src = root / "src"
    if src.is_dir() and not (src / "__init__.py").exists() and _holds_code(src):
        found.append(("src", "src layout"))
    found.append((".", "the project root"))
    return [(_norm(p), why) for p, why in found]


def shadowed(directory: Path, names: ModuleNames, project_name: str = "") -> str:
    """Why putting `directory` on sys.path would hide another module ("" when it would not)."""
    entries = top_level_entries(directory)
    std = sorted(e for e in entries if e in names.stdlib)
    own = _canon(project_name)
    other = sorted(
        e
        for e in entries
        if e in names.installed
        and e not in names.stdlib
        and e not in GENERIC_NAMES
        and _canon(names.installed[e]) != own
    )
    parts = []
    if std:
        parts.append(f"its {_listing(directory, std)} would shadow the standard library")
    if other:
        dists = ", ".join(sorted({names.installed[e] for e in other}))
        parts.append(f"its {_listing(directory, other)} would shadow installed {dists}")
    return "; ".join(parts)


def top_level_entries(directory: Path) -> set[str]:
    """Names `import X` would find in `directory`: modules, regular packages, extensions."""
    out: set[str] = set()
    try:
        children = list(directory.iterdir())
    except OSError:
        return out
    for child in children:
        if child.is_dir() and (child / "__init__.py").is_file() and child.name.isidentifier():
            out.add(child.name)
        elif child.is_file() and child.suffix in (".py", ".so", ".pyd"):
            stem = child.name.split(".")[0]
            if stem.isidentifier():
                out.add(stem)
    return out


def pytest_pythonpath(root: Path) -> list[str]:
    """pytest's `pythonpath` ini option, from the file pytest itself would read."""
    for name, section in (
        ("pytest.ini", "pytest"),
        (".pytest.ini", "pytest"),
        ("pyproject.toml", None),
        ("tox.ini", "pytest"),
        ("setup.cfg", "tool:pytest"),
    ):
        path = root / name
        if not path.is_file():
            continue
        if section is None:
            options = read_toml(path).get("tool", {}).get("pytest", {}).get("ini_options")
            if options is None:
                continue
            value = options.get("pythonpath", [])
            return value.split() if isinstance(value, str) else [str(v) for v in value]
        parser = _ini(path)
        if parser is None or not parser.has_section(section):
            continue
        return parser.get(section, "pythonpath", fallback="").split()
    return []


def metadata_roots(root: Path) -> list[str]:
    """Package directories declared by setuptools, hatch, poetry, pdm or flit."""
    data = read_toml(root / "pyproject.toml")
    tool = data.get("tool", {})
    out: list[str] = []
    setuptools = tool.get("setuptools", {})
    package_dir = setuptools.get("package-dir", {})
    if isinstance(package_dir, dict) and isinstance(package_dir.get(""), str):
        out.append(package_dir[""])
    find = setuptools.get("packages", {})
    if isinstance(find, dict):
        where = find.get("find", {}).get("where", [])
        out += [where] if isinstance(where, str) else list(where)
    wheel = tool.get("hatch", {}).get("build", {}).get("targets", {}).get("wheel", {})
    for package in wheel.get("packages", []):
        parent = str(Path(package).parent)
        out.append(parent)
    sources = wheel.get("sources", [])
    if isinstance(sources, dict):
        out += [k for k, v in sources.items() if v == ""]
    elif isinstance(sources, list):
        out += [str(s) for s in sources]
    for package in tool.get("poetry", {}).get("packages", []):
        if isinstance(package, dict) and isinstance(package.get("from"), str):
            out.append(package["from"])
    pdm_dir = tool.get("pdm", {}).get("build", {}).get("package-dir")
    if isinstance(pdm_dir, str):
        out.append(pdm_dir)
    flit = tool.get("flit", {}).get("module", {}).get("name") or ""
    if flit and (root / "src" / flit).exists():
        out.append("src")
    out += _setup_cfg_roots(root) + _setup_py_roots(root)
    return out


def project_name(root: Path) -> str:
    """The distribution name the project declares (pyproject, setup.cfg, setup.py), or ""."""
    name = read_toml(root / "pyproject.toml").get("project", {}).get("name")
    if isinstance(name, str):
        return name
    parser = _ini(root / "setup.cfg")
    if parser is not None and parser.has_option("metadata", "name"):
        return parser.get("metadata", "name")
    for call in setup_py_calls(root):
        for kw in call.keywords:
            if kw.arg == "name" and isinstance(_const(kw.value), str):
                return str(_const(kw.value))
    pkg_info = root / "PKG-INFO"  # an unpacked sdist
    if pkg_info.is_file():
        for line in pkg_info.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("Name:"):
                return line.partition(":")[2].strip()
    return ""


def _setup_cfg_roots(root: Path) -> list[str]:
    parser = _ini(root / "setup.cfg")
    if parser is None:
        return []
    out = []
    for line in parser.get("options", "package_dir", fallback="").splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "" and value.strip():
            out.append(value.strip())
    out += parser.get("options.packages.find", "where", fallback="").split()
    return out


def _setup_py_roots(root: Path) -> list[str]:
    """Literal `package_dir={"": "src"}` / `find_packages(where="src")` in setup.py."""
    out: list[str] = []
    for node in setup_py_calls(root):
        for kw in node.keywords:
            if kw.arg == "package_dir" and isinstance(kw.value, ast.Dict):
                for k, v in zip(kw.value.keys, kw.value.values, strict=True):
                    if _const(k) == "" and isinstance(value := _const(v), str):
                        out.append(value)
            elif kw.arg == "where" and isinstance(where := _const(kw.value), str):
                out.append(where)
    return out


def setup_py_calls(root: Path) -> list[ast.Call]:
    """Every call in setup.py (literal keyword arguments are read, nothing is run)."""
    path = root / "setup.py"
    if not path.is_file():
        return []
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except SyntaxError:
        return []
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _const(node: ast.expr | None) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def _holds_code(directory: Path) -> bool:
    return any(
        (c.is_dir() and (c / "__init__.py").is_file()) or c.suffix == ".py"
        for c in directory.iterdir()
    )


def _listing(directory: Path, names: list[str]) -> str:
    shown = [f"{n}/" if (directory / n).is_dir() else f"{n}.py" for n in names[:5]]
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return ", ".join(shown) + more


def _norm(rel: str) -> str:
    text = Path(rel.strip()).as_posix().strip("/")
    return "." if text in ("", ".") else text.removeprefix("./")


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_toml(path: Path) -> dict:
    """A TOML file's data; {} when it is missing or not valid TOML (a project's file, not ours)."""
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}


def _ini(path: Path) -> configparser.ConfigParser | None:
    if not path.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    return parser
