"""A target is its file + qualname: capture and replay work whatever dotted name imports it."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

from codeflash_bot.capture import capture_inputs, corpus_dir, count_inputs
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.models import Target
from codeflash_bot.profile.cpu import rank, rank_costs
from codeflash_bot.sandbox import HARNESS_DIR
from codeflash_bot.session.setup import SetupInfo
from codeflash_bot.verify.replay import replay

STRING = """
class Box:
    def __init__(self, n):
        self.n = n

def unique_chars(text):
    out = []
    for ch in text:
        if ch not in out:
            out.append(ch)
    return out

def size(box):
    return box.n if isinstance(box, Box) else -1
"""

# Imported as `algorithms.string` by the bot's old naming, `src.algorithms.string` by the tests.
TARGET = Target(
    module="algorithms.string",
    qualname="unique_chars",
    file=Path("src/algorithms/string.py"),
    lineno=6,
)


def make_tree(root: Path, test_body: str) -> Path:
    files = {
        "src/__init__.py": "",
        "src/algorithms/__init__.py": "",
        "src/algorithms/string.py": STRING,
        "tests/__init__.py": "",
        "tests/test_string.py": test_body,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def setup_for(pythonpath: list[str]) -> SetupInfo:
    return SetupInfo(
        python=sys.executable,
        python_version="3",
        pythonpath=pythonpath,
        test_command=[sys.executable, "-m", "pytest"],
        tests_found=["tests/test_string.py"],
        package_manager="pip",
        install_command="pip install -e .",
        env_source="configured",
    )


def capture(root: Path, pythonpath: list[str]) -> Path:
    corpus_root = root.parent / "corpus"
    capture_inputs(
        HarnessRunner.for_project(setup_for(pythonpath), root, 2048),
        [TARGET],
        corpus_root,
        workload=None,
        timeout=120,
    )
    return corpus_dir(corpus_root, TARGET)


def test_capture_fires_under_the_name_the_tests_import(tmp_path: Path) -> None:
    root = make_tree(
        tmp_path / "r",
        """
        from src.algorithms.string import unique_chars

        def test_it():
            assert unique_chars("abca") == ["a", "b", "c"]
        """,
    )
    assert count_inputs(capture(root, ["src", "."])) == 1


def test_capture_covers_every_module_copy_of_the_file(tmp_path: Path) -> None:
    root = make_tree(
        tmp_path / "r",
        """
        import algorithms.string as short
        import src.algorithms.string as long

        def test_both():
            assert short is not long
            assert short.unique_chars("ab") == long.unique_chars("ab")
            assert long.unique_chars("xyz") == ["x", "y", "z"]
        """,
    )
    assert count_inputs(capture(root, ["src", "."])) == 2  # "ab" once (deduplicated), "xyz"


def test_replay_loads_the_file_when_the_dotted_hint_is_not_importable(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "r", "")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "0000.pkl").write_bytes(pickle.dumps({"args": ("abcab",), "kwargs": {}}))
    candidate = textwrap.dedent(STRING).replace(
        "    out = []\n    for ch in text:\n        if ch not in out:\n            out.append(ch)\n"
        "    return out",
        "    return list(dict.fromkeys(text))",
    )
    assert candidate != textwrap.dedent(STRING)
    runner = HarnessRunner.for_project(setup_for(["."]), root, 2048)
    result = replay(runner, TARGET, candidate, corpus, timeout=60)
    assert result.ok and result.compared >= 1


def test_pickled_classes_resolve_to_the_loaded_module(tmp_path: Path) -> None:
    """Inputs pickled under the tests' module name unpickle into the module the harness loaded."""
    root = make_tree(tmp_path / "r", "")
    script = textwrap.dedent(
        f"""
        import pickle, sys
        sys.path[:0] = [{str(root / "src")!r}, {str(root)!r}, {str(HARNESS_DIR)!r}]
        import cf_harness_common as common
        path = {str(root / "src/algorithms/string.py")!r}
        module, size = common.load_original("algorithms.string", "size", path)
        # what capture wrote while the tests used `src.algorithms.string`
        blob = pickle.dumps(module.Box(3), protocol=0).replace(
            b"algorithms.string", b"src.algorithms.string"
        )
        print(size(pickle.loads(blob)), module.__name__)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=root
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["3", "algorithms.string"]


def test_inputs_that_do_not_unpickle_are_dropped_at_capture(tmp_path: Path) -> None:
    """boltons' BarrelList: a list subclass whose append needs state pickle restores later.
    Its pickle cannot be loaded, so replay could only crash on it: capture keeps the others."""
    root = make_tree(
        tmp_path / "repo",
        """
        from src.algorithms.string import unique_chars

        class Barrel(list):
            def __init__(self, items):
                self.lists = [list(items)]
                super().__init__(items)

            def append(self, item):
                self.lists[-1].append(item)
                super().append(item)

            def extend(self, items):
                for item in items:
                    self.append(item)

        def test_unique():
            assert unique_chars(Barrel("abca")) == ["a", "b", "c"]
            assert unique_chars("hello") == ["h", "e", "l", "o"]
        """,
    )
    corpus = capture(root, ["."])
    inputs = sorted(corpus.glob("*.pkl"))
    assert len(inputs) == 1
    assert pickle.loads(inputs[0].read_bytes())["args"] == ("hello",)


def test_profile_rows_in_bytes_rank_without_becoming_seconds(tmp_path: Path) -> None:
    """The memory profile's rows hold bytes: rank_costs keeps them beside the Targets, whose
    `*_seconds` stay 0; `rank` (CPU rows) merges the same rows into seconds."""
    root = make_tree(tmp_path / "r", "")
    path = str(root / "src/algorithms/string.py")
    rows = [
        {"file": path, "line": 6, "total": 4096.0, "self": 1024.0},
        {"file": path, "line": 6, "total": 1000.0, "self": 0.0},
        {"file": path, "line": 13, "total": 9000.0, "self": 9000.0},
    ]
    ranked = rank_costs(rows, setup_for(["src"]), root, [])
    assert [(t.ref, total, own) for t, total, own in ranked] == [
        ("algorithms.string:size", 9000.0, 9000.0),
        ("algorithms.string:unique_chars", 5096.0, 1024.0),
    ]
    assert all(t.total_seconds == 0.0 and t.self_seconds == 0.0 for t, _, _ in ranked)
    as_seconds = rank(rows, setup_for(["src"]), root, [])
    assert [(t.total_seconds, t.self_seconds) for t in as_seconds] == [
        (9000.0, 9000.0),
        (5096.0, 1024.0),
    ]
