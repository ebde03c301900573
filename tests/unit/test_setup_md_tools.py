"""setup.md says who installs the benchmark tools: the bot in its own env, the user elsewhere."""

from __future__ import annotations

from pathlib import Path

from codeflash_bot.session.setup import SetupInfo, render_setup_md


def _setup(may_install: bool) -> SetupInfo:
    return SetupInfo(
        python="/p/.venv/bin/python", python_version="3.11.7", pythonpath=["src"],
        test_command=["/p/.venv/bin/python", "-m", "pytest"], tests_found=["tests/test_x.py"],
        package_manager="pip", install_command="pip install -e .",
        env_source="created by the bot" if may_install else "configured (`.venv/bin/python`)",
        may_install_tools=may_install,
    )  # fmt: skip


def test_bot_env_gets_its_benchmark_tools_installed() -> None:
    text = render_setup_md(_setup(True), Path("/p"))
    assert "- Benchmark tools: pytest-benchmark (for `compare` and `prepare-pr`)" in text
    assert "installed into this environment by the bot if missing" in text


def test_user_env_is_told_what_to_install() -> None:
    text = render_setup_md(_setup(False), Path("/p"))
    assert "must be installed into this environment by you" in text
    assert "`.venv/bin/python -m pip install pytest-benchmark memray`" in text
