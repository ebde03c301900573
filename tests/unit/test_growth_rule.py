"""The growth-aware keep rule on synthetic measurement tables (measure.growth)."""

from __future__ import annotations

from pathlib import Path

from codeflash_bot.measure.growth import Step, growth_words, judge_growth, judge_ladder, slope
from codeflash_bot.models import Measurement, Reason, RungResult, Status

FLOOR = 10.0


def rung(n: int, before: float, after: float, aa: float = 1.01, size: str = "") -> RungResult:
    m = Measurement(
        baseline=before, candidate=after, aa_ratio=aa, rounds=15, loops=1, per_call=before
    )
    return RungResult(size=size or f"list[{n:,}]", n=n, measurement=m)


def ladder(before, after) -> list[RungResult]:
    sizes = [10, 40, 160, 640, 2560]
    return [rung(n, before(n), after(n)) for n in sizes]


def test_asymptotic_win_with_small_overhead_is_kept_and_reports_the_crossover() -> None:
    # n² original, n candidate with a fixed 40 µs set-up: slower on tiny inputs, far faster at scale
    rungs = ladder(lambda n: 1e-7 * n * n, lambda n: 4e-5 + 1e-7 * n)
    verdict = judge_growth(rungs, [rungs[-1].measurement], FLOOR)
    assert verdict.status is Status.KEEP
    assert verdict.scale is not None
    assert verdict.scale.crossover.startswith("slower below list[")
    assert "list[10]" in verdict.scale.crossover  # where it is worst
    assert growth_words(verdict.scale.slope_before) == "~n²"
    assert "→" in verdict.detail


def test_small_win_that_loses_at_scale_is_rejected() -> None:
    # 2x faster on small inputs, but its cost grows faster: 0.5x at the top
    rungs = ladder(lambda n: 1e-4 * n, lambda n: 5e-5 * n * (n / 160) ** 0.5)
    assert rungs[0].measurement.gain > 1.0  # it does win small
    verdict = judge_growth(rungs, [], FLOOR)
    assert verdict.status is Status.DISCARD
    assert "list[2,560] 0.50x" in verdict.detail


def test_gain_that_flips_in_the_middle_is_rejected_even_if_the_top_wins() -> None:
    rungs = [
        rung(10, 1e-4, 5e-5),
        rung(40, 4e-4, 8e-4),  # twice as slow where the original costs 400 µs
        rung(160, 1.6e-3, 8e-4),
    ]
    verdict = judge_growth(rungs, [], FLOOR)
    assert verdict.status is Status.DISCARD
    assert verdict.reason is Reason.SCALE
    assert "list[40]" in verdict.detail


def test_gain_that_shrinks_with_size_is_rejected() -> None:
    speedups = {10: 8.0, 40: 5.0, 160: 3.0, 640: 2.0, 2560: 1.3}
    rungs = ladder(lambda n: 1e-4 * n, lambda n: 1e-4 * n / speedups[n])
    verdict = judge_growth(rungs, [], FLOOR)
    assert verdict.status is Status.DISCARD
    assert verdict.reason is Reason.SCALE
    assert "shrinks" in verdict.detail


def test_constant_factor_win_is_kept() -> None:
    rungs = ladder(lambda n: 1e-4 * n, lambda n: 5e-5 * n)
    verdict = judge_growth(rungs, [rungs[-1].measurement], FLOOR)
    assert verdict.status is Status.KEEP
    assert verdict.scale is not None and verdict.scale.crossover == ""


def test_no_op_is_rejected_at_every_rung() -> None:
    rungs = ladder(lambda n: 1e-4 * n, lambda n: 1e-4 * n * 0.98)
    for top in range(1, len(rungs) + 1):
        verdict = judge_growth(rungs[:top], [], FLOOR)
        assert verdict.status is Status.DISCARD
        assert verdict.reason is Reason.NOT_FASTER


