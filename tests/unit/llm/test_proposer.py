"""The proposer without a network: what it asks, what it learns, when it stops."""

from __future__ import annotations

import pickle
import sys
import textwrap
from pathlib import Path

import libcst as cst

from codeflash_bot.models import Domain, ExperimentRecord, Status, Target
from codeflash_bot.propose import RunPaths
from codeflash_bot.propose.llm import LlmBudget, LlmError, LlmProposer, ModelReply
from codeflash_bot.propose.llm.context import RepoView, build_context
from tests.support.llm_replies import reply_text

SOURCE = textwrap.dedent(
    """\
    from small.util import square

    TOKEN_URL = "https://svc.example/api"


    def work(n):
        api_key = "Zx9kQ2mP7vL4nR8tY1wE5u"
        total = 0
        for i in range(n):
            total += square(i)
        return total if api_key else 0
    """
)
WORK = Target(
    module="small.core",
    qualname="work",
    file=Path("src/small/core.py"),
    lineno=6,
    total_seconds=0.25,
    self_seconds=0.2,
)
FAST = "def work(n):\n    if n <= 0:\n        return 0\n    return (n - 1) * n * (2 * n - 1) // 6\n"


class FakeModel:
    """A ChatModel that replays texts and keeps every prompt it was sent."""

    label = "fake/coder:7b"

    def __init__(self, *replies: str | Exception, tokens: int = 100) -> None:
        self.replies = list(replies)
        self.prompts: list[tuple[str, str, int]] = []
        self.tokens = tokens

    def complete(self, system: str, user: str, max_tokens: int) -> ModelReply:
        self.prompts.append((system, user, max_tokens))
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return ModelReply(text=reply, input_tokens=self.tokens, output_tokens=self.tokens)


def _record(idea: str, status: Status, why: str = "", delta: float | None = None):
    return ExperimentRecord(
        target=WORK.ref,
        domain=Domain.CPU,
        metric="seconds",
        delta_pct=delta,
        status=status,
        description=f"{idea} fake/coder-7b: x" + (f" — {why}" if why else ""),
    )


def test_candidates_one_at_a_time_with_id_description_and_explanation() -> None:
    model = FakeModel(reply_text("openai_round1.json"))
    p = LlmProposer(model, rounds=1)
    first = p.next_candidate(WORK, SOURCE.replace("square(i)", "i * i"), set())
    assert first is not None
    assert first.proposer == "llm"
    assert first.description.startswith(f"{first.rule} fake/coder-7b: functional fold")
    assert first.description.split(" ", 1)[0] == first.rule
    assert "runs the iteration in C" in first.explanation
    second = p.next_candidate(WORK, SOURCE.replace("square(i)", "i * i"), {first.rule})
    assert second is not None and second.rule != first.rule
    assert p.next_candidate(WORK, SOURCE, {first.rule, second.rule}) is None
    assert len(model.prompts) == 1  # rounds=1: one request per target


def test_next_round_carries_why_earlier_candidates_failed() -> None:
    model = FakeModel(reply_text("openai_round1.json"), f"```python\n{FAST}```\n")
    p = LlmProposer(model, rounds=2)
    src = SOURCE.replace("square(i)", "i * i")
    tried: set[str] = set()
    for delta, why in [(38.0, "improvement below the floor"), (None, "behaviour differs")]:
        cand = p.next_candidate(WORK, src, tried)
        assert cand is not None
        tried.add(cand.rule)
        detail = f"{why} from the original: input 0003.pkl: 1333333330000 != 2666466670000"
        p.feedback(_record(cand.rule, Status.DISCARD, detail, delta))
    last = p.next_candidate(WORK, src, tried)
    assert last is not None and "(n - 1) * n" in last.source
    second_prompt = model.prompts[1][1]
    assert "(functional fold with functools.reduce): discarded: improvement below the floor" in (
        second_prompt
    )
    assert "measured 38.0% slower than the current code" in second_prompt
    assert "behaviour differs from the original: input 0003.pkl" in second_prompt
    assert "rejected before testing: changes the signature of work" in second_prompt


def test_secrets_in_the_target_never_reach_the_model_but_survive_the_rewrite() -> None:
    rewrite = (
        "def work(n):\n"
        '    api_key = "CODEFLASH_REDACTED_1"\n'
        "    return sum(square(i) for i in range(n)) if api_key else 0\n"
    )
    model = FakeModel(f"## Candidate 1: sum\nGenerator.\n```python\n{rewrite}```\n")
    cand = LlmProposer(model, rounds=1).next_candidate(WORK, SOURCE, set())
    system, user, _ = model.prompts[0]
    assert "Zx9kQ2mP7vL4nR8tY1wE5u" not in system + user
    assert cand is not None and 'api_key = "Zx9kQ2mP7vL4nR8tY1wE5u"' in cand.source


