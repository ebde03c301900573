"""The harness scripts, run for real in a child interpreter on a small package."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.models import Target
from codeflash_bot.sandbox import HARNESS_DIR, HarnessError, run_command
from codeflash_bot.session.setup import SetupInfo
from codeflash_bot.verify.replay import replay
from tests.support.setup_info import configured_setup

sys.path.insert(0, str(HARNESS_DIR))
import cf_harness_common as common

MODULE = """
import random

class Point:
    def __init__(self, x):
        self.x = x

def first_sorted(xs):
    return sorted(xs)[0]

def normalize(xs):
    xs.sort()
    return len(xs)

def shout(word):
    print(word.upper())
    return None

def jitter(n):
    return random.random() * n

class Box:
    def biggest(self, xs):
        return sorted(xs)[-1]
"""


def setup_for(root: Path) -> SetupInfo:
    return configured_setup()


def corpus(root: Path, name: str, calls: list[tuple]) -> Path:
    import pickle

    d = root / "corpus" / name
    d.mkdir(parents=True)
    for i, (args, kwargs) in enumerate(calls):
        (d / f"{i:04d}.pkl").write_bytes(pickle.dumps({"args": args, "kwargs": kwargs}))
    return d


@pytest.fixture
def pkg(tmp_path: Path) -> Path:
    (tmp_path / "demo.py").write_text(textwrap.dedent(MODULE))
    return tmp_path


def run_replay(pkg: Path, qualname: str, candidate: str, calls: list[tuple]):
    target = Target(module="demo", qualname=qualname, file=Path("demo.py"), lineno=1)
    d = corpus(pkg, qualname, calls)
    return replay(
        HarnessRunner.for_project(setup_for(pkg), pkg, 2048), target, candidate, d, timeout=60
    )


def test_equal_candidate_passes(pkg: Path) -> None:
    cand = textwrap.dedent(MODULE).replace("return sorted(xs)[0]", "return min(xs)")
    result = run_replay(pkg, "first_sorted", cand, [(([3, 1, 2],), {}), (([5],), {})])
    assert result.ok and result.compared >= 2


def test_different_exception_is_a_mismatch(pkg: Path) -> None:
    cand = textwrap.dedent(MODULE).replace("return sorted(xs)[0]", "return min(xs)")
    result = run_replay(pkg, "first_sorted", cand, [(([],), {})])
    assert not result.ok
    assert "IndexError" in result.mismatches[0]["detail"]


def test_int_vs_float_is_a_mismatch(pkg: Path) -> None:
    cand = textwrap.dedent(MODULE).replace("return sorted(xs)[0]", "return float(min(xs))")
    result = run_replay(pkg, "first_sorted", cand, [(([3, 1],), {})])
    assert result.mismatches and "returned" in result.mismatches[0]["detail"]


def test_argument_mutation_is_compared(pkg: Path) -> None:
    cand = textwrap.dedent(MODULE).replace(
        "    xs.sort()\n    return len(xs)", "    return len(xs)"
    )
    result = run_replay(pkg, "normalize", cand, [(([3, 1, 2],), {})])
    assert result.mismatches[0]["detail"] == "arguments were mutated differently"


def test_printed_output_is_compared(pkg: Path) -> None:
    cand = textwrap.dedent(MODULE).replace("print(word.upper())", "print(word)")
    result = run_replay(pkg, "shout", cand, [(("hi",), {})])
    assert "printed" in result.mismatches[0]["detail"]


def test_nondeterministic_inputs_are_skipped_not_compared(pkg: Path) -> None:
    result = run_replay(pkg, "jitter", textwrap.dedent(MODULE), [((3,), {})])
    assert result.nondeterministic == 1 and result.compared == 0 and not result.ok


def test_method_candidate_uses_original_class(pkg: Path) -> None:
    cand = textwrap.dedent(MODULE).replace("return sorted(xs)[-1]", "return max(xs)")
    import importlib

    sys.path.insert(0, str(pkg))
    try:
        demo = importlib.import_module("demo")
        calls = [((demo.Box(), [1, 3, 2]), {})]
        result = run_replay(pkg, "Box.biggest", cand, calls)
    finally:
        sys.path.remove(str(pkg))
        sys.modules.pop("demo", None)
    assert result.ok


def test_hanging_candidate_is_killed_at_the_timeout(pkg: Path) -> None:
    cand = textwrap.dedent(MODULE).replace("return sorted(xs)[0]", "while True:\n        pass")
    target = Target(module="demo", qualname="first_sorted", file=Path("demo.py"), lineno=1)
    d = corpus(pkg, "hang", [(([1],), {})])
    with pytest.raises(HarnessError) as info:
        replay(HarnessRunner.for_project(setup_for(pkg), pkg, 2048), target, cand, d, timeout=2)
    assert info.value.timed_out


def test_memory_hungry_child_is_stopped_by_the_limit(tmp_path: Path) -> None:
    code = "x = bytearray(2_000_000_000)"
    result = run_command([sys.executable, "-c", code], cwd=tmp_path, timeout=30, memory_mb=512)
    assert not result.ok and "MemoryError" in result.stderr


def test_harness_crash_is_reported(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match="ModuleNotFoundError"):
        HarnessRunner(sys.executable, tmp_path, {"PATH": "/usr/bin:/bin"}).run(
            "cf_replay.py",
            {"module": "nope_missing", "qualname": "f", "candidate_file": "x", "corpus": "x"},
            timeout=30,
        )


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (1, 1.0, False),
        (float("nan"), float("nan"), True),
        (0.1 + 0.2, 0.3, True),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}, False),  # order is observable
        ([1, [2, 3]], [1, [2, 3]], True),
        ((1, 2), [1, 2], False),
        ({1, 2}, {2, 1}, True),
        (True, 1, False),
    ],
)
def test_comparator_is_type_strict(a: object, b: object, same: bool) -> None:
    assert common.equal(a, b) is same


def test_comparator_compares_plain_objects_by_state() -> None:
    class P:
        def __init__(self, x: int) -> None:
            self.x = x

    assert common.equal(P(1), P(1))
    assert not common.equal(P(1), P(2))


def test_comparator_defaultdict_factory_matters() -> None:
    from collections import defaultdict

    assert not common.equal(defaultdict(int, a=1), defaultdict(list, a=1))


STATEFUL = """
REGISTRY = []
COUNT = 0

