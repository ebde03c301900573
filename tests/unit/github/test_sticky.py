"""The sticky status comment: hidden marker, run state, one comment edited in place."""

from __future__ import annotations

import time

from codeflash_bot.github.sticky import (
    MARKER,
    RunState,
    Sticky,
    StickyReporter,
    parse_state,
    run_in_progress,
)
from codeflash_bot.models import Domain, ExperimentRecord, Status
from tests.support.action import make_ctx
from tests.support.fake_github import FakeGitHub


def test_state_marker_roundtrip() -> None:
    state = RunState("running", "77", 1_700_000_000)
    assert parse_state("x\n" + state.marker() + "\ny") == state
    assert parse_state("<!-- codeflash-bot:state {broken -->") is None
    assert "--" not in state.marker()[4:-3]


def test_reporter_creates_once_then_edits(fake: FakeGitHub) -> None:
    ctx = make_ctx(fake)
    sticky = Sticky(ctx, 1)
    reporter = StickyReporter(sticky, "### header", min_interval=0)
    reporter.start()
    record = ExperimentRecord(
        commit="abc1234",
        target="demo.hot:f",
        domain=Domain.CPU,
        metric="seconds",
        baseline=2.0,
        candidate=1.0,
        delta_pct=-50.0,
        status=Status.KEEP,
        description="CPU101 | hoist",
    )
    reporter.experiment(record, 1, 10, 1)
    reporter.finish("done", "finished")
    assert fake.summary() == [
        "GET R/issues/1/comments",
        "POST R/issues/1/comments",
        "PATCH R/issues/comments/9001",
        "PATCH R/issues/comments/9001",
    ]
    body = fake.comments[1][0]["body"]
    assert MARKER in body and '"state": "done"' in body
    assert "| 1 | `demo.hot:f` | ✅ kept | -50.0 % | CPU101 \\| hoist |" in body


def test_reporter_never_raises(fake: FakeGitHub) -> None:
    fake.fail("POST", r"/comments$", 422, times=5)
    reporter = StickyReporter(Sticky(make_ctx(fake), 1), "h", min_interval=0)
    reporter.start()
    reporter.note("still fine")


def test_existing_marker_from_a_human_is_ignored(fake: FakeGitHub) -> None:
    fake.add_comment(
        1,
        MARKER + RunState("running", "1", time.time()).marker(),
        user={"login": "mallory", "type": "User"},
    )
    assert Sticky(make_ctx(fake), 1).find() is None


def test_in_progress_detection(fake: FakeGitHub) -> None:
    fake.add_comment(1, MARKER + RunState("running", "77", time.time()).marker())
    ctx = make_ctx(fake)
    assert run_in_progress(ctx, Sticky(ctx, 1)) is not None
    fake.runs["77"] = "completed"  # the run died without a final edit
    assert run_in_progress(ctx, Sticky(ctx, 1)) is None
    fake.add_comment(2, MARKER + RunState("running", "78", time.time() - 8 * 3600).marker())
    assert run_in_progress(ctx, Sticky(ctx, 2)) is None  # older than any job can live
