#!/usr/bin/env python3
"""Re-extract the GitHub fixtures under tests/fixtures/github/ from the official npm packages.

Why: the GitHub layer's tests must use GitHub's real webhook payload shapes and check the
request bodies the bot sends against GitHub's REST description, without vendoring 100 MB.
This script packs the two pinned npm packages, picks the few payloads and operations the bot
uses, and writes them as small JSON files. Run it when bumping a version below:

    python scripts/extract_github_fixtures.py            # uses `npm pack` (npm registry)
    python scripts/extract_github_fixtures.py --from DIR # DIR holds already unpacked packages
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

WEBHOOKS_PKG = "@octokit/webhooks-examples@7.6.1"
OPENAPI_PKG = "@octokit/openapi@23.0.2"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "github"

# (event name, action or None, example index among that action's examples, output name)
WEBHOOKS = [
    ("issue_comment", "created", 0, "issue_comment.created.json"),
    ("issues", "labeled", 0, "issues.labeled.json"),
    ("pull_request", "labeled", 0, "pull_request.labeled.json"),
    ("pull_request", "opened", 0, "pull_request.opened.json"),
    ("pull_request", "synchronize", 0, "pull_request.synchronize.json"),
    ("pull_request_review_comment", "created", 0, "pull_request_review_comment.created.json"),
    ("workflow_dispatch", None, 0, "workflow_dispatch.json"),
]

# `schedule` is an Actions-only event and has no example in the package: this is the payload
# shape the runner writes to GITHUB_EVENT_PATH (the cron expression plus repository/sender
# objects like every other event); repository/sender are copied from workflow_dispatch.
SCHEDULE_CRON = "17 3 * * 1"

# Every REST operation the GitHub layer calls (method, path template).
OPERATIONS = [
    ("get", "/repos/{owner}/{repo}/collaborators/{username}/permission"),
    ("post", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions"),
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/reactions"),
    ("post", "/repos/{owner}/{repo}/pulls/comments/{comment_id}/reactions"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}"),
    ("get", "/repos/{owner}/{repo}/pulls"),
    ("post", "/repos/{owner}/{repo}/pulls"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("patch", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("post", "/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies"),
    ("post", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"),
    ("get", "/repos/{owner}/{repo}/actions/runs/{run_id}"),
    ("post", "/repos/{owner}/{repo}/actions/runs/{run_id}/cancel"),
]


def npm_pack(spec: str, into: Path) -> Path:
    """`npm pack` one package into `into` and unpack it; returns the `package/` directory."""
    out = subprocess.run(
        ["npm", "pack", "--silent", spec], cwd=into, capture_output=True, text=True, check=True
    )
    tgz = into / out.stdout.strip().splitlines()[-1]
    dest = into / tgz.name.removesuffix(".tgz")
    with tarfile.open(tgz) as tar:
        tar.extractall(dest, filter="data")
    return dest / "package"


def pick_webhooks(pkg: Path) -> dict[str, Any]:
    events = json.loads((pkg / "api.github.com" / "index.json").read_text(encoding="utf-8"))
    by_name = {e["name"]: e for e in events}
    out: dict[str, Any] = {}
    for name, action, index, filename in WEBHOOKS:
        examples = [
            ex for ex in by_name[name]["examples"] if action is None or ex.get("action") == action
        ]
        out[filename] = examples[index]
    dispatch = out["workflow_dispatch.json"]
    out["schedule.json"] = {
        "schedule": SCHEDULE_CRON,
        "repository": dispatch["repository"],
        "sender": dispatch["sender"],
        "workflow": ".github/workflows/codeflash.yml",
    }
    return out


def pick_operations(pkg: Path) -> dict[str, Any]:
    spec = json.loads((pkg / "generated" / "api.github.com.deref.json").read_text(encoding="utf-8"))
    ops: dict[str, Any] = {}
    for method, path in OPERATIONS:
        op = spec["paths"][path][method]
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        responses: dict[str, Any] = {}
        for code, resp in op["responses"].items():
            content = resp.get("content", {}).get("application/json", {})
            examples = content.get("examples", {})
            if code.startswith("2") and examples:
                responses[code] = next(iter(examples.values())).get("value")
        ops[f"{method.upper()} {path}"] = {
            "operationId": op["operationId"],
            "parameters": [
                {k: p[k] for k in ("name", "in", "required", "schema") if k in p}
                for p in op.get("parameters", [])
            ],
            "requestBody": body.get("schema"),
            "requestBodyRequired": op.get("requestBody", {}).get("required", False),
            "responseExamples": responses,
        }
    return {"source": f"{OPENAPI_PKG} generated/api.github.com.deref.json", "operations": ops}


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="src", type=Path, help="dir with unpacked packages")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.src:
            hooks = args.src / "octokit-webhooks-examples-7.6.1" / "package"
            api = args.src / "octokit-openapi-23.0.2" / "package"
        else:
            hooks = npm_pack(WEBHOOKS_PKG, Path(tmp))
            api = npm_pack(OPENAPI_PKG, Path(tmp))
        for filename, payload in pick_webhooks(hooks).items():
            write_json(OUT / "webhooks" / filename, payload)
        write_json(OUT / "openapi" / "operations.json", pick_operations(api))
    (OUT / "README.md").write_text(
        "Generated by scripts/extract_github_fixtures.py from "
        f"{WEBHOOKS_PKG} and {OPENAPI_PKG}; do not edit by hand.\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
