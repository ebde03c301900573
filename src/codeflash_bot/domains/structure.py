"""Structure engine: import time of the package's modules and the shape of its import graph.

Targets are modules, `Target(module=..., qualname="<module>", file=..., lineno=1)`. The profile
imports each module of the repo's own code in fresh processes under `python -X importtime`
(IMPORTTIME_RUNS runs, min per line) and reads which imports are heavy; a static pass over the
module-level imports builds the graph of the repo's modules and its cycles. Module rules
(`propose/module_rule.py`, codes STR4xx) move imports; the scope gate allows nothing else.

Measurement: both sides run from a COPY of the module's top-level package (or single-file
module) in a temp directory placed first on PYTHONPATH: one copy as it is (A, and A' for the
A/A ratio), one with the candidate file written in (B), so the two sides have exactly the same
path layout. Each round imports the module once per side, each in a fresh interpreter, in
rotating order; the child times `import <module>` with perf_counter. Statistic: min over rounds.
Behaviour: every public name of the module (`__all__`, else the non-underscore names its own
top-level statements define) must still be importable with the same type; the loop then runs
the repo's tests.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from codeflash_bot.domains.base import Engine, EngineContext
from codeflash_bot.measure.decide import Metric, crash_verdict, judge
from codeflash_bot.measure.headline import Figures, import_figures
from codeflash_bot.measure.timing import measurement_from
from codeflash_bot.models import (
    Candidate,
    Domain,
    DomainScore,
    Measurement,
    Reason,
    Status,
    Target,
    Verdict,
)
from codeflash_bot.profile.cpu import SKIP_PARTS, is_candidate_file, module_name
from codeflash_bot.propose import Proposer, RulesProposer
from codeflash_bot.propose.module_rule import MODULE_QUALNAME, ModuleFacts, ModuleRulesProposer
from codeflash_bot.sandbox import HarnessError
from codeflash_bot.verify.scope import ScopeProblem, out_of_scope, unparsable

IMPORTTIME_RUNS = 3
ROUNDS = 10
HEAVY_SECONDS = 0.005  # an import is heavy from 5 ms ...
HEAVY_SHARE = 0.10  # ... and 10 % of the importing module's cumulative time
# Import time takes no argument a size ladder could grow: the one size is the import itself.
NO_LADDER = "no size ladder: importing a module takes no input to grow"
_IMPORTTIME = re.compile(r"^import time:\s+(\d+)\s*\|\s*(\d+)\s*\|(\s*)(\S+)\s*$")
_TIMER = (  # wall and CPU seconds of the import (decide.clears asks both)
    "import sys, time\nt, c = time.perf_counter(), time.process_time()\nimport {module}\n"
    "sys.stdout.write(f'{{time.perf_counter() - t!r}} {{time.process_time() - c!r}}')\n"
)
_NAMES = (
    "import json, sys\nimport {module} as m\n"
    "names = json.loads(sys.argv[1])\n"
    "print(json.dumps({{n: type(getattr(m, n)).__name__ if hasattr(m, n) else None"
    " for n in names}}))\n"
)


@dataclass(frozen=True)
class ImportLine:
    """One line of `-X importtime` output (seconds)."""

    name: str
    self_seconds: float
    cumulative: float
    depth: int


def parse_importtime(stderr: str) -> list[ImportLine]:
    out = []
    for line in stderr.splitlines():
        found = _IMPORTTIME.match(line)
        if found:
            self_us, cum_us, indent, name = found.groups()
            depth = len(indent) // 2
            out.append(ImportLine(name, int(self_us) / 1e6, int(cum_us) / 1e6, depth))
    return out


def descendants(lines: list[ImportLine], name: str) -> list[ImportLine]:
    """Lines imported while `name` was being imported (importtime prints children first)."""
    for i, line in enumerate(lines):
        if line.name != name:
            continue
        found = []
        for child in reversed(lines[:i]):
            if child.depth <= line.depth:
                break
            found.append(child)
        return found
    return []


@dataclass
class ModuleProfile:
    """What the import profile found about one module of the repo."""

    target: Target
    is_package: bool
    cumulative: float = 0.0
    self_seconds: float = 0.0
    children: dict[str, float] = field(default_factory=dict)  # name -> min cumulative seconds
    imports: set[str] = field(default_factory=set)  # own modules imported at module level
    cyclic: set[str] = field(default_factory=set)

    @property
    def heavy(self) -> frozenset[str]:
        bar = max(HEAVY_SECONDS, HEAVY_SHARE * self.cumulative)
        return frozenset(n for n, s in self.children.items() if s >= bar)

    def facts(self) -> ModuleFacts:
        return ModuleFacts(
            module=self.target.module,
            is_package=self.is_package,
            heavy=self.heavy,
            cyclic=frozenset(self.cyclic),
        )


def own_modules(ctx: EngineContext) -> list[ModuleProfile]:
    """Every importable module of the repo's own code (not tests, benchmarks, excluded)."""
    found: dict[str, ModuleProfile] = {}
    for base in ctx.setup.pythonpath:
        for path in sorted((ctx.project / base).rglob("*.py")):
            rel = path.relative_to(ctx.project)
            if any(p in SKIP_PARTS or p.startswith(".") for p in rel.parts[:-1]):
                continue
            if not is_candidate_file(rel, ctx.setup, ctx.config.exclude):
                continue
            module = module_name(rel, ctx.setup.pythonpath)
            if module is None or module in found:
                continue
            target = Target(module=module, qualname=MODULE_QUALNAME, file=rel, lineno=1)
            found[module] = ModuleProfile(target, is_package=rel.name == "__init__.py")
        if base == ".":
            break
    return list(found.values())


