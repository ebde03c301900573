"""pytest plugin for a run of the project's pytest-benchmark tests as an input source.

Registered (as an object) by cf_suite/cf_capture_plugin when the spec says "benchmarks_only".
- Only benchmark tests run: those taking the `benchmark` fixture or marked `benchmark`.
- Timing loops are off: pytest-benchmark's `--benchmark-disable` runs each benchmarked call
  once (cf_suite.NEUTRAL_OPTIONS sets it in every budgeted run); a `--benchmark-skip` in the
  project's addopts is undone here, or the benchmarks would not run at all.
- Where pytest-benchmark is not installed in the project's environment, cf_bench_fallback
  supplies a `benchmark` fixture that calls the function once, so the benchmarks still run.
"""

from __future__ import annotations

try:
    from pytest import hookimpl
except ImportError:  # never registered outside pytest

    def hookimpl(**_opts):
        return lambda function: function


class BenchmarksOnly:
    """Selects the benchmark tests of the collected files and undoes `--benchmark-skip`."""

    @hookimpl(tryfirst=True)
    def pytest_cmdline_main(self, config) -> None:
        for name, value in (("benchmark_skip", False), ("benchmark_enable", False)):
            if hasattr(config.option, name):
                setattr(config.option, name, value)

    def pytest_collection_modifyitems(self, session, config, items: list) -> None:
        keep = [item for item in items if is_benchmark(item)]
        drop = [item for item in items if not is_benchmark(item)]
        if drop:
            config.hook.pytest_deselected(items=drop)
        items[:] = keep


def is_benchmark(item) -> bool:
    names = getattr(item, "fixturenames", ()) or ()
    return "benchmark" in names or item.get_closest_marker("benchmark") is not None


def plugins() -> list:
    """The selection plugin, and the fallback fixture when pytest-benchmark is missing."""
    out: list = [BenchmarksOnly()]
    try:
        import pytest_benchmark  # noqa: F401
    except ImportError:
        import cf_bench_fallback

        out.append(cf_bench_fallback)
    return out


def register(pluginmanager) -> None:
    """Register `plugins()` on a running pytest (from another plugin's early hook)."""
    if pluginmanager.has_plugin("cf_benchmarks_only"):
        return
    for i, plugin in enumerate(plugins()):
        pluginmanager.register(plugin, "cf_benchmarks_only" if i == 0 else "cf_bench_fallback")
