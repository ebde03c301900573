"""One runnable example per rule, sized so a call takes tens of microseconds or more.

`EXAMPLES[code] = (source defining f, expression building f's argument tuple)`. The
`rule_gains.py` script applies the rule to `source` (it must fire), then measures `f(*args)`
before and after. Not tuned to any repository: each is the anti-pattern in its plainest form.
"""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, str]] = {
    "CPU101": (
        """
def f(xs, ys):
    return [a for a in xs if a in ys]
""",
        "(list(range(1000)), list(range(0, 400, 2)))",
    ),
    "CPU102": (
        """
def f(xs):
    out = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out
""",
        "([i % 300 for i in range(2000)],)",
    ),
    "CPU103": (
        """
def f(xs):
    return sorted(xs)[0]
""",
        "([(i * 7919) % 1000 for i in range(1000)],)",
    ),
    "CPU104": (
        """
def f(xs):
    return sorted(xs)[:5]
""",
        "([(i * 7919) % 10007 for i in range(5000)],)",
    ),
    "CPU105": (
        """
def f(xs):
    s = ""
    for x in xs:
        s += x
    return s
""",
        "([str(i) for i in range(2000)],)",
    ),
    "CPU106": (
        """
def f(xs):
    q = list(xs)
    out = 0
    while q:
        out += q.pop(0)
    return out
""",
        "(list(range(20000)),)",
    ),
    "CPU107": (
        """
import re

def f(lines):
    return [s for s in lines if re.match(r"\\d+-\\w", s)]
""",
        "([f'{i}-x' if i % 3 else 'no' for i in range(1000)],)",
    ),
    "CPU108": (
        """
def f(xs):
    d = {}
    for x in xs:
        d[x] = d.get(x, 0) + 1
    return d
""",
        "([i % 50 for i in range(5000)],)",
    ),
    "CPU109": (
        """
def f(n):
    if n < 2:
        return n
    return f(n - 1) + f(n - 2)
""",
        "(20,)",
    ),
    "CPU110": (
        """
def f(xs):
    return len([x for x in xs if x > 10]) > 0
""",
        "(list(range(5000)),)",
    ),
    "CPU111": (
        """
def f(xs):
    return any([x > 10 for x in xs])
""",
        "(list(range(5000)),)",
    ),
    "CPU112": (
        """
def f(xs):
    return sum([x * 2 for x in xs])
""",
        "(list(range(5000)),)",
    ),
    "CPU113": (
        """
import io

def f(text):
    fh = io.StringIO(text)
    n = 0
    for line in fh.readlines():
        n += len(line)
    return n
""",
        "('abc\\n' * 5000,)",
    ),
    "CPU114": (
        """
def f(xs):
    acc = []
    for x in xs:
        acc = acc + [x]
    return acc
""",
        "(list(range(2000)),)",
    ),
    "CPU115": (
        """
def f(d, keys):
    return [k for k in keys if k in d.keys()]
""",
        "({i: i for i in range(1000)}, list(range(2000)))",
    ),
    "CPU116": (
        """
def f(xs):
    out = []
    for x in xs:
        out.append(x)
    return out
""",
        "(list(range(5000)),)",
    ),
    "CPU117": (
        """
def f(xs):
    total = 0
    for i in range(len(xs)):
        total += xs[i]
    return total
""",
        "(list(range(5000)),)",
    ),
    "CPU118": (
        """
def f(xs):
    return [x for x in xs if xs.count(x) == 1]
""",
        "([i % 400 for i in range(500)],)",
    ),
    "CPU119": (
        """
import re

def f(pattern, lines):
    return [s for s in lines if re.search(pattern, s)]
""",
        "(r'\\d+-\\w', [f'{i}-x' if i % 3 else 'no' for i in range(1000)])",
    ),
    "CPU120": (
        """
def f(values):
    return ", ".join(str(v) for v in values)
""",
        "(list(range(2000)),)",
    ),
    "CPU121": (
        """
def f(xs):
    return [x for x in xs]
""",
        "(list(range(5000)),)",
    ),
    "CPU122": (
        """
def f(xs):
    return list(map(lambda x: x * 2 + 1, xs))
""",
        "(list(range(5000)),)",
    ),
    "CPU123": (
        """
def f(xs):
    return dict([(x, x * 2) for x in xs])
""",
        "(list(range(3000)),)",
    ),
    "CPU124": (
        """
def f(values):
    out = []
    for v in values:
        if isinstance(v, int) or isinstance(v, float) or isinstance(v, complex):
            out.append(v)
    return out
""",
        "([1, 'a', 2.5, None, 3j] * 500,)",
    ),
    "CPU125": (
        """
def f(lines):
    return [s for s in lines if s.startswith("#") or s.startswith(";") or s.startswith("//")]
""",
        "(['# c', 'x = 1', '; y', '// z', 'w'] * 500,)",
    ),
    "CPU126": (
        """
def f(d, keys):
    return [d[k] if k in d else 0 for k in keys]
""",
        "({str(i): i for i in range(500)}, [str(i) for i in range(1000)])",
    ),
    "CPU127": (
        """
def f(rows):
    out = []
    for r in rows:
        if r % 3:
            out.append(r * 2)
    return out
""",
        "(list(range(5000)),)",
    ),
    "CPU128": (
        """
def f(xs):
    return [x for x in xs if x == max(xs)]
""",
        "(list(range(1000)),)",
    ),
    "CPU129": (
        """
def f(nodes, edges):
    return [n for n in nodes if any(e[0] == n for e in edges)]
""",
        "(list(range(300)), [(i * 7 % 300, i) for i in range(300)])",
    ),
    "CPU130": (
        """
def f(c):
    table = {"a": 1, "e": 2, "i": 3, "o": 4, "u": 5, "y": 6, "w": 7, "h": 8}
    return table.get(c, 0)
""",
        "('o',)",
    ),
    "MEM201": (
        """
def f(xs):
    return sum([x * 2 for x in xs])
""",
        "(list(range(20000)),)",
    ),
    "MEM202": (
        """
def f(items):
    xs = [i * 2 for i in items]
    total = 0
    for x in xs:
        total += x
    return total
""",
        "(list(range(20000)),)",
    ),
    "MEM203": (
        """
import io

def f(text):
    fh = io.StringIO(text)
    n = 0
    for line in fh.read().splitlines():
        n += len(line)
    return n
""",
        "('abcdefgh\\n' * 20000,)",
    ),
    "MEM204": (
        """
def f(xs):
    s = ""
    for x in xs:
        s = s + x + ","
    return s
""",
        "([str(i) for i in range(5000)],)",
    ),
    "MEM205": (
        """
import functools

@functools.cache
def f(n):
    return [n] * 64
""",
        "(None,)",
    ),
    "MEM206": (
        """
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

def f(n):
    return [Point(i, i) for i in range(n)]
""",
        "(5000,)",
    ),
    "ASY301": (
        """
import time

async def f(s):
    time.sleep(s)
    return s
""",
        "(0.002,)",
    ),
    "ASY302": (
        """
import asyncio

async def g(x):
    await asyncio.sleep(0.002)
    return x

async def f(xs):
    out = []
    for x in xs:
        out.append(await g(x))
    return out
""",
        "(list(range(10)),)",
    ),
    "ASY303": (
        """
import subprocess

async def f(cmd):
    return subprocess.run(cmd).returncode
""",
        "(['sleep', '0.02'],)",
    ),
}

# MEM205 is measured on many distinct arguments (the cache's growth is the point).
CALL_OVERRIDES = {"MEM205": "sum(len(f(i)) for i in range(20000))"}
# Rules whose target is not a plain function `f`.
QUALNAMES = {"MEM206": "Point.__init__"}
