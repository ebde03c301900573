"""What a PR would contain: the kept optimizations on a branch, from results.tsv plus git log.

results.tsv is the source of every number (commit messages are for humans and are never
parsed); git only tells which file a kept commit touched and whether it is on the branch.
"""

from __future__ import annotations

import inspect
import json
import re

from rich.table import Table

from codeflash_bot.errors import BotError
from codeflash_bot.git import Git
from codeflash_bot.measure.evidence import SCALE_FILE, parse_scales, scale_key
from codeflash_bot.models import Domain, ExperimentRecord, Frozen, Scale, Status
from codeflash_bot.propose.llm.explanations import EXPLANATIONS
from codeflash_bot.propose.rule import DOC_HEADINGS
from codeflash_bot.session.state import RESULTS, STATE_DIR, parse_results

_DESCRIPTION = re.compile(r"^(?P<code>[A-Z]+\d+)\s+(?P<name>[^:]+?)\s*:\s*(?P<summary>.*)$", re.S)


class RuleInfo(Frozen):
    """The parts of a rule's docstring a reviewer needs: why it is faster, when it is unsafe."""

    code: str
    name: str
    summary: str
    why: str
    unsafe: str


class KeptOptimization(Frozen):
    """One kept experiment, resolved against git (its commit and the file it changed)."""

    target: str
    module: str
    qualname: str
    file: str
    commit: str
    domain: Domain
    metric: str
    baseline: float | None
    candidate: float | None
    delta_pct: float | None
    rule_code: str
    rule_name: str
    summary: str
    description: str
    explanation: str = ""
    scale: Scale | None = None  # the size ladder it was kept on (measure/evidence.py)

    @property
    def func_slug(self) -> str:
        """The qualname as an identifier (`Class.method` -> `Class_method`)."""
        return re.sub(r"\W+", "_", self.qualname).strip("_")


def parse_description(description: str) -> tuple[str, str, str]:
    """Split `<RULE CODE> <rule name>: <summary>` (the loop's format) into its three parts.

    Descriptions in another shape (an LLM candidate, a hand-written row) keep their text as
    the summary with an empty code, so nothing is lost.
    """
    match = _DESCRIPTION.match(description.strip())
    if not match:
        return "", "", description.strip()
    return match["code"], match["name"].strip(), match["summary"].strip()


def rule_info(code: str) -> RuleInfo | None:
    """Docstring sections of the registered rule `code`, or None for an unknown code."""
    from codeflash_bot.propose.rules import all_rules

    for rule in all_rules():
        if rule.code == code:
            sections = docstring_sections(inspect.getdoc(type(rule)) or "")
            return RuleInfo(
                code=rule.code,
                name=rule.name,
                summary=rule.summary,
                why=sections.get("Why is this bad?", ""),
                unsafe=sections.get("When it is unsafe", ""),
            )
    return None


def docstring_sections(doc: str) -> dict[str, str]:
    """`Heading` / `Heading:` blocks of a rule docstring (DOC_HEADINGS) -> their joined text."""
    out: dict[str, list[str]] = {}
    current: str | None = None
    for line in doc.splitlines():
        head = line.strip().rstrip(":")
        if head in DOC_HEADINGS and not line.startswith(" "):
            current = head
            out[current] = []
        elif current is not None:
            out[current].append(line.strip())
    return {k: " ".join(x for x in v if x).strip() for k, v in out.items()}


def read_results_at(git: Git, ref: str) -> list[ExperimentRecord]:
    """results.tsv as committed at `ref` (the branch may not be checked out here)."""
    spec = f"{ref}:{STATE_DIR}/{RESULTS}"
    proc = git.run("show", spec, check=False)
    if proc.returncode != 0:
        raise BotError(
            f"{ref} has no {STATE_DIR}/{RESULTS}: run `codeflash-bot optimize` first "
            "(prepare-pr works on the branch it leaves)"
        )
    return parse_results(proc.stdout, spec)


def inventory(git: Git, head: str, base: str | None = None) -> list[KeptOptimization]:
    """Kept rows of results.tsv at `head` whose commit is on `head` (and not on `base`).

    Rows whose commit is gone (an older run's branch, a rebased commit) are skipped: a PR
    must only describe commits it contains.
    """
    records = read_results_at(git, head)
    on_branch = _commits_between(git, base, head)
    explanations = _explanations_at(git, head)
    scales = _scales_at(git, head)
    out: list[KeptOptimization] = []
    for rec in records:
        if rec.status is not Status.KEEP or rec.commit in ("", "-"):
            continue
        full = git.run("rev-parse", "--verify", "--quiet", f"{rec.commit}^{{commit}}", check=False)
        sha = full.stdout.strip()
        if full.returncode != 0 or sha not in on_branch:
            continue
        module, _, qualname = rec.target.partition(":")
        code, name, summary = parse_description(rec.description)
        out.append(
            KeptOptimization(
                target=rec.target,
                module=module,
                qualname=qualname or module,
                file=_changed_file(git, sha, module),
                commit=git.short_sha(sha),
                domain=rec.domain,
                metric=rec.metric,
                baseline=rec.baseline,
                candidate=rec.candidate,
                delta_pct=rec.delta_pct,
                rule_code=code,
                rule_name=name,
                summary=summary,
                description=rec.description,
                explanation=explanations.get(f"{rec.target}|{rec.rule}", ""),
                scale=scales.get(scale_key(rec.target, rec.rule)),
            )
        )
    return out


def _explanations_at(git: Git, head: str) -> dict[str, str]:
    """`.codeflash/explanations.json` at `head` (the LLM proposer's reasons), or {}."""
    proc = git.run("show", f"{head}:.codeflash/{EXPLANATIONS}", check=False)
    if proc.returncode != 0:
        return {}
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _scales_at(git: Git, head: str) -> dict[str, Scale]:
    """`.codeflash/scale.json` at `head` (size ladders of kept experiments), or {}."""
    proc = git.run("show", f"{head}:.codeflash/{SCALE_FILE}", check=False)
    return parse_scales(proc.stdout) if proc.returncode == 0 else {}


def _commits_between(git: Git, base: str | None, head: str) -> set[str]:
    spec = [head] if base is None else [f"{base}..{head}"]
    return set(git.out("rev-list", *spec).split())


def _changed_file(git: Git, sha: str, module: str) -> str:
    """The source file the kept commit changed (the one matching `module` if several)."""
    names = git.out("show", "--name-only", "--format=", sha).splitlines()
    sources = [n for n in names if n.endswith(".py") and not n.startswith(f"{STATE_DIR}/")]
    tail = module.replace(".", "/")
    for name in sources:
        if name.endswith((f"{tail}.py", f"{tail}/__init__.py")):
            return name
    return sources[0] if sources else f"{tail}.py"


def inventory_table(items: list[KeptOptimization]) -> Table:
    """The rich table `prepare-pr` prints."""
    table = Table(title="Kept optimizations", title_justify="left")
    for col in ("function", "file", "commit", "domain", "rule", "measured delta"):
        table.add_column(col, justify="right" if col == "measured delta" else "left")
    for it in items:
        delta = "-" if it.delta_pct is None else f"{it.delta_pct:+.1f}% ({it.metric})"
        rule = f"{it.rule_code} {it.rule_name}".strip() or "-"
        table.add_row(it.target, it.file, it.commit, it.domain.value, rule, delta)
    return table
