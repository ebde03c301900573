"""Import roots as the project itself imports: metadata, pytest's pythonpath, layout, shadowing."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from codeflash_bot.session.layout import ModuleNames, detect_layout, probe_names, project_name

NAMES = ModuleNames(stdlib=frozenset(sys.stdlib_module_names), installed={"yaml": "PyYAML"})


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def roots(root: Path) -> list[str]:
    return detect_layout(root, NAMES, project_name(root)).roots


def test_src_layout_puts_src_first(tmp_path: Path) -> None:
    tree(tmp_path, {"src/pkg/__init__.py": "", "tests/test_x.py": ""})
    assert roots(tmp_path) == ["src", "."]


def test_flat_layout_is_the_root_only(tmp_path: Path) -> None:
    tree(tmp_path, {"pkg/__init__.py": "", "tests/test_x.py": ""})
    assert roots(tmp_path) == ["."]


def test_a_package_named_src_is_imported_from_the_root(tmp_path: Path) -> None:
    tree(tmp_path, {"src/__init__.py": "", "src/algorithms/__init__.py": "", "src/a.py": ""})
    layout = detect_layout(tmp_path, NAMES)
    assert layout.roots == ["."]
    assert any("src/ is itself a package" in note for note in layout.notes)


def test_pytest_pythonpath_that_shadows_the_stdlib_is_refused_and_said(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "pytest.ini": "[pytest]\npythonpath = src\n",
            "src/__init__.py": "",
            "src/math/__init__.py": "",
            "src/signal/__init__.py": "",
        },
    )
    layout = detect_layout(tmp_path, NAMES)
    assert layout.roots == ["."]
    refused = [n for n in layout.notes if n.startswith("not putting src/ on the path")]
    assert refused and "math/, signal/ would shadow the standard library" in refused[0]
    assert "pytest's pythonpath option" in refused[0]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pyproject.toml", '[tool.pytest.ini_options]\npythonpath = ["lib"]\n'),
        ("pytest.ini", "[pytest]\npythonpath = lib\n"),
        ("tox.ini", "[tox]\n[pytest]\npythonpath = lib\n"),
        ("setup.cfg", "[tool:pytest]\npythonpath = lib\n"),
    ],
)
def test_pytest_pythonpath_from_each_config_file(tmp_path: Path, name: str, text: str) -> None:
    tree(tmp_path, {name: text, "lib/pkg/__init__.py": ""})
    assert roots(tmp_path) == ["lib", "."]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pyproject.toml", '[tool.setuptools]\npackage-dir = {"" = "code"}\n'),
        ("pyproject.toml", '[tool.setuptools.packages.find]\nwhere = ["code"]\n'),
        ("setup.cfg", "[options]\npackage_dir =\n    =code\n"),
        ("setup.py", 'from setuptools import setup\nsetup(package_dir={"": "code"})\n'),
        ("pyproject.toml", '[tool.hatch.build.targets.wheel]\npackages = ["code/pkg"]\n'),
        ("pyproject.toml", '[tool.poetry]\npackages = [{include = "pkg", from = "code"}]\n'),
        ("pyproject.toml", '[tool.pdm.build]\npackage-dir = "code"\n'),
    ],
)
def test_package_dir_from_packaging_metadata(tmp_path: Path, name: str, text: str) -> None:
    tree(tmp_path, {name: text, "code/pkg/__init__.py": ""})
    assert roots(tmp_path) == ["code", "."]


def test_a_dir_shadowing_an_installed_module_is_refused(tmp_path: Path) -> None:
    tree(tmp_path, {"src/yaml/__init__.py": "", "src/mine/__init__.py": ""})
    layout = detect_layout(tmp_path, NAMES, "mine")
    assert layout.roots == ["."]
    assert any("yaml/ would shadow installed PyYAML" in n for n in layout.notes)


def test_the_projects_own_installed_distribution_is_not_a_clash(tmp_path: Path) -> None:
    tree(tmp_path, {"pyproject.toml": '[project]\nname = "py-yaml"\n', "src/yaml/__init__.py": ""})
    names = ModuleNames(stdlib=NAMES.stdlib, installed={"yaml": "py_yaml"})
    assert detect_layout(tmp_path, names, project_name(tmp_path)).roots == ["src", "."]


def test_probe_reads_the_target_interpreters_names() -> None:
    names = probe_names(sys.executable)
    assert {"math", "signal", "statistics"} <= names.stdlib
    assert names.installed.get("pytest", "").lower() == "pytest"


def test_setuptools_dependencies_are_read_without_running_setup_py(tmp_path: Path) -> None:
    from codeflash_bot.session.setup import _requirements

    tree(
        tmp_path,
        {
            "setup.py": """
                from setuptools import setup
                setup(
                    install_requires=["numpy>=1.15"],
                    extras_require={"test": ["hypothesis"], "docs": ["sphinx"]},
                    tests_require=["tox"],
                )
            """,
            "setup.cfg": "[options]\ninstall_requires =\n    attrs\n",
        },
    )
    assert _requirements(tmp_path) == ["attrs", "numpy>=1.15", "hypothesis"]
