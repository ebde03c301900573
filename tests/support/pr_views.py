"""A fully filled PR body view and the compare result behind it, for the template tests."""

from __future__ import annotations

from codeflash_bot.models import Domain
from codeflash_bot.prep.compare_models import CompareResult, CompareRow
from codeflash_bot.prep.pr_body import BodyView, OptimizationView, Platform, chart


def sample_result(memory: bool) -> CompareResult:
    """One benchmark row, 50x faster at head (with peaks when `memory`)."""
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


def sample_view(*, memory: bool, optional: bool) -> BodyView:
    """Every field of the PR body filled; `optional` adds the chart and notes."""
    result = sample_result(memory)
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
