"""`.codeflash/scale.json`: each kept experiment's size ladder, for the PR body.

results.tsv has room for one line (the rung sizes and ratios go into its description); the PR
body wants the whole table (size, before, after per rung) and the fitted growth. The loop writes
one entry per kept experiment judged on a ladder, keyed like explanations.json (target and idea
id); prep reads it at the branch head.
"""

from __future__ import annotations

import json

from pydantic import ValidationError

from codeflash_bot.models import Scale
from codeflash_bot.session.state import SCALE, State

SCALE_FILE = SCALE


def scale_key(target: str, idea: str) -> str:
    return f"{target}|{idea}"


def parse_scales(text: str) -> dict[str, Scale]:
    """Entries of a scale.json text; a damaged file or entry is skipped (it is evidence prose)."""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    out: dict[str, Scale] = {}
    for key, raw in data.items() if isinstance(data, dict) else []:
        try:
            out[str(key)] = Scale.model_validate(raw)
        except ValidationError:
            continue
    return out


def save_scale(state: State, target: str, idea: str, scale: Scale) -> None:
    """Add or replace the ladder evidence of (target, idea)."""
    data = {k: v.model_dump(mode="json") for k, v in parse_scales(state.read(SCALE_FILE)).items()}
    data[scale_key(target, idea)] = scale.model_dump(mode="json")
    state.write(SCALE_FILE, json.dumps(data, indent=1, sort_keys=True) + "\n")