def import_graph(ctx: EngineContext, modules: list[ModuleProfile]) -> None:
    """Module-level imports between own modules, and the cycles they close (Tarjan SCC)."""
    names = {m.target.module for m in modules}
    for prof in modules:
        try:
            tree = ast.parse((ctx.project / prof.target.file).read_text(encoding="utf-8"))
        except (SyntaxError, OSError, UnicodeDecodeError):
            continue
        package = prof.target.module if prof.is_package else prof.target.module.rpartition(".")[0]
        for stmt in tree.body:
            for imported in _imported(stmt, package):
                while imported and imported not in names:
                    imported = imported.rpartition(".")[0]
                if imported and imported != prof.target.module:
                    prof.imports.add(imported)
    by_name = {m.target.module: m for m in modules}
    for component in _strongly_connected({m: p.imports for m, p in by_name.items()}):
        if len(component) < 2:
            continue
        for name in component:
            by_name[name].cyclic = by_name[name].imports & component


def _imported(stmt: ast.stmt, package: str) -> list[str]:
    if isinstance(stmt, ast.Import):
        return [a.name for a in stmt.names]
    if not isinstance(stmt, ast.ImportFrom):
        return []
    base = stmt.module or ""
    if stmt.level:
        parts = package.split(".") if package else []
        parts = parts[: len(parts) - (stmt.level - 1)]
        base = ".".join([*parts, base] if base else parts)
    return [base, *(f"{base}.{a.name}" for a in stmt.names)]


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            out.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def profile_imports(ctx: EngineContext, modules: list[ModuleProfile]) -> None:
    """`-X importtime` of each module in fresh processes; min over runs per line."""
    for prof in modules:
        best: dict[str, ImportLine] = {}
        mine: list[ImportLine] = []
        for _ in range(IMPORTTIME_RUNS):
            result = ctx.runner.command(
                ["-X", "importtime", "-c", f"import {prof.target.module}"],
                timeout=ctx.config.candidate_timeout,
            )
            if not result.ok:
                ctx.reporter.note(f"import {prof.target.module} fails: {result.tail()}")
                break
            lines = parse_importtime(result.stderr)
            for line in lines:
                if line.name not in best or line.cumulative < best[line.name].cumulative:
                    best[line.name] = line
            mine = descendants(lines, prof.target.module) or mine
        own = best.get(prof.target.module)
        if own is None:
            continue
        prof.cumulative, prof.self_seconds = own.cumulative, own.self_seconds
        prof.children = {c.name: best[c.name].cumulative for c in mine if c.name in best}


def public_names(source: str) -> list[str]:
    """`__all__` if the module sets it, else the non-underscore names it defines itself."""
    tree = ast.parse(source)
    names: list[str] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in stmt.targets
        ):
            try:
                return [str(n) for n in ast.literal_eval(stmt.value)]
            except ValueError:
                pass
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(stmt.name)
        elif isinstance(stmt, ast.Assign):
            names += [t.id for t in stmt.targets if isinstance(t, ast.Name)]
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names.append(stmt.target.id)
    return sorted({n for n in names if not n.startswith("_")})


def import_move_problem(original: str, candidate: str) -> ScopeProblem | None:
    """Gate 1 for module rules: it parses, and only import statements moved (none lost)."""
    try:
        new_tree = ast.parse(candidate)
    except SyntaxError as exc:
        return unparsable(exc)
    detail = _import_move_detail(ast.parse(original), new_tree)
    return None if detail is None else out_of_scope(detail)


def _import_move_detail(old_tree: ast.Module, new_tree: ast.Module) -> str | None:
    if ast.dump(_strip_imports(old_tree)) != ast.dump(_strip_imports(new_tree)):
        return "changed code other than moving import statements"
    old, new = _aliases(old_tree), _aliases(new_tree)
    new[("typing", "TYPE_CHECKING", None, 0)] += 1
    if old - new:
        return "dropped an import"
    return None


