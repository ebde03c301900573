"""Everything a handler needs about this job: API client, repository, workspace, inputs, and
the experiment loop it runs.

Built once by `action.run_action` from the environment, so handlers never read `os.environ`
and tests can build one directly against a local fake API. The loop is injected too (default:
`codeflash_bot.loop.optimize`): tests hand `run_action` a fake loop instead of patching it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from github import Github
from github.Repository import Repository
from pydantic import BaseModel, ConfigDict, Field

from codeflash_bot.config import Config
from codeflash_bot.loop import optimize as run_loop
from codeflash_bot.models import Domain, Request, RunSummary
from codeflash_bot.progress import Reporter

# The experiment loop as the GitHub layer calls it: the real one is codeflash_bot.loop.optimize.
Optimize = Callable[[Request, Config, Reporter], RunSummary]


class Inputs(BaseModel):
    """The action's `with:` inputs (INPUT_*), already parsed; None means "not given"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    domain: Domain | None = None
    target: str | None = None
    budget_minutes: float | None = Field(None, gt=0)
    min_improvement: float | None = Field(None, ge=0)
    max_experiments: int | None = Field(None, gt=0)
    guard: str | None = None
    python_version: str | None = None
    pr_mode: bool = False  # run on pull_request opened/synchronize/reopened (github/pr_mode.py)
    pr_budget_minutes: float = Field(10.0, gt=0)  # PR mode's budget unless budget-minutes is set
    # model settings: only ever from the workflow (github/model_policy.py)
    proposer: Literal["rules", "llm", "both"] | None = None
    llm_provider: Literal["anthropic", "openai"] | None = None
    llm_model: str | None = None
    llm_base_url: str | None = None
    allow_bot_prs: bool = False


@dataclass
class Outcome:
    """What the job reports back: step outputs and the job summary."""

    branch: str = ""
    pr_url: str = ""
    kept: int = 0
    best_improvement: float | None = None
    summary: list[str] = field(default_factory=list)
    error: str = ""  # the one-line error the job failed with, if it did


@dataclass
class Context:
    gh: Github
    full_name: str
    workspace: Path
    token: str = field(repr=False)
    api_url: str
    server_url: str = "https://github.com"
    run_id: str | None = None
    event_name: str = ""
    default_branch: str | None = None
    inputs: Inputs = field(default_factory=Inputs)
    outcome: Outcome = field(default_factory=Outcome)
    bot_login: str = "github-actions[bot]"  # whose comments count as the bot's own
    # run phase only (github/phases.py): API writes are recorded here, the branch is bundled
    outbox: Any = None
    artifact_dir: Path | None = None
    optimize: Optimize = field(default=run_loop, repr=False)

    @cached_property
    def repo(self) -> Repository:
        """Lazy: builds URLs without a request (the client is created with lazy=True)."""
        return self.gh.get_repo(self.full_name)

    @property
    def owner(self) -> str:
        return self.full_name.split("/", 1)[0]

    @property
    def run_url(self) -> str:
        if not self.run_id:
            return ""
        return f"{self.server_url}/{self.full_name}/actions/runs/{self.run_id}"

    def api_path(self, *parts: str | int) -> str:
        """Absolute API URL under this repository, each part URL-quoted."""
        return "/".join([self.repo.url, *(quote(str(p), safe="") for p in parts)])

    def redact(self, text: str) -> str:
        """Defence in depth: the token never leaves in a body even if some text quoted it."""
        return text.replace(self.token, "***") if self.token else text
