from pathlib import Path

import pytest

from codeflash_bot.errors import BotError
from codeflash_bot.profile.cpu import pytest_args, run_mode, workload_argv


def test_leading_python_is_dropped_and_the_script_made_absolute(tmp_path: Path) -> None:
    (tmp_path / "bench.py").write_text("")
    argv = workload_argv(tmp_path, "python3 bench.py -n 'two words'")
    assert argv == [str(tmp_path / "bench.py"), "-n", "two words"]


@pytest.mark.parametrize("workload", ["python", "missing.py", "python missing.py", "''"])
def test_a_workload_must_name_a_script_in_the_repo(tmp_path: Path, workload: str) -> None:
    with pytest.raises(BotError, match="--workload must name a Python script in the repo"):
        workload_argv(tmp_path, workload)


def test_without_a_workload_the_tests_run(tmp_path: Path) -> None:
    assert run_mode(tmp_path, None) == {"mode": "pytest", "pytest_args": pytest_args()}
    (tmp_path / "w.py").write_text("")
    assert run_mode(tmp_path, "w.py") == {"mode": "workload", "workload": [str(tmp_path / "w.py")]}
