"""The PR body: typed view models rendered by jinja2 (`templates/pr_body_{cpu,memory}.md.j2`).

Every value reaching a template is a ready-made string (or a list of them), built here, so the
templates hold layout only and `StrictUndefined` turns any missing field into an error instead
of a blank in a maintainer's PR. Optional sections (chart, notes) sit inside `{% if %}` blocks
that also wrap their heading, so no section is ever empty.
"""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from codeflash_bot.capture.sources import inputs_in
from codeflash_bot.git import Git
from codeflash_bot.models import Domain, Frozen
from codeflash_bot.neutralise import fence, model_text
from codeflash_bot.prep.benchgen import GeneratedBenchmark
from codeflash_bot.prep.compare_models import CompareResult, fmt_bytes, fmt_seconds
from codeflash_bot.prep.inventory import KeptOptimization, rule_info
from codeflash_bot.prep.scale_view import scale_markdown
from codeflash_bot.prep.target_env import TargetEnv, Timeout, run_python

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE_FOR = {Domain.MEMORY: "pr_body_memory.md.j2"}
DEFAULT_TEMPLATE = "pr_body_cpu.md.j2"
MAX_DIFF_LINES = 80
TITLE_PREFIX = "⚡ codeflash: "


class Platform(Frozen):
    """Where the numbers were measured."""

    cpu: str
    cores: str
    ram: str
    os: str
    python: str


class OptimizationView(Frozen):
    """One kept optimization, as the template shows it."""

    target: str
    func: str
    file: str
    commit: str
    rule: str
    summary: str
    diff: str
    why: str
    same: str
    measured: str
    benchmark: str
    compare: str
    scale: str = ""


class BodyView(Frozen):
    """Everything one PR body shows (the combined body or one function's)."""

    title: str
    base: str
    head: str
    base_sha: str
    head_sha: str
    summary: list[str]
    optimizations: list[OptimizationView]
    loop_table: str
    compare_intro: str
    compare_table: str
    compare_flags: str
    chart: str
    notes: list[str]
    platform: Platform
    reproduce: str
    changelog: list[str]


def environment() -> Environment:
    """Markdown templates: no autoescape, strict about undefined names, tidy whitespace."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["fence"] = fence  # a diff holding ``` must not end its own block
    return env


def template_for(domain: Domain) -> str:
    return TEMPLATE_FOR.get(domain, DEFAULT_TEMPLATE)


def render_body(view: BodyView, domain: Domain) -> str:
    """Render, then squeeze runs of blank lines (a conditional block may leave two)."""
    text = environment().get_template(template_for(domain)).render(**view.model_dump())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


# --- platform -------------------------------------------------------------------------------
def detect_platform(env: TargetEnv, cwd: Path) -> Platform:
    """CPU model, cores, RAM and OS of this machine; Python version of the target's interpreter."""
    return Platform(
        cpu=_cpu_model(),
        cores=str(os.cpu_count() or "unknown"),
        ram=_ram(),
        os=f"{platform.system()} {platform.release()} ({platform.machine()})",
        python=_target_python(env, cwd),
    )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                kib = int(line.split()[1])
                return f"{kib / (1 << 20):.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return "unknown"


def _target_python(env: TargetEnv, cwd: Path) -> str:
    code = "import platform,sys; print(platform.python_implementation(), platform.python_version())"
    try:
        proc = run_python(env, ["-c", code], cwd=cwd, timeout=60)
    except Timeout:
        return "unknown"
    return proc.stdout.strip() or "unknown"


# --- pieces ---------------------------------------------------------------------------------
def function_diff(git: Git, commit: str, file: str) -> str:
    """The kept commit's change to `file`, with the whole enclosing function as context."""
    out = git.run("show", "--format=", "--function-context", commit, "--", file, check=False)
    lines = out.stdout.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith("@@")), len(lines))
    body = lines[start:]
    if len(body) > MAX_DIFF_LINES:
        more = len(body) - MAX_DIFF_LINES
        body = [*body[:MAX_DIFF_LINES], f"… {more} more lines: git show {commit} -- {file}"]
    return "\n".join(body) or f"(no textual change to {file} in {commit})"


def is_improvement(item: KeptOptimization) -> bool | None:
    """Direction of the loop's own measurement: delta_pct = (candidate / baseline - 1) * 100."""
    if item.delta_pct is None:
        return None
    return item.delta_pct < 0


