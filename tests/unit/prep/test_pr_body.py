"""PR body templates: every field filled, no placeholder or empty section survives."""

from __future__ import annotations

import re

import pytest
from jinja2 import UndefinedError

from codeflash_bot.models import Domain
from codeflash_bot.prep.compare_models import CompareResult, CompareRow
from codeflash_bot.prep.pr_body import (
    TEMPLATES,
    BodyView,
    OptimizationView,
    Platform,
    chart,
    environment,
    render_body,
    replay_evidence,
    summarize_tests,
)

LEFTOVERS = ("{{", "}}", "{%", "%}", "{#", "None", "TODO", "Undefined")


def _result(memory: bool) -> CompareResult:
    row = CompareRow(
        name="test_benchmark_dedupe",
        fullname="tests/benchmarks/test_benchmark_dedupe.py::test_benchmark_dedupe",
        base_min=1.2e-3,
        base_median=1.3e-3,
        head_min=2.4e-5,
        head_median=2.6e-5,
        base_peak=40_000 if memory else None,
        head_peak=10_000 if memory else None,
    )
    return CompareResult(
        base="main",
        head="codeflash/ds-x",
        base_sha="aaaaaaa",
        head_sha="bbbbbbb",
        python="/usr/bin/python3",
        python_version="3.11.7",
        memory=memory,
        passes=2,
        rows=[row],
        benchmark_files=["tests/benchmarks/test_benchmark_dedupe.py"],
        injected=[],
        pytest_args=["-q", "--benchmark-only"],
        command="codeflash-bot compare main codeflash/ds-x --timeout 600",
        warnings=[],
    )


def _view(*, memory: bool, optional: bool) -> BodyView:
    result = _result(memory)
    opt = OptimizationView(
        target="demo.core:dedupe",
        func="dedupe",
        file="src/demo/core.py",
        commit="1234567",
        rule="CPU101 list-membership-in-loop",
        summary="hoist set(ys) out of the loop",
        diff="@@ -1,2 +1,2 @@\n-    if x not in out:\n+    if x not in seen:",
        why="Each `in` on a list scans it.",
        same="The signature and results are unchanged.",
        measured="4 ms → 100 µs (40.00x faster)",
        benchmark="`tests/benchmarks/test_benchmark_dedupe.py::test_benchmark_dedupe`",
        compare="1.2 ms → 24 µs (50.00x)",
    )
    return BodyView(
        title="⚡ codeflash: `demo.core:dedupe` 50.00x faster",
        base="main",
        head="codeflash/ds-x",
        base_sha="aaaaaaa",
        head_sha="bbbbbbb",
        summary=["Speeds up `demo.core:dedupe`.", "Adds one benchmark."],
        optimizations=[opt, opt.model_copy(update={"target": "demo.core:other"})],
        loop_table="| function | delta |\n|---|---:|\n| `demo.core:dedupe` | -97.5% |",
        compare_intro="`codeflash-bot compare main codeflash/ds-x`: two passes per ref.",
        compare_table=result.markdown(),
        compare_flags="-q --benchmark-only",
        chart=chart(result, Domain.MEMORY if memory else Domain.CPU) if optional else "",
        notes=["compare ran on a loaded machine"] if optional else [],
        platform=Platform(
            cpu="Intel(R) Xeon(R)", cores="2", ram="23.5 GiB", os="Linux 6", python="CPython 3.11"
        ),
        reproduce="codeflash-bot compare main codeflash/ds-x",
        changelog=["- Perf: `demo.core:dedupe` is 50.00x faster."],
    )


def _empty_sections(text: str) -> list[str]:
    """Headings whose section (up to the next heading of the same or a higher level) is blank."""
    lines = text.splitlines()
    heads = [(i, len(m.group(1))) for i, ln in enumerate(lines) if (m := re.match(r"(#+) ", ln))]
    empty = []
    for n, (i, level) in enumerate(heads):
        end = next((j for j, lv in heads[n + 1 :] if lv <= level), len(lines))
        if not "\n".join(lines[i + 1 : end]).strip():
            empty.append(lines[i])
    return empty


@pytest.mark.parametrize("domain", [Domain.CPU, Domain.MEMORY])
@pytest.mark.parametrize("optional", [True, False], ids=["all-fields", "no-optional"])
def test_every_template_renders_without_leftovers(domain: Domain, optional: bool) -> None:
    text = render_body(_view(memory=domain is Domain.MEMORY, optional=optional), domain)
    for leftover in LEFTOVERS:
        assert leftover not in text, leftover
    assert _empty_sections(text) == []
    for heading in ("## Summary", "## Technical details", "## Platform", "## How to reproduce"):
        assert heading in text
    assert "## Changelog" in text
    assert "demo.core:other" in text
    assert ("```mermaid" in text) is optional
    assert ("## Notes" in text) is optional
    assert ("peak delta" in text) is (domain is Domain.MEMORY)


def test_every_template_file_is_rendered_by_some_body() -> None:
    names = {p.name for p in TEMPLATES.glob("pr_body*.j2")}
    mains = {"pr_body_cpu.md.j2", "pr_body_memory.md.j2"}
    assert mains <= names
    included = set()
    for main in mains:
        included |= set(re.findall(r'include "([^"]+)"', (TEMPLATES / main).read_text()))
    assert names - mains <= included


def test_a_missing_field_is_an_error_not_a_blank() -> None:
    data = _view(memory=False, optional=True).model_dump()
    del data["platform"]
    with pytest.raises(UndefinedError):
        environment().get_template("pr_body_cpu.md.j2").render(**data)


def test_chart_is_a_mermaid_bar_chart_of_speedups() -> None:
    text = chart(_result(False), Domain.CPU)
    assert text.startswith("xychart-beta")
    assert 'x-axis ["dedupe"]' in text
    assert "bar [50.00]" in text
    assert chart(None, Domain.CPU) == ""


def test_summarize_tests_reads_the_baseline_section_of_setup_md() -> None:
    section = (
        "# Setup\n\n- Test files found: 3\n\n## Baseline tests\n\n- Ran: `pytest` (pytest)\n"
        "- Tests collected: 12\n- Passed: 0\n- Failed: 12 (2 errors)\n- Skipped: 0\n"
        "- Gate: the tests gate every change (no new failures, no fewer tests than baseline)\n"
    )
    line = summarize_tests(section)
    assert "At baseline: 12 collected, 0 passed, 12 failed, 0 skipped." in line
    assert "no evidence" in line
    assert "not recorded" in summarize_tests("# Setup\n\n- Test files found: 3\n")
    gated_nothing = section.replace(
        "the tests gate every change (no new failures, no fewer tests than baseline)",
        "THE TESTS DID NOT RUN (collection error); they gated nothing, only the guard checked",
    )
    assert summarize_tests(gated_nothing).startswith("The repository's tests did not check")


def test_replay_evidence_calls_one_captured_call_weak() -> None:
    assert "weak evidence" in replay_evidence(1)
    assert "weak evidence" not in replay_evidence(40)
    assert replay_evidence(40).startswith("40 calls")