class _ImportStripper(ast.NodeTransformer):
    def visit_Import(self, node: ast.Import) -> None:
        return None

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        return None

    def visit_If(self, node: ast.If) -> ast.AST | None:
        self.generic_visit(node)
        test = node.test
        guard = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        )
        return None if guard and not node.body and not node.orelse else node


def _strip_imports(tree: ast.Module) -> ast.Module:
    return _ImportStripper().visit(copy.deepcopy(tree))


def _aliases(tree: ast.Module) -> Counter:
    out: Counter = Counter()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update((a.name, None, a.asname, 0) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            out.update((node.module, a.name, a.asname, node.level) for a in node.names)
    return out


class StructureEngine(Engine):
    domain = Domain.STRUCTURE
    metric = Metric.IMPORT_SECONDS
    tools = ("pytest",)

    def __init__(self) -> None:
        self._profiles: dict[Path, dict[str, ModuleProfile]] = {}

    def profile(self, ctx: EngineContext) -> dict[str, ModuleProfile]:
        """Import profile + graph of the repo's modules (once per project), by module name."""
        key = ctx.project.resolve()
        if key not in self._profiles:
            modules = own_modules(ctx)
            import_graph(ctx, modules)
            profile_imports(ctx, modules)
            self._profiles[key] = {m.target.module: m for m in modules}
        return self._profiles[key]

    def facts_for(self, target: Target) -> ModuleFacts | None:
        for profiles in self._profiles.values():
            prof = profiles.get(target.module)
            if prof is not None:
                return prof.facts()
        return None

    def proposer(self) -> ModuleRulesProposer:
        return ModuleRulesProposer(self.facts_for)

    def proposers(self, chosen: list[Proposer]) -> list[Proposer]:
        """Module targets need the module rules (with the profile's facts), not function rules."""
        return [self.proposer() if isinstance(p, RulesProposer) else p for p in chosen]

    def find_targets(self, ctx: EngineContext, proposers: list[Proposer]) -> list[Target]:
        profiles = self.profile(ctx)
        ranked = sorted(profiles.values(), key=lambda p: (-self._gain(p), p.target.module))
        out = []
        for prof in ranked:
            target = prof.target.model_copy(
                update={"total_seconds": prof.cumulative, "self_seconds": prof.self_seconds}
            )
            try:
                module = cst.parse_module((ctx.project / target.file).read_text(encoding="utf-8"))
            except (OSError, cst.ParserSyntaxError):
                continue
            if any(p.wants(module, target) for p in proposers):
                out.append(target)
        return out[: ctx.config.max_targets]

    @staticmethod
    def _gain(prof: ModuleProfile) -> float:
        heavy = prof.heavy
        # Only the outermost heavy imports count: their cumulative time includes the rest.
        top = [n for n in heavy if not any(n.startswith(h + ".") for h in heavy if h != n)]
        return sum(prof.children[n] for n in top) + (0.001 if prof.cyclic else 0.0)

    def scope_problem(self, original: str, candidate: Candidate) -> ScopeProblem | None:
        return import_move_problem(original, candidate.source)

    def commit_figures(self, verdict: Verdict) -> Figures:
        return import_figures(verdict)

    def evaluate(self, ctx: EngineContext, candidate: Candidate) -> Verdict:
        target = candidate.target
        try:
            with tempfile.TemporaryDirectory(prefix="codeflash-struct-") as tmp:
                original = _overlay(ctx, target, Path(tmp) / "a", None)
                changed = _overlay(ctx, target, Path(tmp) / "b", candidate.source)
                names = public_names((ctx.project / target.file).read_text(encoding="utf-8"))
                problem = _names_problem(ctx, target, names, original, changed)
                if problem is not None:
                    return Verdict(status=Status.DISCARD, reason=Reason.BEHAVIOUR, detail=problem)

                def once() -> Measurement:
                    return measure_import(ctx, target, original, changed)

                verdict = judge(once, ctx.config.min_improvement, ctx.config.max_aa_noise)
        except HarnessError as exc:
            return crash_verdict(exc)
        m = min(verdict.measurements, key=lambda x: x.gain)
        side = (
            f"import {target.module} in a fresh interpreter: {m.baseline * 1e3:.1f} ms ->"
            f" {m.candidate * 1e3:.1f} ms (min of {m.rounds} rounds, A/A {m.aa_noise * 100:.1f}%);"
            f" {NO_LADDER}"
        )
        detail = f"{verdict.detail}; {side}" if verdict.detail else side
        return verdict.model_copy(update={"detail": detail})

    def score(self, ctx: EngineContext) -> DomainScore:
        """Share (0..1) of the modules' import time (each imported alone in a fresh
        interpreter, summed) spent on heavy imports a STR rule would move."""
        profiles = self.profile(ctx)
        total = sum(p.cumulative for p in profiles.values())
        if total <= 0:
            detail = "structure: no module of the repo could be imported"
            return DomainScore(domain=self.domain, detail=detail)
        proposer = self.proposer()
        gains = []
        for prof in profiles.values():
            try:
                module = cst.parse_module((ctx.project / prof.target.file).read_text("utf-8"))
            except (OSError, cst.ParserSyntaxError):
                continue
            if proposer.wants(module, prof.target):
                gains.append((self._gain(prof), prof))
        if not gains:
            cycles = sum(bool(p.cyclic) for p in profiles.values())
            detail = f"structure: nothing to move ({cycles} module(s) in import cycles)"
            return DomainScore(domain=self.domain, detail=detail)
        gains.sort(key=lambda g: -g[0])
        share = min(1.0, sum(g for g, _ in gains) / total)
        best = gains[0][1]
        heavy = ", ".join(sorted(best.heavy)) or "a cycle"
        detail = (
            f"structure: {share:.0%} of import time is heavy imports {len(gains)} module(s)"
            f" barely use; top {best.target.module} ({best.cumulative * 1e3:.0f} ms to import,"
            f" {heavy})"
        )
        return DomainScore(domain=self.domain, share=share, matches=len(gains), detail=detail)


def _overlay(ctx: EngineContext, target: Target, where: Path, source: str | None) -> Path:
    """A copy of `target`'s top-level package (or module) under `where`; returns `where`."""
    top = target.module.split(".")[0]
    rel = target.file
    parts = rel.parts
    base = parts[: len(parts) - len(target.module.split(".")) - (rel.name == "__init__.py")]
    src_root = ctx.project.joinpath(*base)
    where.mkdir(parents=True)
    if (src_root / top).is_dir():
        shutil.copytree(
            src_root / top, where / top, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    else:
        shutil.copy2(src_root / f"{top}.py", where / f"{top}.py")
    if source is not None:
        inner = Path(*parts[len(base) :])
        (where / inner).write_text(source, encoding="utf-8")
    return where


def _env(ctx: EngineContext, overlay: Path) -> dict[str, str]:
    env = dict(ctx.runner.env)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(overlay), env["PYTHONPATH"]) if p)
    return env