def test_noise_raises_the_bar_at_the_top_rung() -> None:
    rungs = [rung(10, 1e-4, 8e-5), rung(40, 4e-4, 3.2e-4, aa=1.12)]  # +25 % under 12 % A/A
    assert judge_growth(rungs, [], FLOOR).status is Status.DISCARD


def test_a_failing_confirmation_at_the_top_discards() -> None:
    rungs = ladder(lambda n: 1e-4 * n, lambda n: 5e-5 * n)
    again = rung(2560, 0.256, 0.25).measurement
    assert judge_growth(rungs, [again], FLOOR).status is Status.DISCARD


def test_slope_and_words() -> None:
    assert slope([(10, 1.0)]) is None
    assert abs(slope([(10, 1.0), (100, 100.0)]) - 2.0) < 1e-9  # type: ignore[operator]
    assert growth_words(1.05) == "~n"
    assert growth_words(0.02) == "~1"
    assert growth_words(1.5) == "~n^1.5"


def test_a_tenfold_loss_on_a_noisy_trivial_rung_is_still_reported_as_the_crossover() -> None:
    rungs = [rung(6, 8e-6, 8e-5, aa=1.57, size="int 6"), rung(9, 6e-5, 5e-6), rung(14, 2e-3, 7e-6)]
    verdict = judge_growth(rungs, [], FLOOR)
    assert verdict.status is Status.KEEP
    assert verdict.scale is not None
    assert verdict.scale.crossover == "slower below list[9] (0.10x at int 6)"


def test_a_huge_win_whose_speedup_wobbles_down_is_kept() -> None:
    # 1,500x then 700x: noise on a 1 µs candidate, not a win fading towards the floor
    rungs = [rung(10, 1.5e-3, 1e-6), rung(40, 6e-3, 4e-6), rung(160, 2.1e-2, 3e-5)]
    verdict = judge_growth(rungs, [], FLOOR)
    assert verdict.status is Status.KEEP, verdict.detail


def _steps(sizes: list[int]) -> list[Step]:
    return [Step(size=f"list[{n:,}]", n=n, inputs=[Path(f"rung-{n}")]) for n in sizes]


def _scripted(before, after, spike: dict[int, float]):
    """A measure_at for judge_ladder: the candidate costs `after(n)`, times `spike[n]` the first
    time rung n is measured (a load spike on one timing), and every call is logged."""
    seen: list[int] = []

    def measure_at(inputs: list[Path]) -> Measurement:
        n = int(inputs[0].name.split("-")[1])
        factor = spike.get(n, 1.0) if n not in seen else 1.0
        seen.append(n)
        return rung(n, before(n), after(n) * factor).measurement

    return measure_at, seen


def test_a_loss_at_one_rung_that_does_not_reproduce_is_noise_and_the_win_is_kept() -> None:
    measure_at, seen = _scripted(lambda n: 1e-4 * n, lambda n: 3e-5 * n, spike={640: 4.0})
    verdict = judge_ladder(measure_at, _steps([10, 40, 160, 640, 2560]), FLOOR, 5.0)
    assert verdict.status is Status.KEEP, verdict.detail
    assert seen.count(640) == 2  # the loss was retaken before anything was decided


def test_a_systematic_loss_reproduces_on_the_retake_and_is_discarded() -> None:
    speed = {10: 0.3, 40: 0.3, 160: 0.3, 640: 2.0, 2560: 0.3}  # twice as slow at 640 every time
    measure_at, seen = _scripted(lambda n: 1e-4 * n, lambda n: 1e-4 * n * speed[n], spike={})
    verdict = judge_ladder(measure_at, _steps([10, 40, 160, 640, 2560]), FLOOR, 5.0)
    assert verdict.status is Status.DISCARD
    assert verdict.reason is Reason.SCALE
    assert "loses at list[640]" in verdict.detail and "reproduced on a retake" in verdict.detail
    assert seen.count(640) == 2


