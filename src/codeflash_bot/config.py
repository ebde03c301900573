"""`[tool.codeflash-bot]` in the target's pyproject.toml, validated; CLI flags override it."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codeflash_bot.errors import BotError
from codeflash_bot.models import Domain

TABLE = "codeflash-bot"
FormatterName = Literal["auto", "none", "ruff", "ruff-format", "ruff-isort", "black", "isort"]
FormatterSetting = FormatterName | list[FormatterName]


class Config(BaseModel):
    """Every knob of a run. Defaults follow MEASUREMENT.md's keep rule."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    domain: Domain = Domain.AUTO
    guard: str | None = None
    workload: str | None = None
    python: str | None = Field(None, description="interpreter of the target's environment")
    install_tools: bool = Field(
        False,
        alias="install-tools",
        description="let the bot pip-install its tools into the project's own environment",
    )
    test_command: str | None = Field(None, alias="test-command")
    budget_minutes: float = Field(30.0, alias="budget-minutes", gt=0)
    max_experiments: int = Field(60, alias="max-experiments", gt=0)
    max_targets: int = Field(25, alias="max-targets", gt=0)
    plateau: int = Field(12, gt=0, description="stop after this many discards in a row")
    auto_margin: float = Field(
        0.25, alias="auto-margin", ge=0, le=1, description="--domain auto: shares this close tie"
    )
    min_improvement: float = Field(10.0, alias="min-improvement", ge=0)
    max_aa_noise: float = Field(3.0, alias="max-aa-noise", gt=0)
    candidate_timeout: float = Field(120.0, alias="candidate-timeout", gt=0)
    test_timeout: float = Field(600.0, alias="test-timeout", gt=0)
    profile_budget_seconds: float = Field(
        120.0,
        alias="profile-budget-seconds",
        gt=0,
        description="most a profiling/capture run of the suite may take; then a spread sample",
    )
    memory_limit_mb: int = Field(4096, alias="memory-limit-mb", gt=0)
    ladder_seconds: float = Field(
        90.0,
        alias="ladder-seconds",
        ge=0,
        description="seconds a run may spend building size ladders (0: judge at captured sizes)",
    )
    ladder_cap_ms: float = Field(
        20.0, alias="ladder-cap-ms", gt=0, description="the original's max ms per call at a rung"
    )
    exclude: list[str] = Field(default_factory=list, description="glob patterns never optimized")
    pass_env: list[str] = Field(
        default_factory=list,
        alias="pass-env",
        description="environment variables the project's tests need (children get no others)",
    )
    benchmarks_root: str = Field("tests/benchmarks", alias="benchmarks-root")
    formatter: FormatterSetting = Field(
        "auto",
        description='tools run on kept files: "auto" (detect), "none", or names among '
        "ruff, ruff-format, ruff-isort, black, isort",
    )
    memory_time_tolerance: float = Field(
        5.0, alias="memory-time-tolerance", ge=0, description="memory keeps: max % slower"
    )
    # --- proposers (docs/llm.md) -----------------------------------------------------------
    proposer: Literal["rules", "llm", "both"] = "rules"
    llm_provider: Literal["anthropic", "openai"] | None = Field(
        None, alias="llm-provider", description="None: whichever key is set (Anthropic first)"
    )
    llm_model: str | None = Field(None, alias="llm-model")
    llm_base_url: str | None = Field(None, alias="llm-base-url")
    llm_max_tokens_total: int = Field(200_000, alias="llm-max-tokens-total", gt=0)
    llm_minutes: float = Field(10.0, alias="llm-minutes", gt=0)
    llm_candidates: int = Field(3, alias="llm-candidates", gt=0, le=10)
    llm_rounds: int = Field(2, alias="llm-rounds", gt=0, description="requests per target")
    llm_timeout: float = Field(120.0, alias="llm-timeout", gt=0, description="seconds/request")

    def merged(self, **overrides: Any) -> Config:
        """A copy with every non-None override applied (CLI flags win over the file)."""
        data = self.model_dump()
        data.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return Config.model_validate(data)
        except ValidationError as exc:
            raise BotError(f"invalid option: {_first_error(exc)}") from exc


def load_config(project: Path) -> Config:
    """Read the table from `project/pyproject.toml`; a missing file or table gives defaults."""
    pyproject = project / "pyproject.toml"
    if not pyproject.is_file():
        return Config()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BotError(f"{pyproject}: not valid TOML ({exc})") from exc
    table = data.get("tool", {}).get(TABLE, {})
    try:
        return Config.model_validate(table)
    except ValidationError as exc:
        raise BotError(f"{pyproject} [tool.{TABLE}]: {_first_error(exc)}") from exc


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "value"
    return f"{where}: {err['msg']}"