def loop_measured(item: KeptOptimization) -> str:
    """The loop's A/B figure for one experiment, in the metric's own unit."""
    if item.baseline is None or item.candidate is None:
        return "not recorded"
    memory = item.domain is Domain.MEMORY
    fmt = (lambda v: fmt_bytes(int(v))) if memory else fmt_seconds
    text = f"{fmt(item.baseline)} → {fmt(item.candidate)}"
    if item.candidate > 0 and not memory:
        text += f" ({item.baseline / item.candidate:.2f}x faster"
    elif item.baseline > 0:
        text += f" ({(1 - item.candidate / item.baseline) * 100:.1f}% less"
    else:
        return text
    if item.delta_pct is not None:
        text += f", {item.delta_pct:+.1f}% {item.metric}"
    return text + ")"


def loop_table(items: list[KeptOptimization]) -> str:
    lines = [
        "| function | rule | commit | before | after | delta |",
        "|:---|:---|:---|---:|---:|---:|",
    ]
    for it in items:
        memory = it.domain is Domain.MEMORY
        fmt = (lambda v: fmt_bytes(int(v))) if memory else fmt_seconds
        before = "-" if it.baseline is None else fmt(it.baseline)
        after = "-" if it.candidate is None else fmt(it.candidate)
        delta = "-" if it.delta_pct is None else f"{it.delta_pct:+.1f}%"
        rule = it.rule_code or "rewrite"
        lines.append(f"| `{it.target}` | {rule} | {it.commit} | {before} | {after} | {delta} |")
    return "\n".join(lines)


def chart(result: CompareResult | None, domain: Domain) -> str:
    """A mermaid bar chart of speedups (or of peak-memory reduction); empty without rows."""
    if result is None or not result.rows:
        return ""
    names = ", ".join(f'"{r.name.removeprefix("test_benchmark_")}"' for r in result.rows)
    if domain is Domain.MEMORY and result.memory:
        values = [-(r.memory_delta_pct or 0.0) for r in result.rows]
        title, axis = "Peak memory saved per benchmark", "% less peak memory"
    else:
        values = [r.speedup for r in result.rows]
        title, axis = "Speedup per benchmark (base min / head min)", "times faster"
    top = max([*values, 1.0]) * 1.1
    bars = ", ".join(f"{v:.2f}" for v in values)
    return "\n".join(
        [
            "xychart-beta",
            f'    title "{title}"',
            f"    x-axis [{names}]",
            f'    y-axis "{axis}" 0 --> {top:.1f}',
            f"    bar [{bars}]",
        ]
    )


def optimization_view(
    git: Git,
    item: KeptOptimization,
    bench: GeneratedBenchmark | None,
    result: CompareResult | None,
) -> OptimizationView:
    info = rule_info(item.rule_code) if item.rule_code else None
    memory = item.domain is Domain.MEMORY
    why = model_text(item.explanation) if item.explanation else ""
    why = why or (info.why if info and info.why else item.summary)
    rule = f"{item.rule_code} {item.rule_name}".strip() or "custom rewrite"
    count = bench.inputs_captured if bench else 0
    calls = replay_evidence(count, inputs_in(item.description))
    same = (
        f"The signature and results of `{item.qualname}` are unchanged as far as replay shows: "
        f"original and optimized versions returned equal values (type-strict, including raised "
        f"exceptions and in-place changes to arguments) on {calls}."
    )
    if info and info.unsafe:
        seen = f"the replay of {_calls(count)}" if count else "the replay"
        same += (
            f" Known hazard of this rewrite, not observed in {seen} (which cannot rule it out "
            f"for inputs it did not see): {info.unsafe}"
        )
    if bench and bench.test_file:
        form = (
            f"a pickle, `{bench.data_file}`, as the last resort: its arguments have no Python "
            "source"
            if bench.input_form == "pickle"
            else "written in the test as Python source"
        )
        where = f"the size ladder's rung {bench.rung}" if bench.rung else "a captured input"
        benchmark = (
            f"`{bench.test_file}::{bench.test_name}` on {where} ({bench.input_shape}; {form})"
        )
    elif bench and bench.skipped:
        benchmark = f"none generated: {bench.skipped}"
    else:
        benchmark = "none generated"
    row = result.row_for(bench.test_name) if result and bench else None
    if row is None:
        compare_text = "not part of the compare run"
    elif memory and row.memory_delta_pct is not None:
        compare_text = (
            f"peak {fmt_bytes(row.base_peak)} → {fmt_bytes(row.head_peak)} "
            f"({row.memory_delta_pct:+.1f}%), time {row.speedup:.2f}x"
        )
    else:
        compare_text = (
            f"{fmt_seconds(row.base_min)} → {fmt_seconds(row.head_min)} ({row.speedup:.2f}x)"
        )
    return OptimizationView(
        target=item.target,
        func=item.qualname,
        file=item.file,
        commit=item.commit,
        rule=rule,
        summary=item.summary or rule,
        diff=function_diff(git, item.commit, item.file),
        why=why or "see the rule's documentation",
        same=same,
        measured=loop_measured(item),
        benchmark=benchmark,
        compare=compare_text,
        scale=scale_markdown(item.scale, memory=memory),
    )


