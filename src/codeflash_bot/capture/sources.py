"""Where inputs come from, in order of trust, and which source each stored input came from.

DESIGN.md "Evidence at the scale that matters": `--workload` first, then the repository's own
benchmarks, then its tests; generated inputs (hypothesis, from type hints) only fill in where
little was captured. Every stored input `NNNN.pkl` is listed in the corpus's INDEX file (one JSON
line: name, source, digest), so the bot reads sources without unpickling user objects, a later
capture pass continues the numbering and skips calls already recorded, and size ladders can seed
from any source they choose.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

from pydantic import Field

from codeflash_bot.models import Frozen

INDEX = "index.jsonl"  # written by harness/cf_capture_plugin.py and harness/cf_generate.py


class SourceKind(StrEnum):
    """The `source` of a captured record, most trusted first."""

    WORKLOAD = "workload"
    BENCHMARK = "benchmark"
    TEST = "test"
    GENERATED = "generated"


TRUST = list(SourceKind)  # rank = index: lower is more trusted
_WORDS = {
    SourceKind.WORKLOAD: "the workload",
    SourceKind.BENCHMARK: "the repository's benchmarks",
    SourceKind.TEST: "the tests",
    SourceKind.GENERATED: "generated from type hints",
}


class InputSource(Frozen):
    """One thing the bot runs to profile and capture: what it is and how the harness runs it.

    `mode` is a harness run mode (harness/cf_suite.py): "pytest" with `pytest_args`, or
    "workload" with `argv` (a script run as __main__). `benchmarks_only` makes a pytest run
    keep only benchmark tests (harness/cf_benchmarks.py) with their timing loops disabled.
    """

    kind: SourceKind
    label: str
    mode: str
    pytest_args: list[str] = Field(default_factory=list)
    argv: list[str] = Field(default_factory=list)
    benchmarks_only: bool = False

    def run_mode(self) -> dict:
        """The harness spec part saying what to run (as profile.cpu.run_mode)."""
        if self.mode == "workload":
            return {"mode": "workload", "workload": list(self.argv)}
        spec: dict = {"mode": "pytest", "pytest_args": list(self.pytest_args)}
        if self.benchmarks_only:
            spec["benchmarks_only"] = True
        return spec

    def words(self) -> str:
        """How messages name it: "the repository's benchmarks (asv suite in benchmarks/)"."""
        if self.kind is SourceKind.TEST:
            return "the tests"
        return f"{_WORDS[self.kind]} ({self.label})"


def read_index(corpus: Path) -> dict[str, str]:
    """Input file name -> source kind, for the inputs present in `corpus`.

    Inputs without an index line (captured before sources were recorded) count as tests.
    """
    listed: dict[str, str] = {}
    index = corpus / INDEX
    if index.is_file():
        for line in index.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
                listed[str(row["name"])] = str(row["source"])
            except (ValueError, KeyError, TypeError):
                continue
    present = sorted(p.name for p in corpus.glob("*.pkl")) if corpus.is_dir() else []
    return {name: listed.get(name, SourceKind.TEST.value) for name in present}


def source_counts(corpus: Path) -> dict[str, int]:
    """How many stored inputs each source gave, in trust order (sources with none left out)."""
    index = read_index(corpus)
    counts = {kind.value: 0 for kind in TRUST}
    for source in index.values():
        counts[source] = counts.get(source, 0) + 1
    return {k: v for k, v in counts.items() if v}


def describe_counts(counts: dict[str, int]) -> str:
    """`{"benchmark": 3, "generated": 40}` -> "3 from the repository's benchmarks, 40 generated
    from type hints": the evidence behind a verdict, in words."""
    parts = []
    for kind in TRUST:
        n = counts.get(kind.value, 0)
        if not n:
            continue
        words = _WORDS[kind]
        parts.append(f"{n} {words}" if kind is SourceKind.GENERATED else f"{n} from {words}")
    return ", ".join(parts) or "none"


def timing_inputs(corpus: Path, k: int) -> list[Path]:
    """The inputs to time: the most trusted sources first, largest first within a source.

    Generated inputs are only timed when nothing real was captured: their sizes are bounded
    guesses, while captured ones are the sizes the program really uses.
    """
    index = read_index(corpus)
    real = {n: s for n, s in index.items() if s != SourceKind.GENERATED.value} or index

    ranks = {kind.value: i for i, kind in enumerate(TRUST)}

    def key(name: str) -> tuple[int, int, str]:
        return ranks.get(real[name], len(ranks)), -(corpus / name).stat().st_size, name

    return [corpus / n for n in sorted(real, key=key)[:k]]


INPUTS_HEADING = "\n## Inputs\n"
INPUTS_MARK = " · inputs: "  # how results.tsv descriptions end (loop._record)


def inputs_in(description: str) -> str:
    """The "where the inputs came from" part of a results.tsv description ("" if none)."""
    return description.rsplit(INPUTS_MARK, 1)[1].strip() if INPUTS_MARK in description else ""


def without_inputs(text: str) -> str:
    """`text` with a trailing inputs part removed."""
    return text.rsplit(INPUTS_MARK, 1)[0] if INPUTS_MARK in text else text


def sources_md(sources: list[InputSource], ranked_by: str = "") -> str:
    """setup.md's `## Inputs` section: what ran for evidence, in order of trust."""
    lines = ["", INPUTS_HEADING.strip(), "", "In order of trust (inputs are tagged with it):", ""]
    lines += [f"{i}. {s.kind.value}: {s.label}" for i, s in enumerate(sources, 1)]
    lines.append(
        f"{len(sources) + 1}. generated: hypothesis inputs from type hints, for functions with"
        " few captured calls"
    )
    if ranked_by:
        lines += ["", f"Targets ranked by: {ranked_by}."]
    return "\n".join(lines) + "\n"