def _names_problem(
    ctx: EngineContext, target: Target, names: list[str], a: Path, b: Path
) -> str | None:
    seen = []
    for overlay in (a, b):
        result = ctx.runner.command(
            ["-c", _NAMES.format(module=target.module), json.dumps(names)],
            timeout=ctx.config.candidate_timeout,
            env=_env(ctx, overlay),
        )
        if not result.ok:
            if overlay is a:
                raise HarnessError(f"import {target.module} fails: {result.tail()}")
            return f"import {target.module} fails: {result.tail()}"
        seen.append(json.loads(result.stdout.strip().splitlines()[-1]))
    lost = [n for n in names if seen[0].get(n) != seen[1].get(n)]
    if lost:
        return "public names changed: " + ", ".join(
            f"{n} ({seen[0].get(n)} -> {seen[1].get(n)})" for n in lost[:5]
        )
    return None


def measure_import(ctx: EngineContext, target: Target, a: Path, b: Path) -> Measurement:
    """Interleaved A/B/A' import times, a fresh interpreter per import; min over rounds."""
    envs = {"A": _env(ctx, a), "B": _env(ctx, b), "C": _env(ctx, a)}
    code = _TIMER.format(module=target.module)
    best = {k: float("inf") for k in envs}
    best_cpu = dict(best)
    order = ["A", "B", "C"]
    for r in range(ROUNDS + 1):
        for side in order[r % 3 :] + order[: r % 3]:
            result = ctx.runner.command(
                ["-c", code], timeout=ctx.config.candidate_timeout, env=envs[side]
            )
            if result.timed_out:
                raise HarnessError("import timed out", timed_out=True)
            if not result.ok:
                raise HarnessError(f"import {target.module} fails: {result.tail()}")
            if r > 0:
                wall, cpu = map(float, result.stdout.strip().splitlines()[-1].split())
                best[side] = min(best[side], wall)
                best_cpu[side] = min(best_cpu[side], cpu)
    out = {"sizes": [], "shapes": [], "rounds": ROUNDS, "per_call": best["A"]}
    for view, times in (("", best), ("cpu_", best_cpu)):
        out |= {
            f"{view}baseline": times["A"],
            f"{view}candidate": times["B"],
            f"{view}aa_ratio": times["A"] / times["C"] if times["C"] > 0 else 1.0,
        }
    return measurement_from(out, Metric.IMPORT_SECONDS)
