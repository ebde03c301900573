"""Stand-ins for our own stages where a test wants a fixed outcome: a loop that really
commits one kept (or no) experiment, and a proposer with fixed rewrites.

They go through the real models, git and state files, so what they feed downstream is real.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from codeflash_bot.git import open_repo
from codeflash_bot.models import (
    Candidate,
    Domain,
    ExperimentRecord,
    Request,
    RunSummary,
    Status,
    Target,
)
from codeflash_bot.propose import BaseProposer
from codeflash_bot.session.workspace import open_workspace


class StubLoop:
    """Stands in for codeflash_bot.loop.optimize: one kept (or no) experiment, really committed."""

    def __init__(self, kept: bool = True) -> None:
        self.kept = kept
        self.requests: list[Request] = []
        self.started_at: list[str] = []

    def __call__(self, request: Request, config: Any, reporter: Any) -> RunSummary:
        self.requests.append(request)
        user_git = open_repo(request.repo)
        self.started_at.append(user_git.head_sha())
        ws = open_workspace(user_git, Path("."), Domain.CPU)
        try:
            reporter.stage("profile", "pyinstrument")
            records = []
            if self.kept:
                (ws.project / "src/demo/hot.py").write_text("def f(xs):\n    return list(xs)\n")
                sha = ws.git.commit_paths("⚡ demo.hot:f: CPU101", ["src/demo/hot.py"])
                records.append(
                    ExperimentRecord(
                        commit=sha,
                        target="demo.hot:f",
                        domain=Domain.CPU,
                        metric="seconds",
                        baseline=2.0,
                        candidate=1.0,
                        delta_pct=-50.0,
                        status=Status.KEEP,
                        description="CPU101 list-membership-in-loop",
                    )
                )
            else:
                records.append(
                    ExperimentRecord(
                        target="demo.hot:f",
                        domain=Domain.CPU,
                        metric="seconds",
                        baseline=2.0,
                        candidate=1.95,
                        delta_pct=-2.5,
                        status=Status.DISCARD,
                        description="CPU101 list-membership-in-loop: improvement below the floor",
                    )
                )
            for rec in records:
                ws.state.append_result(rec)
                reporter.experiment(rec, 1, 5, int(self.kept))
            ws.git.commit_paths("codeflash: state", [".codeflash/results.tsv"])
            return RunSummary(
                branch=ws.branch,
                domain=Domain.CPU,
                experiments=1,
                kept=[r for r in records if r.status is Status.KEEP],
                discarded=0 if self.kept else 1,
                crashed=0,
                best_improvement_pct=50.0 if self.kept else None,
                stopped_because="every applicable rule was tried",
                worktree_used=True,
            )
        finally:
            ws.close()


class Ideas(BaseProposer):
    """A Proposer with fixed rewrites: (code, function of the current source)."""

    name = "test"

    def __init__(self, ideas: list[tuple[str, Callable[[str], str]]]) -> None:
        self.ideas = ideas

    def wants(self, module, target) -> bool:
        return True

    def next_candidate(self, target: Target, source: str, tried: set[str]) -> Candidate | None:
        for code, rewrite in self.ideas:
            if code not in tried:
                return Candidate(
                    target=target,
                    proposer=self.name,
                    rule=code,
                    description=f"{code} test idea",
                    source=rewrite(source),
                )
        return None
