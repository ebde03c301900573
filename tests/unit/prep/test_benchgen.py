"""Benchmark generation: input chosen in the target's interpreter, test runs on its own."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

from codeflash_bot.git import Git
from codeflash_bot.prep.benchgen import benchmark_names, corpus_dirs, generate_benchmarks
from codeflash_bot.prep.inventory import KeptOptimization, inventory
from codeflash_bot.prep.target_env import TargetEnv
from tests.support.git import git
from tests.support.prep_demo import make_repo
from tests.support.repos import write

ENV = TargetEnv(python=sys.executable, pythonpath=["src"])


def _item(target: str) -> KeptOptimization:
    module, _, qualname = target.partition(":")
    return KeptOptimization(
        target=target, module=module, qualname=qualname, file="src/x.py", commit="abc1234",
        domain="cpu", metric="seconds", baseline=2.0, candidate=1.0, delta_pct=-50.0,
        rule_code="CPU101", rule_name="r", summary="s", description="CPU101 r: s",
    )  # fmt: skip


def _run_tests(root: Path, test_file: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--benchmark-disable",
         test_file],
        cwd=root, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def _corpus(root: Path, target: str, calls: list[dict]) -> None:
    common = Path(git(root, "rev-parse", "--absolute-git-dir"))
    directory = common / "codeflash" / "corpus" / target.replace(":", "_").replace(".", "_")
    directory.mkdir(parents=True)
    for i, call in enumerate(calls):
        (directory / f"{i:04d}.pkl").write_bytes(pickle.dumps(call))


def test_largest_captured_input_is_written_as_source_and_the_test_passes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", corpus=True)
    items = inventory(Git(repo.root), repo.head, repo.base)
    [bench] = generate_benchmarks(
        Git(repo.root), repo.root, ENV, items, "tests/benchmarks", branch=repo.head
    )
    assert bench.skipped is None
    assert bench.test_file == "tests/benchmarks/test_benchmark_dedupe.py"
    assert bench.inputs_captured == 3
    assert bench.input_shape == "list of 300"  # the largest of 10 / 300 / 50
    assert not bench.mutates_arguments
    # [j % 150 for j in range(300)] is written as a builder a reviewer reads, not a pickle.
    assert bench.input_form == "source" and bench.data_file is None
    assert not list((repo.root / "tests/benchmarks").glob("*.pkl"))
    source = (repo.root / bench.test_file).read_text(encoding="utf-8")
    assert "list(range(150)) * 2," in source
    assert "pickle" not in source
    proc = _run_tests(repo.root, bench.test_file)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mutating_generator_and_async_targets(tmp_path: Path) -> None:
    root = tmp_path / "r"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(
        root,
        "src/pkg/mod.py",
        """\
        import asyncio


        def sort_in_place(xs):
            xs.sort()
            return xs[0]


        def squares(n):
            for i in range(n):
                yield i * i


        async def total(xs):
            await asyncio.sleep(0)
            return sum(xs)


        class Box:
            def size(self, extra=0):
                return 3 + extra
        """,
    )
    write(root, "src/pkg/__init__.py", "")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "x")
    # Inputs pickled by the target's interpreter (Box must be importable from src/).
    common = Path(git(root, "rev-parse", "--absolute-git-dir")) / "codeflash" / "corpus"
    script = f"""
import pickle, pathlib
from pkg.mod import Box
calls = {{
    "pkg_mod_sort_in_place": {{"args": ([5, 3, 9, 1] * 50,), "kwargs": {{}}}},
    "pkg_mod_squares": {{"args": (200,), "kwargs": {{}}}},
    "pkg_mod_total": {{"args": (list(range(100)),), "kwargs": {{}}}},
    "pkg_mod_Box_size": {{"args": (Box(),), "kwargs": {{"extra": 2}}}},
}}
for name, call in calls.items():
    d = pathlib.Path({str(common)!r}) / name
    d.mkdir(parents=True)
    (d / "0000.pkl").write_bytes(pickle.dumps(call))
