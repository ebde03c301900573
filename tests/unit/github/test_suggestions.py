"""Suggestion blocks: exact replacement lines, placed only where GitHub accepts them."""

from __future__ import annotations

import re
from pathlib import Path

from codeflash_bot.git import Git
from codeflash_bot.github.suggestions import MAX_LINES, Suggestion, plan, plan_file, regions
from codeflash_bot.session.changed import Hunk
from tests.support.fake_github import OPERATIONS, schema_errors
from tests.support.git import git as _git

HEAD = """\
import os


def keep(xs):
    return xs


def slow(ids, wanted):
    out = []
    for i in ids:
        if i in wanted:
            out.append(i)
    return out
"""
WHOLE_FILE = [Hunk(old_start=0, old_len=0, new_start=1, new_len=len(HEAD.splitlines()))]
FENCE = re.compile(r"(`{3,})suggestion\n(.*?)\n\1", re.S)


def apply(text: str, suggestions: list[Suggestion]) -> str:
    """GitHub's "Commit suggestion", bottom-up, from the rendered comment bodies."""
    lines = text.splitlines()
    for s in sorted(suggestions, key=lambda s: -s.end):
        item = s.comment("intro")
        body = FENCE.search(item["body"])[2]
        lines[item.get("start_line", item["line"]) - 1 : item["line"]] = body.split("\n")
    return "\n".join(lines) + "\n"


def test_a_replacement_inside_the_hunk_becomes_one_exact_suggestion() -> None:
    new = HEAD.replace("        if i in wanted:\n", "        if i in wanted_set:\n")
    made, why = plan_file("m.py", HEAD, new, WHOLE_FILE)
    assert why == "" and len(made) == 1
    item = made[0].comment("intro")
    assert item == {
        "path": "m.py",
        "body": "intro\n\n```suggestion\n        if i in wanted_set:\n```",
        "line": 11,
        "side": "RIGHT",
    }
    assert apply(HEAD, made) == new


def test_multi_line_and_pure_insertions_carry_start_line_and_apply_exactly() -> None:
    new = HEAD.replace("    out = []\n", "    wanted = set(wanted)\n    out = []\n").replace(
        "            out.append(i)\n    return out\n",
        "            out.append(i)\n    return list(out)\n",
    )
    made, why = plan_file("m.py", HEAD, new, WHOLE_FILE)
    assert why == ""
    assert [(s.start, s.end) for s in made] == [(8, 8), (13, 13)]  # insertion anchored above
    assert "Part 1 of 2" in made[0].note and "Add suggestion to batch" in made[1].note
    assert apply(HEAD, made) == new
    block = HEAD.replace("    out = []\n    for i in ids:\n", "    out = [i for i in ids]\n")
    [multi], _ = plan_file("m.py", HEAD, block, WHOLE_FILE)
    item = multi.comment("x")
    assert (item["start_line"], item["line"], item["start_side"]) == (9, 10, "RIGHT")
    assert apply(HEAD, [multi]) == block


def test_insertion_at_the_top_of_the_file_anchors_on_the_line_below() -> None:
    assert regions(["a", "b"], ["new", "a", "b"]) == [(0, 1, 0, 2)]


def test_lines_outside_the_prs_diff_mean_no_suggestion_for_that_file() -> None:
    new = HEAD.replace("import os\n", "import os\nimport re\n").replace("i in wanted", "i in w")
    only_slow = [Hunk(old_start=7, old_len=0, new_start=8, new_len=7)]
    made, why = plan_file("m.py", HEAD, new, only_slow)
    assert made == [] and "outside this pull request's diff" in why


def test_a_large_change_is_left_to_the_stacked_pr() -> None:
    big = HEAD + "".join(f"x{i} = {i}\n" for i in range(MAX_LINES + 5))
    made, why = plan_file("m.py", HEAD, big, WHOLE_FILE)
    assert made == [] and f"more than {MAX_LINES} lines" in why


def test_backticks_in_the_code_get_a_longer_fence() -> None:
    s = Suggestion("m.py", 3, 3, ['    doc = """```py"""'])
    assert s.block().startswith("````suggestion\n") and s.block().endswith("\n````")


def test_review_request_matches_githubs_description() -> None:
    schema = OPERATIONS["POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews"]["requestBody"]
    made, _ = plan_file("m.py", HEAD, HEAD.replace("return xs", "return list(xs)"), WHOLE_FILE)
    body = {"commit_id": "a" * 40, "body": "b", "event": "COMMENT"}
    assert schema_errors(schema, {**body, "comments": [s.comment("i") for s in made]}) == []
    assert (
        "'path' is a required property" in schema_errors(schema, {"comments": [{"body": "x"}]})[0]
    )


def test_plan_reads_the_prs_hunks_and_the_bots_branch_from_git(tmp_path: Path) -> None:
    base = HEAD.replace("\n\ndef slow", "\n\ndef gone").split("def gone")[0].rstrip() + "\n"
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "m.py").write_text(base)
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "base")
    merge_base = _git(tmp_path, "rev-parse", "HEAD")
    (tmp_path / "m.py").write_text(HEAD)  # the PR adds `slow`
    _git(tmp_path, "commit", "-qam", "pr")
    head = _git(tmp_path, "rev-parse", "HEAD")
    optimized = HEAD.replace("if i in wanted:", "if i in wanted_set:").replace(
        "import os", "import os, re"
    )
    (tmp_path / "m.py").write_text(optimized)
    (tmp_path / ".codeflash").mkdir()
    (tmp_path / ".codeflash" / "results.tsv").write_text("x\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "⚡ bot")
    tip = _git(tmp_path, "rev-parse", "HEAD")
    found = plan(Git(tmp_path), merge_base, head, tip)
    # line 1 is not in the PR's diff (nor its 3 lines of context), so the file gets no
    # suggestion at all: half of a change is not offered
    assert found.suggestions == [] and "outside this pull request's diff" in found.skipped["m.py"]
    (tmp_path / "m.py").write_text(HEAD.replace("if i in wanted:", "if i in wanted_set:"))
    _git(tmp_path, "commit", "-qam", "⚡ bot again")
    found = plan(Git(tmp_path), merge_base, head, _git(tmp_path, "rev-parse", "HEAD"))
    assert [(s.path, s.start, s.end) for s in found.suggestions] == [("m.py", 11, 11)]
    assert found.skipped == {}
