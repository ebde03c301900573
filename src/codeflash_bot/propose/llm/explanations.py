"""`.codeflash/explanations.json`: the model's paragraph for each experiment, for the PR body.

results.tsv has room for one line; the PR body's technical details want the paragraph. The
loop writes one entry per experiment whose Candidate has an explanation (keyed by target and
idea id, the first word of the results.tsv description), prep looks kept rows up here.
"""

from __future__ import annotations

import json

from codeflash_bot.models import ExperimentRecord
from codeflash_bot.session.state import State

EXPLANATIONS = "explanations.json"


def _key(target: str, idea: str) -> str:
    return f"{target}|{idea}"


def load_explanations(state: State) -> dict[str, str]:
    """All entries; a missing or damaged file is an empty map (it is only prose)."""
    raw = state.read(EXPLANATIONS)
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_explanation(state: State, target: str, idea: str, text: str) -> None:
    """Add or replace the paragraph for (target, idea)."""
    if not text.strip():
        return
    data = load_explanations(state)
    data[_key(target, idea)] = " ".join(text.split())
    state.write(EXPLANATIONS, json.dumps(data, indent=1, sort_keys=True) + "\n")


def explanation_for(state: State, record: ExperimentRecord) -> str | None:
    """The paragraph for a results.tsv row (None when its proposer gave none)."""
    return load_explanations(state).get(_key(record.target, record.rule))
