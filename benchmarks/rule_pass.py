"""Cost of asking every CPU rule about every function of a file, as the loop does.

For each file: parse once, then per top-level function (and method) call the proposer's
`wants` (every rule's cheap check on the parsed module) and `remaining` (every rule applied to
the source text, as `next_candidate` does). Prints CPU seconds (process time: the machine is
shared) per file and the total; run it before and after a change to the rules' metadata.

    .venv/bin/python benchmarks/rule_pass.py FILE.py [FILE.py ...]
    .venv/bin/python benchmarks/rule_pass.py --sdist ~/.cache/codeflash-bot-bench/toolz-1.2.0.tar.gz
"""

from __future__ import annotations

import argparse
import tarfile
import tempfile
import time
import warnings
from pathlib import Path

import libcst as cst

from codeflash_bot.models import Domain, Target
from codeflash_bot.propose import RulesProposer


def qualnames(module: cst.Module) -> list[str]:
    """`f` and `Class.method` for the module's top-level defs (what a Target may name)."""
    out: list[str] = []
    for stmt in module.body:
        if isinstance(stmt, cst.FunctionDef):
            out.append(stmt.name.value)
        elif isinstance(stmt, cst.ClassDef) and isinstance(stmt.body, cst.IndentedBlock):
            out += [
                f"{stmt.name.value}.{s.name.value}"
                for s in stmt.body.body
                if isinstance(s, cst.FunctionDef)
            ]
    return out


def one_file(path: Path) -> tuple[int, float]:
    """(functions, seconds) for a fresh proposer over every function of `path`."""
    source = path.read_text(encoding="utf-8")
    proposer = RulesProposer(Domain.CPU)
    start = time.process_time()
    module = cst.parse_module(source)
    names = qualnames(module)
    for qualname in names:
        target = Target(module=path.stem, qualname=qualname, file=path, lineno=1)
        if proposer.wants(module, target):
            proposer.remaining(target, source, set())
    return len(names), time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--sdist", type=Path, help="every .py file of this sdist (tests excluded)")
    args = parser.parse_args()
    files = list(args.files)
    tmp = tempfile.TemporaryDirectory()
    if args.sdist:
        with tarfile.open(args.sdist) as tar:
            tar.extractall(tmp.name, filter="data")
        files += sorted(
            p for p in Path(tmp.name).rglob("*.py") if "test" not in str(p.relative_to(tmp.name))
        )
    warnings.simplefilter("ignore")
    total = 0.0
    count = 0
    for path in files:
        try:
            n, seconds = one_file(path)
        except cst.ParserSyntaxError:
            continue
        total += seconds
        count += n
        print(f"{seconds:8.2f} s cpu  {n:4d} functions  {path.name}")
    print(f"{total:8.2f} s cpu  {count:4d} functions  total ({len(files)} files)")


if __name__ == "__main__":
    main()