def test_a_clean_keep_costs_no_retake() -> None:
    measure_at, seen = _scripted(lambda n: 1e-4 * n, lambda n: 3e-5 * n, spike={})
    verdict = judge_ladder(measure_at, _steps([10, 40, 160]), FLOOR, 5.0)
    assert verdict.status is Status.KEEP
    assert sorted(seen) == [10, 40, 160, 160]  # the top twice: the floor, then the confirmation


def test_a_win_at_the_tests_size_that_is_gone_at_the_top_says_so() -> None:
    # a fixed 20 µs saved per call: 3x on the captured call, nothing at the top rung
    rungs = [rung(16, 3e-5, 1e-5, size="list[16] (captured)"), rung(1024, 6.4e-4, 6.3e-4)]
    verdict = judge_growth(rungs, [], FLOOR)
    assert verdict.status is Status.DISCARD and verdict.reason is Reason.SCALE
    assert verdict.detail.startswith("wins 3.00x at list[16] (captured) but not at scale")
    assert "at list[1,024]: +1.6%" in verdict.detail


def test_judge_ladder_measures_the_captured_rung_when_the_top_fails() -> None:
    from pathlib import Path

    from codeflash_bot.measure.growth import Step, judge_ladder

    costs = {"small": (3e-5, 1e-5), "mid": (1.6e-4, 1.5e-4), "top": (6.4e-4, 6.3e-4)}
    measured: list[str] = []

    def measure_at(inputs: list[Path]) -> Measurement:
        measured.append(inputs[0].name)
        before, after = costs[inputs[0].name]
        return rung(1, before, after).measurement

    steps = [Step(size=k, n=n, inputs=[Path(k)]) for k, n in (("small", 16), ("mid", 64))]
    steps.append(Step(size="top", n=1024, inputs=[Path("top")]))
    verdict = judge_ladder(measure_at, steps, FLOOR, 5.0)
    assert measured == ["top", "small"]  # the middle rung is not worth a measurement
    assert verdict.reason is Reason.SCALE and verdict.scale is not None
    assert [r.size for r in verdict.scale.rungs] == ["small", "top"]


def test_a_loss_hidden_by_noise_at_a_rung_that_matters_is_not_kept() -> None:
    # the captured input (5,000 elements, 100 µs) is 2x slower, but its A/A noise is 40 %: the
    # noise bar alone would call that no loss, while grown rungs show a big win
    rungs = [
        rung(5000, 1e-4, 2e-4, aa=1.40, size="list[5,000] (captured)"),
        rung(20000, 4e-4, 1e-5),
        rung(80000, 1.6e-3, 2e-5),
    ]
    verdict = judge_growth(rungs, [rungs[-1].measurement], FLOOR)
    assert verdict.status is Status.DISCARD
    assert verdict.reason is Reason.NOISY
    assert "a loss at list[5,000] (captured) is not ruled out: 0.50x" in verdict.detail


def test_a_slowdown_within_the_tolerance_on_a_noisy_rung_does_not_block_a_keep() -> None:
    rungs = [rung(5000, 1e-4, 1.03e-4, aa=1.20), rung(20000, 4e-4, 1e-5), rung(80000, 1.6e-3, 2e-5)]
    assert judge_growth(rungs, [rungs[-1].measurement], FLOOR).status is Status.KEEP


def test_a_loss_in_cpu_time_discards_even_when_wall_time_hides_it() -> None:
    rungs = ladder(lambda n: 1e-4 * n, lambda n: 2.5e-5 * n)  # 4x faster in wall time
    lossy = rungs[2].measurement
    cpu = lossy.model_copy(update={"baseline": 1.0, "candidate": 1.5, "metric": "cpu_seconds"})
    rungs[2] = rungs[2].model_copy(update={"measurement": lossy.model_copy(update={"cpu": cpu})})
    verdict = judge_growth(rungs, [rungs[-1].measurement], FLOOR)
    assert verdict.status is Status.DISCARD and verdict.reason is Reason.SCALE
    assert f"loses at {rungs[2].size}: 0.67x in CPU time" in verdict.detail
