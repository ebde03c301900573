"""Test dependencies a project uses but does not declare where the bot looks, found by collecting.

Real projects keep their test requirements in tox.ini, nox sessions, CI workflows or nowhere at
all (idna's property tests import hypothesis, declared only in an `all` extra). In a venv the
bot created itself it asks pytest to collect, reads what is missing from the errors (`No module
named 'x'`, `unrecognized arguments: --cov`), installs it and collects again, a bounded number
of times. An environment the user named is never changed: there the gate reports the error.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from codeflash_bot.sandbox import run_command
from codeflash_bot.session.setup import BOT_ENV, SetupInfo, pip_run

MAX_ROUNDS = 6
MISSING_MODULE = re.compile(r"No module named '([A-Za-z_][\w.]*)'")
UNRECOGNIZED = re.compile(r"unrecognized arguments: (.+)")
# import name -> distribution, where they differ (the common cases in test suites)
DIST_OF_MODULE = {
    "yaml": "PyYAML",
    "PIL": "pillow",
    "sklearn": "scikit-learn",
    "cv2": "opencv-python-headless",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "attr": "attrs",
    "jwt": "PyJWT",
    "dotenv": "python-dotenv",
    "serial": "pyserial",
    "OpenSSL": "pyOpenSSL",
    "Crypto": "pycryptodome",
    "magic": "python-magic",
    "google": "protobuf",
    "pkg_resources": "setuptools",
    "_pytest": "pytest",
    "xdist": "pytest-xdist",
    "pytest_cov": "pytest-cov",
    "pytest_mock": "pytest-mock",
    "pytest_asyncio": "pytest-asyncio",
    "pytest_benchmark": "pytest-benchmark",
    "freezegun": "freezegun",
    "babel": "Babel",
}
# pytest option -> the plugin that provides it (addopts name plugins the env may lack)
PLUGIN_OF_OPTION = {
    "--cov": "pytest-cov",
    "--cov-report": "pytest-cov",
    "--cov-config": "pytest-cov",
    "--no-cov": "pytest-cov",
    "-n": "pytest-xdist",
    "--numprocesses": "pytest-xdist",
    "--dist": "pytest-xdist",
    "--timeout": "pytest-timeout",
    "--reruns": "pytest-rerunfailures",
    "--doctest-plus": "pytest-doctestplus",
    "--doctest-rst": "pytest-doctestplus",
    "--mypy": "pytest-mypy",
    "--benchmark-skip": "pytest-benchmark",
    "--benchmark-disable": "pytest-benchmark",
    "--hypothesis-show-statistics": "hypothesis",
    "--asyncio-mode": "pytest-asyncio",
    "--randomly-seed": "pytest-randomly",
    "--import-check": "pytest-import-check",
}


def missing_distributions(output: str, root: Path, setup: SetupInfo) -> list[str]:
    """Distributions named by collection errors in `output`, minus the project's own modules."""
    found: list[str] = []
    for name in MISSING_MODULE.findall(output):
        top = name.split(".", 1)[0]
        if _is_own_module(top, root, setup) or top in sys.stdlib_module_names:
            continue
        found.append(DIST_OF_MODULE.get(top, top))
    for args in UNRECOGNIZED.findall(output):
        for arg in args.split():
            option = arg.split("=", 1)[0]
            plugin = PLUGIN_OF_OPTION.get(option) or _prefixed(option)
            if plugin:
                found.append(plugin)
    return list(dict.fromkeys(found))


def install_missing_test_deps(
    setup: SetupInfo, root: Path, *, timeout: float, memory_mb: int
) -> SetupInfo:
    """Collect, install what the errors name, repeat; returns setup with what was installed."""
    if not setup.env_source.startswith(BOT_ENV) or setup.test_command[1:3] != ["-m", "pytest"]:
        return setup
    tried: set[str] = set()
    for _ in range(MAX_ROUNDS):
        result = run_command(
            [*setup.test_command, "--collect-only", "-q", "-p", "no:cacheprovider"],
            cwd=root,
            env=setup.env(root),
            timeout=timeout,
            memory_mb=memory_mb,
        )
        if result.ok:
            break
        wanted = [
            d
            for d in missing_distributions(result.stdout + result.stderr, root, setup)
            if d not in tried
        ]
        if not wanted:
            break
        tried.update(wanted)
        installed = [d for d in wanted if _pip_install(setup.python, d)]
        if installed:
            setup = setup.model_copy(
                update={"tools_installed": [*setup.tools_installed, *installed]}
            )
    return setup


def _prefixed(option: str) -> str | None:
    for prefix, plugin in (("--cov", "pytest-cov"), ("--benchmark-", "pytest-benchmark")):
        if option.startswith(prefix):
            return plugin
    return None


def _is_own_module(top: str, root: Path, setup: SetupInfo) -> bool:
    for base in (*setup.pythonpath, "."):
        folder = root / base
        if (folder / top).is_dir() or (folder / f"{top}.py").is_file():
            return True
    return top in ("conftest", "tests", "test")


def _pip_install(python: str, dist: str) -> bool:
    return pip_run(python, [dist]).ok
