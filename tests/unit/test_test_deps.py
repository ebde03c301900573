"""Reading what a collection run lacks: module names and plugin options, never own modules."""

from __future__ import annotations

from pathlib import Path

from codeflash_bot.session.setup import SetupInfo
from codeflash_bot.session.test_deps import missing_distributions

COLLECT_OUTPUT = """
==================================== ERRORS ====================================
________________ ERROR collecting tests/test_idna_properties.py ________________
ImportError while importing test module '/r/tests/test_idna_properties.py'.
tests/test_idna_properties.py:22: in <module>
    from hypothesis import HealthCheck, example, given, settings
E   ModuleNotFoundError: No module named 'hypothesis'
E   ModuleNotFoundError: No module named 'yaml.loader'
E   ModuleNotFoundError: No module named 'mypkg.helpers'
E   ModuleNotFoundError: No module named 'tests.util'
E   ModuleNotFoundError: No module named '_ssl'
ERROR: usage: python -m pytest [options] [file_or_dir] [file_or_dir] [...]
python -m pytest: error: unrecognized arguments: --cov=mypkg --cov-report=term -n auto
"""


def _setup() -> SetupInfo:
    return SetupInfo(
        python="python",
        python_version="3.11.0",
        pythonpath=["src", "."],
        test_command=["python", "-m", "pytest"],
        tests_found=[],
        package_manager="pip",
        install_command="pip install -e .",
        env_source="created by the bot",
    )


def test_missing_distributions_maps_imports_and_options(tmp_path: Path) -> None:
    (tmp_path / "src" / "mypkg").mkdir(parents=True)
    found = missing_distributions(COLLECT_OUTPUT, tmp_path, _setup())
    assert found == ["hypothesis", "PyYAML", "pytest-cov", "pytest-xdist"]


def test_nothing_missing_in_a_clean_collection(tmp_path: Path) -> None:
    assert missing_distributions("12 tests collected in 0.03s\n", tmp_path, _setup()) == []
