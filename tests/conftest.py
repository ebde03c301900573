"""Suite-wide: on a pytest-xdist worker, the bot sees the environment a user's shell gives it
(the bot drops these too, session/child_env.CALLER_STATE; this also covers what tests run
without it)."""

from __future__ import annotations

import os

import pytest

# How pytest-xdist tells a worker process who it is. The bot passes PYTEST_* on to the projects
# it runs (session/child_env.py), whose pytest would then believe it is an xdist worker too:
# pytest-benchmark, for one, disables itself ("--benchmark-disable is automatically activated
# if xdist is on"), so `compare` and the benchmark input sources fail only under `-n`.
XDIST_WORKER_ENV = ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID")


def pytest_configure(config: pytest.Config) -> None:
    """xdist itself reads the worker's identity from `config.workerinput`, not from these."""
    for name in XDIST_WORKER_ENV:
        os.environ.pop(name, None)
