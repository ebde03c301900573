"""How many functions of real packages each rule would rewrite (static reach, no measuring).

For every `.py` file of the given sdists (tests excluded), every top-level function and method
is offered to every rule (`apply_rule`, exactly as the loop does); a rule "reaches" a function
when it proposes a rewrite. Prints per rule the count per package and in total. Run it with
the code before and after a change to the rules to compare their breadth on unseen code:

    .venv/bin/python benchmarks/rule_reach.py ~/.cache/codeflash-bot-bench/*.tar.gz
"""

from __future__ import annotations

import sys
import tarfile
import tempfile
import warnings
from collections import Counter
from pathlib import Path

import libcst as cst

from codeflash_bot.propose.rule import apply_rule
from codeflash_bot.propose.rules import all_rules


def qualnames(module: cst.Module) -> list[str]:
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


def reach(sdist: Path) -> tuple[Counter[str], int]:
    """(rule code -> functions it rewrites, functions offered) for one sdist."""
    counts: Counter[str] = Counter()
    offered = 0
    rules = [r for r in all_rules() if not r.code.startswith("STR")]
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(sdist) as tar:
            tar.extractall(tmp, filter="data")
        for path in sorted(Path(tmp).rglob("*.py")):
            if "test" in str(path.relative_to(tmp)).lower():
                continue
            source = path.read_text(encoding="utf-8", errors="replace")
            try:
                module = cst.parse_module(source)
            except cst.ParserSyntaxError:
                continue
            for qualname in qualnames(module):
                offered += 1
                for rule in rules:
                    if apply_rule(rule, source, qualname) is not None:
                        counts[rule.code] += 1
    return counts, offered


def main() -> None:
    warnings.simplefilter("ignore")
    sdists = [Path(a) for a in sys.argv[1:]]
    names = [p.name.split(".tar")[0] for p in sdists]
    table = {}
    offered_total = 0
    for name, sdist in zip(names, sdists, strict=True):
        table[name], offered = reach(sdist)
        offered_total += offered
        print(f"{name}: {offered} functions, {sum(table[name].values())} rewrites", flush=True)
    codes = sorted({c for counts in table.values() for c in counts})
    print()
    print("| rule | " + " | ".join(names) + " | total |")
    print("|---|" + "---|" * (len(names) + 1))
    for code in codes:
        row = [table[n][code] for n in names]
        print(f"| {code} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    total = sum(sum(c.values()) for c in table.values())
    reached = len(codes)
    print(f"\n{total} rewrites by {reached} rules over {offered_total} functions")


if __name__ == "__main__":
    main()
