"""Recorded model replies through the real loop: only the correct, faster rewrite is kept.

The OpenAI-compatible endpoint is a local HTTP server serving recorded responses, so the real
`openai` SDK path is used (request, retry after a 500, usage accounting), and nothing touches
the network.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from codeflash_bot.config import Config
from codeflash_bot.loop import optimize
from codeflash_bot.models import Domain, Request
from codeflash_bot.propose.llm import LlmBudget, LlmProposer, OpenAIChat
from codeflash_bot.session.state import parse_results
from tests.support.git import git
from tests.support.llm_replies import recorded
from tests.support.paths import PYTHON
from tests.support.repos import bot_branch, make_repo, snapshot

pytestmark = pytest.mark.slow

FILES = {
    "pyproject.toml": """
        [project]
        name = "small"
        version = "0"
        [tool.pytest.ini_options]
        pythonpath = ["src"]
    """,
    "src/small/__init__.py": "",
    "src/small/core.py": """
        def work(n):
            total = 0
            for i in range(n):
                total += i * i
            return total
    """,
    "tests/test_core.py": """
        from small.core import work

        def test_work():
            assert work(20000) == sum(i * i for i in range(20000))

        def test_small():
            assert [work(k) for k in range(4)] == [0, 0, 1, 5]
    """,
    ".codeflash/learnings.md": """
        # Learnings

        work() dominates the profile of this repo.
        DATABASE_URL=postgres://app:hunter2@db/prod
        OPENAI_API_KEY=sk-proj-Fh3kL9pQ2wX7vB4nM8tR1yC6zJ5dG0sE
    """,
}


def test_only_the_correct_faster_candidate_is_kept(tmp_path: Path, httpserver: HTTPServer) -> None:
    endpoint = "/v1/chat/completions"
    # round 1: a 500 first (the SDK retries), then 3 candidates: signature change (rejected
    # before testing), slower (reduce + lambda), wrong (closed form off by one term)
    httpserver.expect_ordered_request(endpoint, method="POST").respond_with_json(
        recorded("openai_error_500.json"), status=500, headers={"retry-after-ms": "10"}
    )
    httpserver.expect_ordered_request(endpoint, method="POST").respond_with_json(
        recorded("openai_round1.json")
    )
    # round 2, after feedback: the correct closed form, then a candidate cut off at max_tokens
    httpserver.expect_ordered_request(endpoint, method="POST").respond_with_json(
        recorded("openai_round2.json")
    )
    repo = make_repo(tmp_path / "r", FILES)
    before = snapshot(repo)
    client = OpenAIChat(
        api_key="test-key", model="coder-1", base_url=httpserver.url_for("/v1"), timeout=30
    )
    budget = LlmBudget(max_tokens_total=50_000, minutes=5)
    proposer = LlmProposer(client, rounds=2, candidates=3, budget=budget, root=repo, python=PYTHON)

    summary = optimize(
        Request(repo=repo, domain=Domain.CPU, target="small.core:work"),
        Config(python=PYTHON, candidate_timeout=20),
        proposers=[proposer],
    )

    branch = bot_branch(repo)
    rows = parse_results(git(repo, "show", f"{branch}:.codeflash/results.tsv") + "\n")
    assert [r.status.value for r in rows] == ["discard", "discard", "keep"], rows
    slower, wrong, good = rows
    assert "functional fold" in slower.description
    assert "improvement below the floor" in slower.description
    assert "behaviour differs" in wrong.description
    assert good.description.startswith(f"{good.description.split()[0]} openai/coder-1: closed")
    assert (good.delta_pct or 0) < -50
    assert len(summary.kept) == 1
    kept_source = git(repo, "show", f"{branch}:src/small/core.py")
    assert "(n - 1) * n * (2 * n - 1) // 6" in kept_source and "reduce" not in kept_source
    assert snapshot(repo) == before  # the user's checkout is untouched

    # the SDK retried the 500; the model was asked twice (two rounds), never again
    statuses = [resp.status_code for _, resp in httpserver.log]
    assert statuses == [500, 200, 200]
    prompts = [json.loads(req.data)["messages"][1]["content"] for req, _ in httpserver.log]
    first, second = prompts[1], prompts[2]
    # context: the target, its captured input shapes, the repo's learnings (redacted)
    assert "total += i * i" in first and "(int)" in first
    assert "work() dominates the profile" in first
    for body in (json.dumps(json.loads(req.data)) for req, _ in httpserver.log):
        assert "hunter2" not in body and "sk-proj-Fh3k" not in body
    # learning within the run: round 2 is told why round 1 failed
    assert "rejected before testing: changes the signature of work" in second
    assert "improvement below the floor" in second and "slower than the current code" in second
    assert "behaviour differs from the original" in second
    # budget: usage summed from both replies
    assert budget.requests == 2
    assert budget.tokens_used == (1184 + 612) + (1421 + 400)
    assert "cut off at max_tokens" in " ".join(proposer.history("small.core:work"))
