"""`[tool.codeflash-bot]` in the target's pyproject.toml, validated; CLI flags override it."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codeflash_bot.errors import BotError
from codeflash_bot.models import Domain

TABLE = "codeflash-bot"


class Config(BaseModel):
    """Every knob of a run. Defaults follow MEASUREMENT.md's keep rule."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    domain: Domain = Domain.AUTO
    guard: str | None = None
    workload: str | None = None
    python: str | None = Field(None, description="interpreter of the target's environment")
    test_command: str | None = Field(None, alias="test-command")
    budget_minutes: float = Field(30.0, alias="budget-minutes", gt=0)
    max_experiments: int = Field(60, alias="max-experiments", gt=0)
    max_targets: int = Field(25, alias="max-targets", gt=0)
    plateau: int = Field(12, gt=0, description="stop after this many discards in a row")
    min_improvement: float = Field(10.0, alias="min-improvement", ge=0)
    max_aa_noise: float = Field(3.0, alias="max-aa-noise", gt=0)
    candidate_timeout: float = Field(120.0, alias="candidate-timeout", gt=0)
    test_timeout: float = Field(600.0, alias="test-timeout", gt=0)
    memory_limit_mb: int = Field(4096, alias="memory-limit-mb", gt=0)
    exclude: list[str] = Field(default_factory=list, description="glob patterns never optimized")
    benchmarks_root: str = Field("tests/benchmarks", alias="benchmarks-root")

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
