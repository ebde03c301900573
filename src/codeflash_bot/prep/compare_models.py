"""`compare`'s data: pytest-benchmark's JSON as read, and the result as tabulated for people.

The formatting lives with the result (terminal table, markdown, cells shared by both and by the
PR body), so every rendering of a compare run shows the same figures.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError
from rich.table import Table

from codeflash_bot.errors import BotError
from codeflash_bot.models import Frozen


class BenchStats(BaseModel):
    """`benchmarks[].stats` of pytest-benchmark's JSON (seconds)."""

    model_config = ConfigDict(extra="ignore")

    min: float
    max: float
    mean: float
    median: float
    stddev: float
    rounds: int
    iterations: int = 1


class BenchEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str
    fullname: str
    group: str | None = None
    stats: BenchStats


class BenchReport(BaseModel):
    """Top level of `--benchmark-json` output (pytest-benchmark 4/5)."""

    model_config = ConfigDict(extra="ignore")

    machine_info: dict[str, object] = {}
    benchmarks: list[BenchEntry]
    datetime: str = ""
    version: str = ""


# --- result ---------------------------------------------------------------------------------
class CompareRow(Frozen):
    """One benchmark at both refs. speedup = base min / head min (>1 means head is faster)."""

    name: str
    fullname: str
    base_min: float
    base_median: float
    head_min: float
    head_median: float
    base_peak: int | None = None
    head_peak: int | None = None

    @property
    def speedup(self) -> float:
        return self.base_min / self.head_min if self.head_min > 0 else float("inf")

    @property
    def memory_delta_pct(self) -> float | None:
        if self.base_peak is None or self.head_peak is None or self.base_peak == 0:
            return None
        return (self.head_peak - self.base_peak) / self.base_peak * 100.0


class CompareResult(Frozen):
    """Everything `compare` measured, plus the exact commands to reproduce it."""

    base: str
    head: str
    base_sha: str
    head_sha: str
    python: str
    python_version: str
    memory: bool
    passes: int
    rows: list[CompareRow]
    benchmark_files: list[str]
    injected: list[str]
    pytest_args: list[str]
    command: str
    warnings: list[str]

    def table(self) -> Table:
        """Rich table for the terminal."""
        table = Table(
            title=f"compare {self.base} ({self.base_sha}) → {self.head} ({self.head_sha})",
            title_justify="left",
        )
        for col in self.columns():
            first = col == "benchmark"
            table.add_column(col, justify="left" if first else "right", no_wrap=first)
        for cells in self.cells():
            table.add_row(*cells)
        return table

    def columns(self) -> list[str]:
        cols = ["benchmark", "base min", "base median", "head min", "head median", "speedup"]
        if self.memory:
            cols += ["base peak", "head peak", "peak delta"]
        return cols

    def cells(self) -> list[list[str]]:
        """Formatted cells, shared by the terminal table and the PR body."""
        out: list[list[str]] = []
        for r in self.rows:
            row = [
                r.name,
                fmt_seconds(r.base_min),
                fmt_seconds(r.base_median),
                fmt_seconds(r.head_min),
                fmt_seconds(r.head_median),
                fmt_speedup(r.speedup),
            ]
            if self.memory:
                delta = r.memory_delta_pct
                row += [
                    fmt_bytes(r.base_peak),
                    fmt_bytes(r.head_peak),
                    "-" if delta is None else f"{delta:+.1f}%",
                ]
            out.append(row)
        return out

    def markdown(self) -> str:
        """GitHub-flavoured markdown table of the same cells."""
        cols = self.columns()
        lines = ["| " + " | ".join(cols) + " |"]
        lines.append("|" + "|".join(":---" if c == "benchmark" else "---:" for c in cols) + "|")
        for cells in self.cells():
            lines.append("| " + " | ".join([f"`{cells[0]}`", *cells[1:]]) + " |")
        return "\n".join(lines)

    def row_for(self, test_name: str) -> CompareRow | None:
        return next((r for r in self.rows if r.name == test_name), None)


def fmt_seconds(value: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns"


def fmt_bytes(value: int | None) -> str:
    if value is None:
        return "-"
    size = float(value)
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.2f} GiB"


def fmt_speedup(speedup: float) -> str:
    if speedup >= 1:
        return f"{speedup:.2f}x faster"
    return f"{1 / speedup:.2f}x slower"


def read_report(path: Path, ref: str) -> BenchReport:
    try:
        return BenchReport.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as exc:
        raise BotError(f"unreadable pytest-benchmark JSON at {ref}: {exc}".splitlines()[0]) from exc


def build_rows(
    stats: dict[str, list[BenchReport]], peaks: dict[str, dict[str, int]]
) -> tuple[list[CompareRow], list[str]]:
    """One row per benchmark run at both refs (best min, median of medians of each side's
    passes), and a warning per benchmark that ran at one side only."""
    best: dict[str, dict[str, tuple[str, float, float]]] = {"base": {}, "head": {}}
    for side, reports in stats.items():
        by_name: dict[str, list[BenchEntry]] = {}
        for report in reports:
            for entry in report.benchmarks:
                by_name.setdefault(entry.fullname, []).append(entry)
        for fullname, entries in by_name.items():
            best[side][fullname] = (
                entries[0].name,
                min(e.stats.min for e in entries),
                statistics.median(e.stats.median for e in entries),
            )
    warnings = [
        f"benchmark {name} ran only at {side}; it is left out of the table"
        for side, other in (("base", "head"), ("head", "base"))
        for name in sorted(set(best[side]) - set(best[other]))
    ]
    rows = [
        CompareRow(
            name=best["head"][fullname][0],
            fullname=fullname,
            base_min=best["base"][fullname][1],
            base_median=best["base"][fullname][2],
            head_min=best["head"][fullname][1],
            head_median=best["head"][fullname][2],
            base_peak=peaks.get("base", {}).get(fullname),
            head_peak=peaks.get("head", {}).get(fullname),
        )
        for fullname in sorted(set(best["base"]) & set(best["head"]))
    ]
    return rows, warnings
