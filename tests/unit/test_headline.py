"""Each engine words its keep's commit headline in its own metric (the loop never branches)."""

from __future__ import annotations

import pytest

from codeflash_bot.domains import engine_for
from codeflash_bot.models import Domain, InputSize, Measurement, Metric, Status, Verdict


def _kept(metric: Metric, baseline: float, candidate: float) -> Verdict:
    m = Measurement(
        baseline=baseline,
        candidate=candidate,
        aa_ratio=1.01,
        rounds=5,
        loops=10,
        per_call=candidate / 10,
        inputs=[InputSize(pickled_bytes=100, shape="list[1000]")],
        metric=metric,
    )
    return Verdict(status=Status.KEEP, reason="kept", measurements=[m])


@pytest.mark.parametrize(
    ("domain", "metric", "headline", "measured"),
    [
        (
            Domain.CPU,
            Metric.SECONDS,
            "2.00x faster",
            "200.0 us -> 100.0 us per call-set (1 largest captured inputs: list[1000]); gains in"
            " 1 independent runs: +100.0%; A/A noise 1.0%",
        ),
        (
            Domain.ASYNC,
            Metric.SECONDS,
            "2.00x faster",
            "200.0 us -> 100.0 us per call-set (1 largest captured inputs: list[1000]); gains in"
            " 1 independent runs: +100.0%; A/A noise 1.0%",
        ),
        (Domain.MEMORY, Metric.PEAK_BYTES, "50% less peak memory", "peak 2 B -> 1 B (50.0% less)"),
        (
            Domain.STRUCTURE,
            Metric.IMPORT_SECONDS,
            "2.00x faster import",
            "import time 0.2 ms -> 0.1 ms, fresh interpreter per import, min of 5 rounds;"
            " gains +100.0%; A/A noise 1.0%",
        ),
    ],
)
def test_engine_words_the_commit_figures_of_its_metric(
    domain: Domain, metric: Metric, headline: str, measured: str
) -> None:
    engine = engine_for(domain)
    assert engine.metric is metric
    scale = 1.0 if metric is Metric.PEAK_BYTES else 1e-4
    figures = engine.commit_figures(_kept(metric, 2 * scale, 1 * scale))
    assert figures.headline == headline
    assert figures.measured == measured
