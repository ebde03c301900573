"""A SetupInfo as `detect_setup` would report a configured project: for tests that run the
harness against a small directory without detecting (or building) an environment."""

from __future__ import annotations

import sys

from codeflash_bot.session.setup import SetupInfo


def configured_setup(
    python: str = sys.executable, pythonpath: tuple[str, ...] = (".",)
) -> SetupInfo:
    return SetupInfo(
        python=python,
        python_version="3",
        pythonpath=list(pythonpath),
        test_command=[python, "-m", "pytest"],
        tests_found=[],
        package_manager="pip",
        install_command="pip install -e .",
        env_source="configured",
    )
