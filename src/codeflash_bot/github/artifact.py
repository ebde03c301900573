"""The hand-over between the run phase and the publish phase: a directory of plain files.

`manifest.json` (what ran, the branch and the API writes to replay), `branch.bundle` (the
`codeflash/*` branch's new commits, git bundle format) and copies of the branch's
results.tsv / HANDOFF.md for people reading the artifact. The run phase's job executed the
repository's code, so to the publish phase every byte here is untrusted input: the models
forbid unknown fields and the loader enforces sizes before parsing anything.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from codeflash_bot.errors import BotError
from codeflash_bot.github.outbox import Push, Write

VERSION: Literal[1] = 1
MANIFEST = "manifest.json"
BUNDLE = "branch.bundle"
STATE_COPIES = ("results.tsv", "HANDOFF.md")
MAX_MANIFEST_BYTES = 2 * 1024 * 1024
MAX_BUNDLE_BYTES = 100 * 1024 * 1024
MAX_FILES = 500
MAX_TEXT = 65_536  # GitHub's limit for an issue/PR body or comment
_SHA = r"^[0-9a-f]{40}([0-9a-f]{24})?$"


class Outcome(BaseModel):
    """The run's results for step outputs and the job summary."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    branch: str = Field("", max_length=255)
    kept: int = Field(0, ge=0)
    best_improvement: float | None = None
    summary: list[str] = Field(default_factory=list, max_length=400)


class Manifest(BaseModel):
    """What the run phase did and what it asks the publish phase to do."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = VERSION
    trigger: str = Field(max_length=64)
    number: int | None = Field(None, gt=0)
    base: str | None = Field(None, max_length=255)
    base_sha: str | None = Field(None, pattern=_SHA)
    branch: str | None = Field(None, max_length=255)
    head_sha: str | None = Field(None, pattern=_SHA)
    pr_head_sha: str | None = Field(None, pattern=_SHA)  # PR mode: what the review is on
    files: list[str] = Field(default_factory=list, max_length=MAX_FILES)
    writes: list[Write | Push] = Field(default_factory=list, max_length=80)
    outcome: Outcome = Field(default_factory=Outcome)
    exit_code: int = Field(0, ge=0, le=255)
    error: str | None = Field(None, max_length=2000)

    @field_validator("files")
    @classmethod
    def _relative_paths(cls, files: list[str]) -> list[str]:
        for name in files:
            path = PurePosixPath(name)
            if not name or path.is_absolute() or ".." in path.parts or "\\" in name:
                raise ValueError(f"not a relative path inside the repository: {name[:100]!r}")
        return files

    @field_validator("writes")
    @classmethod
    def _text_sizes(cls, writes: list[Write | Push]) -> list[Write | Push]:
        for entry in writes:
            if isinstance(entry, Write):
                for key, value in entry.body.items():
                    if isinstance(value, str) and len(value) > MAX_TEXT:
                        raise ValueError(f"{entry.path} {key}: longer than {MAX_TEXT} characters")
        return writes


def write_artifact(directory: Path, manifest: Manifest) -> Path:
    """Write the manifest into `directory` (the bundle and state copies are already there)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / MANIFEST
    path.write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
    return path


def load_artifact(directory: Path) -> Manifest:
    """The manifest of `directory`, validated; a one-line BotError says what is wrong."""
    path = directory / MANIFEST
    if not path.is_file() or path.is_symlink():
        raise BotError(f"{directory}: no {MANIFEST} (was the run phase's artifact downloaded?)")
    size = path.stat().st_size
    if size > MAX_MANIFEST_BYTES:
        raise BotError(f"{path}: {size} bytes, more than the {MAX_MANIFEST_BYTES} allowed")
    bundle = directory / BUNDLE
    if bundle.is_symlink():
        raise BotError(f"{bundle}: a symlink; refusing it")
    if bundle.exists() and bundle.stat().st_size > MAX_BUNDLE_BYTES:
        raise BotError(f"{bundle}: larger than the {MAX_BUNDLE_BYTES // 2**20} MB allowed")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Manifest.model_validate(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BotError(f"{path}: not valid JSON ({exc})") from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "manifest"
        raise BotError(f"{path}: {where}: {err['msg']}") from exc