"""
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    subprocess.run([sys.executable, "-c", script], env=env, check=True)
    targets = ["pkg.mod:sort_in_place", "pkg.mod:squares", "pkg.mod:total", "pkg.mod:Box.size"]
    items = [_item(t) for t in targets]
    benches = generate_benchmarks(Git(root), root, ENV, items, "bench", branch=None)
    assert [b.skipped for b in benches] == [None] * 4
    by = {b.target: b for b in benches}
    assert by["pkg.mod:sort_in_place"].mutates_arguments
    assert not by["pkg.mod:squares"].mutates_arguments
    assert by["pkg.mod:Box.size"].input_shape == "Box, extra=int"
    # A user class has no Python source: the pickle is the last resort, and named as such.
    assert by["pkg.mod:Box.size"].input_form == "pickle"
    assert by["pkg.mod:Box.size"].data_file == "bench/test_benchmark_Box_size.inputs.pkl"
    assert [by[t].input_form for t in targets[:3]] == ["source"] * 3
    sources = {t: (root / (by[t].test_file or "")).read_text() for t in targets}
    assert "[5, 3, 9, 1] * 50," in sources["pkg.mod:sort_in_place"]
    assert "pickle" not in sources["pkg.mod:sort_in_place"]
    assert "pickle.load(fh)" in sources["pkg.mod:Box.size"]
    assert "benchmark.pedantic(TARGET, setup=load_inputs" in sources["pkg.mod:sort_in_place"]
    assert "return list(TARGET(" in sources["pkg.mod:squares"]
    assert "asyncio.run(TARGET(" in sources["pkg.mod:total"]
    assert "TARGET = target_module.Box.size" in sources["pkg.mod:Box.size"]
    proc = _run_tests(root, "bench")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 passed" in proc.stdout


def test_no_corpus_is_skipped_with_a_reason(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    items = inventory(Git(repo.root), repo.head, repo.base)
    [bench] = generate_benchmarks(Git(repo.root), repo.root, ENV, items, "b", branch=repo.head)
    assert bench.test_file is None
    assert bench.skipped and "no captured inputs" in bench.skipped
    assert corpus_dirs(Git(repo.root), repo.head, "demo.core:dedupe") == []


def test_inputs_that_raise_are_not_chosen(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    _corpus(repo.root, "demo.core:dedupe", [{"args": (None,), "kwargs": {}}])
    items = inventory(Git(repo.root), repo.head, repo.base)
    [bench] = generate_benchmarks(Git(repo.root), repo.root, ENV, items, "b", branch=None)
    assert bench.skipped and "none of 1 captured inputs" in bench.skipped


def test_test_names_add_the_module_only_on_a_clash() -> None:
    names = benchmark_names([_item("a.x:run"), _item("b.y:run"), _item("c:Box.size")])
    assert names == {
        "a.x:run": "test_benchmark_a_x_run",
        "b.y:run": "test_benchmark_b_y_run",
        "c:Box.size": "test_benchmark_Box_size",
    }


def test_choose_input_prefers_a_rung_with_source_and_never_pickles_a_rung() -> None:
    from codeflash_bot.prep.benchgen import ProbedInput, choose_input

    def probed(path: str, *, source: bool, rung: str = "") -> ProbedInput:
        src = {"args": ["[1, 2]"], "kwargs": {}} if source else None
        return ProbedInput(
            path=path, bytes=10, seconds=0.0, mutates=False, shape="s", source=src, rung=rung
        )

    top = probed("rung_03.pkl", source=True, rung="list[2,560]")
    captured = probed("0001.pkl", source=True)
    assert choose_input([top, captured]) == top
    opaque_rung = probed("rung_03.pkl", source=False, rung="list[2,560]")
    opaque = probed("0001.pkl", source=False)
    assert choose_input([opaque_rung, captured]) == captured
    assert choose_input([opaque_rung, opaque]) == opaque  # the pickle of a real call
    assert choose_input([opaque_rung]) is None