WEAK_EVIDENCE = 3  # fewer captured calls than this: say the replay is weak evidence


def replay_evidence(count: int, sources: str = "") -> str:
    """How many captured calls the replay compared, where they came from (the loop's record
    of the input sources: workload, benchmarks, tests, generated), and what that is worth."""
    only_tests = not sources or ("," not in sources and sources.endswith("from the tests"))
    if count <= 0:
        if not only_tests:
            return f"the inputs ({sources})"
        return "the calls captured while the repository's tests ran (count not recorded)"
    if only_tests:
        text = _calls(count) + " captured from the repository's tests"
    else:
        text = f"{_calls(count)} ({sources})"
    if count < WEAK_EVIDENCE:
        text += (
            f" — weak evidence: {'one input exercises' if count == 1 else 'so few inputs exercise'}"
            " few paths through the function, so review the diff itself"
        )
    return text


def _calls(count: int) -> str:
    return f"{count} call" if count == 1 else f"{count} calls"


BASELINE_SECTION = "## Baseline tests"
COUNT_KEYS = {
    "tests collected": "collected",
    "passed": "passed",
    "failed": "failed",
    "skipped": "skipped",
}


def recorded_test_counts(setup_md: str) -> tuple[dict[str, int], str]:
    """(counts, gate verdict) from setup.md's `## Baseline tests` section (verify/gate.py):
    `- Tests collected: 12`, `- Passed: 10`, `- Failed: 2`, `- Skipped: 0`, `- Gate: ...`.
    Empty when the section is missing (a branch made before the gate recorded them)."""
    counts: dict[str, int] = {}
    gate = ""
    in_section = False
    for line in setup_md.splitlines():
        if line.startswith("## "):
            in_section = line.strip() == BASELINE_SECTION
            continue
        if not in_section or not line.startswith("- ") or ":" not in line:
            continue
        key, value = (part.strip() for part in line[2:].split(":", 1))
        if key.lower() == "gate":
            gate = value
        elif key.lower() in COUNT_KEYS and (number := re.match(r"\d+", value)):
            counts[COUNT_KEYS[key.lower()]] = int(number.group())
    return counts, gate


def summarize_tests(setup_md: str) -> str:
    """The summary bullet saying what the repository's tests showed, and nothing more."""
    counts, gate = recorded_test_counts(setup_md)
    if "gated nothing" in gate or gate.startswith("stopped"):
        return f"The repository's tests did not check these changes: {gate}."
    rule = (
        "After every change the repository's tests ran again: no new failures and no fewer "
        "tests than at baseline (failures already present at baseline do not block a keep)."
    )
    if not counts:
        return rule + " Test counts were not recorded for this run."
    passed, failed = counts.get("passed", 0), counts.get("failed", 0)
    text = f"{rule} At baseline: {counts.get('collected', passed + failed)} collected, "
    text += f"{passed} passed, {failed} failed, {counts.get('skipped', 0)} skipped."
    if passed == 0:
        text += " With no test passing at baseline, the tests are no evidence for these changes."
    return text


def changelog_line(item: KeptOptimization, result: CompareResult | None, test: str | None) -> str:
    row = result.row_for(test) if result and test else None
    if item.domain is Domain.MEMORY:
        how = "less peak memory"
        if row and row.memory_delta_pct is not None:
            how = f"{-row.memory_delta_pct:.0f}% less peak memory"
    elif row is not None:
        how = f"{row.speedup:.2f}x faster"
    elif item.baseline and item.candidate:
        how = f"{item.baseline / item.candidate:.2f}x faster"
    else:
        how = "faster"
    return f"- Perf: `{item.target}` is {how} ({item.summary or item.rule_code})."


def title_for(items: list[KeptOptimization], result: CompareResult | None, tests: dict) -> str:
    """`⚡ codeflash: <summary>` naming the function (one) or the count and the best (several)."""
    memory = items[0].domain is Domain.MEMORY
    word = "leaner" if memory else "faster"
    targets = list(dict.fromkeys(it.target for it in items))
    if len(targets) == 1:
        line = changelog_line(items[-1], result, tests.get(targets[0]))
        how = line.split(" is ", 1)[1].split(" (", 1)[0]
        return f"{TITLE_PREFIX}`{targets[0]}` {how}"
    names = ", ".join(t.split(":")[-1] for t in targets[:3]) + (", …" if len(targets) > 3 else "")
    return f"{TITLE_PREFIX}{len(targets)} functions {word} ({names})"
