"""A `benchmark` fixture that calls the benchmarked function once (no timing).

Only registered by cf_benchmarks when pytest-benchmark is not installed in the project's
environment: the bot runs the project's benchmarks for their inputs, never for their timings,
so one call is what `--benchmark-disable` would do too.
"""

from __future__ import annotations

import pytest


class OnceBenchmark:
    """The parts of pytest-benchmark's fixture a benchmark test calls, each running once."""

    def __init__(self) -> None:
        self.extra_info: dict = {}
        self.group = None
        self.name = ""
        self.disabled = True

    def __call__(self, function, *args, **kwargs):
        return function(*args, **kwargs)

    def pedantic(self, target, args=(), kwargs=None, setup=None, teardown=None, **_options):
        if setup is not None:
            made = setup()
            if made is not None:
                args, kwargs = made
        try:
            return target(*args, **(kwargs or {}))
        finally:
            if teardown is not None:
                teardown(*args, **(kwargs or {}))

    def weave(self, *_args, **_kwargs) -> None:
        return None


@pytest.fixture
def benchmark():
    return OnceBenchmark()


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "benchmark(**kwargs): pytest-benchmark options")