def test_token_budget_stops_requests_and_is_reported() -> None:
    model = FakeModel("no code", "no code", "no code", tokens=2000)
    budget = LlmBudget(max_tokens_total=5000, minutes=5)
    p = LlmProposer(model, rounds=3, budget=budget)
    assert p.next_candidate(WORK, SOURCE, set()) is None
    assert len(model.prompts) == 1  # 4000 used: the next prompt + a reply no longer fit
    assert budget.tokens_used == 4000
    assert "LLM token budget of 5,000 used" in p.notes[-1]
    assert p.report().startswith("LLM: 1 requests, 4,000 of 5,000 tokens")
    assert not p.wants(cst.parse_module(SOURCE), WORK)
    assert model.prompts[0][2] <= 5000  # max_tokens never exceeds what is left


def test_failed_requests_are_notes_and_two_in_a_row_stop_the_proposer() -> None:
    notes: list[str] = []
    model = FakeModel(LlmError("openai/x: HTTP 500: boom"), LlmError("openai/x: timed out"))
    p = LlmProposer(model, notify=notes.append)
    other = WORK.model_copy(update={"qualname": "work2"})
    assert p.next_candidate(WORK, SOURCE, set()) is None
    assert p.next_candidate(other, SOURCE, set()) is None
    assert notes == [
        "model request failed: openai/x: HTTP 500: boom",
        "model request failed: openai/x: timed out",
    ]
    assert not p.wants(cst.parse_module(SOURCE), WORK)
    assert "2 model requests failed in a row" in p.report()


def test_wants_only_profiled_functions() -> None:
    p = LlmProposer(FakeModel())
    module = cst.parse_module(SOURCE)
    assert p.wants(module, WORK)
    assert not p.wants(module, WORK.model_copy(update={"total_seconds": 0.0}))


# --- context -------------------------------------------------------------------------------
def _repo(tmp_path: Path) -> RepoView:
    root = tmp_path / "repo"
    (root / "src/small").mkdir(parents=True)
    (root / "src/small/__init__.py").write_text("")
    (root / "src/small/core.py").write_text(SOURCE)
    (root / "src/small/util.py").write_text(
        "def square(x):\n    return x * x\n\n\ndef unrelated():\n    return 1\n"
    )
    state = tmp_path / "state" / ".codeflash"
    state.mkdir(parents=True)
    (state / "conventions.md").write_text(
        "# Conventions\n\n## Guard\n\npython -m pytest -q --token=abc\n\n"
        "## Style\n\nPrefer the standard library; no numpy.\n"
    )
    (state / "learnings.md").write_text(
        "work() dominates the profile.\nAPI_TOKEN=Zx9kQ2mP7vL4nR8tY1wE5u\nDEBUG=1\n"
    )
    corpus = tmp_path / "corpus"
    inputs = corpus / "small_core_work"
    inputs.mkdir(parents=True)
    for i, n in enumerate([10, 20000, 300]):
        (inputs / f"{i:04d}.pkl").write_bytes(
            pickle.dumps({"args": (n, list(range(n % 50))), "kwargs": {"label": "x" * n}})
        )
    return RepoView(project=root, state_dir=state, corpus_root=corpus, python=sys.executable)


def test_context_has_callees_shapes_conventions_and_learnings(tmp_path: Path) -> None:
    view = _repo(tmp_path)
    ctx = build_context(WORK, SOURCE, view, Domain.CPU, history=[])
    assert [c.name for c in ctx.callees] == ["square"]
    assert ctx.callees[0].where == "src/small/util.py"
    assert ctx.shapes == [
        "(int, list[10] of int, label=str[10])",
        "(int, list[0], label=str[300])",
        "(int, list[0], label=str[20000])",
    ]
    assert len(ctx.shapes) == 3 and "3 inputs captured" in ctx.shapes_note
    assert "no numpy" in ctx.conventions and "pytest" not in ctx.conventions
    assert "work() dominates" in ctx.learnings
    assert "250.0 ms cumulative" in ctx.profile


def test_prompt_redacts_state_files_and_skips_what_it_must_not_send(tmp_path: Path) -> None:
    view = _repo(tmp_path)
    model = FakeModel("no code")
    p = LlmProposer(model, rounds=1)
    p.bind(
        RunPaths(
            view.project,
            view.state_dir,
            view.corpus_root,
            python=sys.executable,
            pythonpath=["src"],
        )
    )
    p.next_candidate(WORK, SOURCE, set())
    system, user, _ = model.prompts[0]
    sent = system + user
    assert "Zx9kQ2mP7vL4nR8tY1wE5u" not in sent
    assert "--token=abc" not in sent  # the guard section is not sent at all
    assert "def square(x)" in sent and "def unrelated" not in sent
    assert "label=str[20000]" in sent  # shapes, never values
    assert "xxxxxxxx" not in sent
    assert "work() dominates the profile." in sent


def test_method_context_includes_sibling_methods_called_via_self(tmp_path: Path) -> None:
    source = (
        "class Box:\n    def _key(self, x):\n        return -x\n\n"
        "    def ordered(self, xs):\n        return sorted(xs, key=self._key)\n\n"
        "    def run(self, xs):\n        return self.ordered(xs)[:3]\n"
    )
    target = Target(module="m", qualname="Box.run", file=Path("m.py"), lineno=8)
    ctx = build_context(target, source, None, Domain.CPU, history=[])
    assert [c.name for c in ctx.callees] == ["Box.ordered"]
    assert ctx.owner_header == "class Box:"
    assert ctx.shapes == [] and ctx.shapes_note == "not available"
