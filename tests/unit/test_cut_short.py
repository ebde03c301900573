"""Profile and capture stopped at their time limit still hand over what they saw (issue 17)."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from codeflash_bot.capture import capture_inputs, corpus_dir
from codeflash_bot.config import Config
from codeflash_bot.domains import EngineContext
from codeflash_bot.domains.memory import profile_memory
from codeflash_bot.models import Target
from codeflash_bot.profile.cpu import profile_cpu
from codeflash_bot.progress import NullReporter
from codeflash_bot.session.setup import SetupInfo

CORE = """
def lowest(xs):
    return sorted(xs)[0]
"""

# a test suite and a workload that never end: only a time limit stops them
ENDLESS = """
import itertools
from busy.core import lowest

def test_forever():
    for n in itertools.cycle((2000, 4000)):
        assert lowest([(i * 7919) % (n + 1) + 1 for i in range(n)]) == 1
"""
WORKLOAD = """
from tests.test_busy import test_forever

test_forever()
"""


@pytest.fixture
def busy(tmp_path: Path) -> tuple[Path, SetupInfo]:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "__init__.py").write_text("")
    (tmp_path / "busy" / "core.py").write_text(textwrap.dedent(CORE))
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "__init__.py").write_text("")
    (tmp_path / "tests" / "test_busy.py").write_text(textwrap.dedent(ENDLESS))
    (tmp_path / "forever.py").write_text(textwrap.dedent(WORKLOAD))
    setup = SetupInfo(
        python=sys.executable,
        python_version="3",
        pythonpath=["."],
        test_command=[sys.executable, "-m", "pytest"],
        tests_found=["tests/test_busy.py"],
        package_manager="pip",
        install_command="pip install -e .",
        env_source="configured",
    )
    return tmp_path, setup


def test_a_profile_cut_short_still_ranks_what_it_saw(busy: tuple[Path, SetupInfo]) -> None:
    root, setup = busy
    heard: list[str] = []
    # the workload, not pytest: its start-up is quick enough for a short limit on a busy machine
    targets = profile_cpu(
        setup,
        root,
        workload="python forever.py",
        exclude=[],
        timeout=8,
        memory_mb=4096,
        on_cut=heard.append,
    )
    assert [t.ref for t in targets] == ["busy.core:lowest"]
    assert len(heard) == 1 and heard[0].startswith("the profile was interrupted after")
    assert heard[0].endswith("saw 1 function(s) of the repo")


def test_a_capture_cut_short_keeps_whole_inputs(busy: tuple[Path, SetupInfo]) -> None:
    root, setup = busy
    target = Target(module="busy.core", qualname="lowest", file=Path("busy/core.py"), lineno=2)
    counts, timed_out = capture_inputs(
        setup,
        root,
        [target],
        root / "corpus",
        workload="python forever.py",
        timeout=8,
        memory_mb=4096,
    )
    assert timed_out
    assert counts == {"busy.core:lowest": 2}  # both distinct inputs, each stored once
    directory = corpus_dir(root / "corpus", target)
    assert sorted(p.name for p in directory.iterdir()) == ["0000.pkl", "0001.pkl"]


def test_a_memory_profile_cut_short_still_attributes_what_it_saw(
    busy: tuple[Path, SetupInfo], tmp_path: Path
) -> None:
    root, setup = busy
    config = Config(workload="python forever.py", test_timeout=8)
    notes: list[str] = []
    ctx = EngineContext(root, setup, config, tmp_path / "corpus", Notes(notes))
    targets, peaks, _ = profile_memory(ctx, "tracemalloc")
    assert [t.ref for t in targets] == ["busy.core:lowest"] and peaks["busy.core:lowest"] > 0
    assert notes and notes[0].startswith("cut short: the memory profile was interrupted after")


class Notes(NullReporter):
    def __init__(self, into: list[str]) -> None:
        self.into = into

    def note(self, message: str) -> None:
        self.into.append(message)