def register(name):
    REGISTRY.append(name)
    return len(REGISTRY)

def bump(n):
    global COUNT
    COUNT += n
    return n

def _add(n):
    global COUNT
    COUNT += n

def bump_via_helper(n):
    _add(n)
    return n
"""


def stateful_replay(tmp_path: Path, qualname: str, old: str, new: str, calls: list[tuple]):
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "demo.py").write_text(textwrap.dedent(STATEFUL))
    source = textwrap.dedent(STATEFUL)
    assert old in source
    return run_replay(tmp_path, qualname, source.replace(old, new), calls)


def test_every_call_starts_from_the_module_as_imported(tmp_path: Path) -> None:
    # register() returns 1 for each input only if the first call's append is undone before
    # the next: without the reset every input would look nondeterministic and go uncompared.
    calls = [(("a",), {}), (("b",), {}), (("c",), {})]
    old = "REGISTRY.append(name)"
    result = stateful_replay(tmp_path, "register", old, "REGISTRY.extend([name])", calls)
    assert result.ok and result.compared == 3 and result.nondeterministic == 0


def test_a_module_list_left_different_is_a_mismatch(tmp_path: Path) -> None:
    old = "    REGISTRY.append(name)\n    return len(REGISTRY)"
    new = "    return len(REGISTRY) + 1"  # same return value, the registry left untouched
    result = stateful_replay(tmp_path, "register", old, new, [(("a",), {})])
    assert result.compared == 1 and result.mismatches
    detail = result.mismatches[0]["detail"]
    assert detail == "module global `REGISTRY`: original left ['a'], candidate it as it was"


def test_a_global_the_candidate_no_longer_rebinds_is_a_mismatch(tmp_path: Path) -> None:
    old = "    global COUNT\n    COUNT += n\n    return n\n\ndef _add"
    new = "    return n\n\ndef _add"
    result = stateful_replay(tmp_path, "bump", old, new, [((3,), {})])
    assert result.mismatches
    assert result.mismatches[0]["detail"].startswith("module global `COUNT`: original left 3")


def test_globals_rebound_by_the_candidate_or_its_helpers_are_read_where_they_land(
    tmp_path: Path,
) -> None:
    # The candidate runs in a copy of the module's globals: its own `global COUNT` lands in
    # the copy, an unchanged helper's lands in the module; both are the same effect.
    own = stateful_replay(tmp_path / "own", "bump", "COUNT += n", "COUNT = n + COUNT", [((3,), {})])
    helper = stateful_replay(
        tmp_path / "helper",
        "bump_via_helper",
        "    _add(n)\n    return n",
        "    _add(n)\n    return n + 0",
        [((3,), {})],
    )
    assert own.ok and helper.ok
