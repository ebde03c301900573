"""Size ladders: larger calls derived from a captured one, so wins are judged at scale.

The growth itself runs in the target's interpreter (harness/cf_ladder.py, cf_grow.py): the bot
never unpickles user objects. A ladder is built once per target and reused for every candidate;
its rungs are new pickles in their own directory, apart from (never inside) any captured corpus.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.models import Target
from codeflash_bot.sandbox import HarnessError

RUNG_CAP_SECONDS = 0.05  # the original may take at most this per call at the top rung
LADDER_BUDGET_SECONDS = 20.0  # building one target's ladder (probing included)
MAX_RUNGS = 3
REPEATED = "repeated"
LADDERS = "_ladders"


class Rung(BaseModel):
    """One larger call: its pickle, its size in words and as a number, the original's time."""

    model_config = ConfigDict(frozen=True)

    path: Path
    size: str
    n: float
    seconds: float
    variant: str = ""


class Ladder(BaseModel):
    """A target's rungs, smallest first; the first is a captured call (the seed)."""

    model_config = ConfigDict(frozen=True)

    rungs: list[Rung] = []
    size_args: list[str] = []
    stopped: str = ""
    grown_dir: Path | None = None  # where grown rungs live (None: all rungs were captured)

    @property
    def fitted(self) -> list[Rung]:
        """Rungs that differ in size (the repeated-element variant is extra evidence)."""
        return [r for r in self.rungs if r.variant != REPEATED]

    @property
    def usable(self) -> bool:
        """At least two sizes: something to fit a growth to."""
        return len({r.n for r in self.fitted}) >= 2


def ladder_dir(corpus_root: Path, target: Target) -> Path:
    """Under the corpus root (so cleanup removes it) but apart from every target's captured
    inputs: a target's corpus is named after `module:qualname`, which never gives `_ladders`."""
    slug = re.sub(r"[^A-Za-z0-9_]", "_", target.ref)
    return corpus_root / LADDERS / slug


def build_ladder(
    runner: HarnessRunner,
    target: Target,
    seeds: list[Path],
    out_dir: Path,
    *,
    timeout: float,
    cap: float = RUNG_CAP_SECONDS,
    budget: float = LADDER_BUDGET_SECONDS,
    max_rungs: int = MAX_RUNGS,
) -> Ladder:
    """Grow the slowest of `seeds` (captured inputs) into rungs under `out_dir` (emptied first).

    A ladder that cannot be built (harness crash, no size-bearing argument) is an empty
    Ladder whose `stopped` says why; callers fall back to the captured inputs alone.
    """
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    spec = {
        **target.harness_ref(runner.root),
        "seeds": [str(p) for p in seeds],
        "out_dir": str(out_dir),
        "cap": cap,
        "budget": budget,
        "max_rungs": max_rungs,
    }
    try:
        out = runner.run("cf_ladder.py", spec, timeout=min(timeout, budget * 3 + 30))
    except HarnessError as exc:
        return Ladder(stopped=f"ladder not built: {exc}")
    rungs = [
        Rung(
            path=Path(r["path"]),
            size=r["size"],
            n=r["n"],
            seconds=r["seconds"],
            variant=r.get("variant", ""),
        )
        for r in out["rungs"]
    ]
    grown = out_dir if any(r.path.parent == out_dir for r in rungs) else None
    return Ladder(rungs=rungs, size_args=out["keys"], stopped=out["stopped"], grown_dir=grown)
