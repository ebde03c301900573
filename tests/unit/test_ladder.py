"""Size ladders: type-preserving growth (cf_grow.py) and cf_ladder.py run for real."""

from __future__ import annotations

import copy
import pickle
import sys
import textwrap
from pathlib import Path

import pytest

from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.measure.ladder import build_ladder, ladder_dir
from codeflash_bot.models import Target
from codeflash_bot.sandbox import HARNESS_DIR
from codeflash_bot.session.setup import SetupInfo
from tests.support.setup_info import configured_setup

sys.path.insert(0, str(HARNESS_DIR))
import cf_grow as grow_mod

VALUES = [
    [3, 1, 2],
    (1.5, 2.5),
    "abc",
    b"xyz",
    {"a": 1, "b": [1, 2]},
    {1, 2, 3},
    frozenset({"x", "y"}),
    [[1], [2]],
    [("k", 1), ("j", 2)],
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
@pytest.mark.parametrize("mode", [grow_mod.DISTINCT, grow_mod.REPEATED])
def test_growth_keeps_the_type_grows_the_size_and_leaves_the_original(value, mode, tmp_path):
    before = copy.deepcopy(value)
    sizes = []
    for k in (1, 2):
        grown = grow_mod.grow(value, k, mode, str(tmp_path))
        if grown is None:  # a container whose elements cannot be made distinct
            assert mode == grow_mod.DISTINCT or isinstance(value, (set, frozenset, dict))
            return
        assert type(grown) is type(value)
        sizes.append(grow_mod.size_of(grown))
    assert value == before
    assert grow_mod.size_of(value) < sizes[0] < sizes[1]


def test_distinct_growth_adds_new_elements_and_repeated_growth_duplicates(tmp_path) -> None:
    distinct = grow_mod.grow([1, 2, 3], 1, grow_mod.DISTINCT, str(tmp_path))
    repeated = grow_mod.grow([1, 2, 3], 1, grow_mod.REPEATED, str(tmp_path))
    assert len(set(distinct)) == len(distinct) == 12
    assert len(repeated) == 12 and set(repeated) == {1, 2, 3}
    words = grow_mod.grow(["a", "b"], 1, grow_mod.DISTINCT, str(tmp_path))
    assert len(set(words)) == 8 and all(isinstance(w, str) for w in words)


def test_ints_that_bound_work_grow_and_other_ints_do_not(tmp_path) -> None:
    assert grow_mod.grow(10, 1, grow_mod.DISTINCT, str(tmp_path)) == 15
    assert grow_mod.grow(1, 3, grow_mod.DISTINCT, str(tmp_path)) == 4
    assert grow_mod.grow(0, 1, grow_mod.DISTINCT, str(tmp_path)) is None
    assert grow_mod.grow(-3, 1, grow_mod.DISTINCT, str(tmp_path)) is None
    assert grow_mod.grow(True, 1, grow_mod.DISTINCT, str(tmp_path)) is None
    assert grow_mod.grow(10**9, 1, grow_mod.DISTINCT, str(tmp_path)) is None
    assert grow_mod.describe(28) == "int 28"


def test_a_file_argument_becomes_a_larger_temporary_copy(tmp_path) -> None:
    original = tmp_path / "data.txt"
    original.write_text("a\nb\nc", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    grown = grow_mod.grow(str(original), 2, grow_mod.DISTINCT, str(work))
    assert isinstance(grown, str) and Path(grown).parent == work
    assert Path(grown).read_text(encoding="utf-8").count("\n") == 3 * 16**2
    assert original.read_text(encoding="utf-8") == "a\nb\nc"
    as_path = grow_mod.grow(original, 1, grow_mod.DISTINCT, str(work))
    assert isinstance(as_path, Path)
    assert grow_mod.describe(grown).startswith("file ")


MODULE = """
import time

def quadratic(xs, label):
    out = 0
    for a in xs:
        for b in xs:
            out += a < b
    return out

def constant(xs):
    return len(xs)

def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def line_count(path):
    with open(path) as fh:
        return len(fh.readlines())
"""


def setup_for() -> SetupInfo:
    return configured_setup()


def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "mod.py").write_text(textwrap.dedent(MODULE), encoding="utf-8")
    return root


def seed(root: Path, name: str, args: list, kwargs: dict | None = None) -> Path:
    corpus = root.parent / "corpus" / name
    corpus.mkdir(parents=True)
    path = corpus / "0001.pkl"
    path.write_bytes(pickle.dumps({"args": args, "kwargs": kwargs or {}}))
    return path


def ladder_for(root: Path, qualname: str, seed_path: Path, **kw):
    target = Target(file=Path("mod.py"), module="mod", qualname=qualname, lineno=1)
    out = ladder_dir(root.parent / "corpus", target)
    runner = HarnessRunner.for_project(setup_for(), root, 0)
    return build_ladder(runner, target, [seed_path], out, timeout=120, **kw)


def test_ladder_grows_only_the_argument_that_carries_the_work(tmp_path) -> None:
    root = project(tmp_path)
    path = seed(root, "q", [list(range(30)), "tag"])
    blob = path.read_bytes()
    ladder = ladder_for(root, "quadratic", path, cap=0.2, max_rungs=3)
    assert ladder.size_args == ["0"]
    sizes = [r.n for r in ladder.fitted]
    assert sizes == sorted(sizes) and sizes[0] == 30 and sizes[1] > 30
    assert [r.size for r in ladder.fitted][:3] == ["list[30] (captured)", "list[120]", "list[480]"]
    assert ladder.rungs[0].path == path
    assert all(r.path.parent == ladder.grown_dir for r in ladder.rungs[1:])
    assert ladder.grown_dir != path.parent
    assert path.read_bytes() == blob  # the captured original is untouched
    top = pickle.loads(ladder.fitted[-1].path.read_bytes())
    assert top["args"][1] == "tag"
    assert any(r.variant == "repeated" for r in ladder.rungs)


def test_ladder_stops_at_the_time_cap_and_grows_the_slowest_captured_call(tmp_path) -> None:
    root = project(tmp_path)
    small = seed(root, "f", [1])
    large = small.with_name("0002.pkl")
    large.write_bytes(pickle.dumps({"args": [12], "kwargs": {}}))
    target = Target(file=Path("mod.py"), module="mod", qualname="fib", lineno=1)
    out = ladder_dir(root.parent / "corpus", target)
    runner = HarnessRunner.for_project(setup_for(), root, 0)
    ladder = build_ladder(runner, target, [small, large], out, timeout=120, cap=0.02)
    assert ladder.rungs[0].path == large
    assert ladder.usable, ladder.stopped
    assert "cap" in ladder.stopped
    assert all(r.seconds <= 0.02 for r in ladder.rungs)
    assert [r.size for r in ladder.fitted[:2]] == ["int 12 (captured)", "int 18"]


def test_ladder_of_a_function_whose_time_does_not_grow_is_empty(tmp_path) -> None:
    root = project(tmp_path)
    ladder = ladder_for(root, "constant", seed(root, "c", [list(range(50))]))
    assert ladder.rungs == []
    assert ladder.stopped == "no argument carries size"


def test_ladder_of_a_file_reader_grows_a_copy_of_the_file(tmp_path) -> None:
    root = project(tmp_path)
    data = root / "lines.txt"
    data.write_text("one\ntwo\nthree\n" * 50, encoding="utf-8")
    ladder = ladder_for(root, "line_count", seed(root, "l", [str(data)]), max_rungs=3)
    assert ladder.usable, ladder.stopped
    assert ladder.fitted[-1].size.startswith("file ")
    assert data.read_text(encoding="utf-8") == "one\ntwo\nthree\n" * 50


def test_captured_calls_past_the_cap_are_the_ladder_themselves(tmp_path) -> None:
    root = project(tmp_path)
    first = seed(root, "big", [list(range(5))])
    paths = [first]
    for i, n in enumerate([40, 400, 3000], start=2):
        paths.append(first.with_name(f"{i:04d}.pkl"))
        paths[-1].write_bytes(pickle.dumps({"args": [list(range(n)), "t"], "kwargs": {}}))
    first.write_bytes(pickle.dumps({"args": [list(range(5)), "t"], "kwargs": {}}))
    target = Target(file=Path("mod.py"), module="mod", qualname="quadratic", lineno=1)
    out = ladder_dir(root.parent / "corpus", target)
    runner = HarnessRunner.for_project(setup_for(), root, 0)
    ladder = build_ladder(runner, target, paths, out, timeout=120, cap=0.02)
    assert "already reach the cap" in ladder.stopped
    assert [r.size for r in ladder.rungs] == [
        "list[5] (captured)",
        "list[40] (captured)",
        "list[400] (captured)",
        "list[3,000] (captured)",
    ]
    assert ladder.grown_dir is None and ladder.usable


def test_distinct_numbers_keep_their_sign(tmp_path) -> None:
    grown = grow_mod.grow([-2.5, 1.0, 3.0], 1, grow_mod.DISTINCT, str(tmp_path))
    assert sum(x < 0 for x in grown) == 4 and len(set(grown)) == 12


def test_a_cheap_call_on_a_big_argument_is_not_copied_past_the_memory_limit(tmp_path) -> None:
    """Timing a ~100 ns call takes a thousand fresh copies of its arguments; of a 200,000-item
    list that was gigabytes (a real package's ladder reached the 4 GB limit). The copies are
    bounded by their pickled size, so the ladder is built within a 1 GB address-space limit."""
    root = project(tmp_path)
    (root / "mod.py").write_text("def head(xs, n):\n    return xs[:n]\n", encoding="utf-8")
    target = Target(file=Path("mod.py"), module="mod", qualname="head", lineno=1)
    path = seed(root, "h", [list(range(200_000)), 10])
    out = ladder_dir(root.parent / "corpus", target)
    runner = HarnessRunner.for_project(setup_for(), root, 1024)
    ladder = build_ladder(runner, target, [path], out, timeout=120)
    assert not ladder.stopped.startswith("ladder not built"), ladder.stopped


def test_rung_times_are_cpu_time_so_waiting_does_not_count(tmp_path) -> None:
    """A call that waits 20 ms costs next to no CPU: time the original descheduled (a busy
    machine) or asleep is not work, and a seed timed long hid the argument that carries size."""
    import time

    import cf_ladder

    t = cf_ladder.per_call(lambda: time.sleep(0.02), (), {}, cap=0.05)
    assert t is not None and t < 0.005
    assert cf_ladder.per_call(lambda: time.sleep(0.3), (), {}, cap=0.05) == cf_ladder.OVER
