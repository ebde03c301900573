"""Python source that rebuilds a captured value exactly (runs in the TARGET's interpreter).

Why: a benchmark input a reviewer can read in the diff beats a pickle nobody can. Every
expression returned here was evaluated back (builtins only, no names of the project) and
compared to the value type-strictly, elements included: `[1, True]` never stands for
`[1, 1]`, a tuple never for a list, dict order is kept. Order of preference:
1. a literal (`repr` that `ast.literal_eval` turns back into the same value) when it is short
   and no builder is under half its length;
2. a small builder: `list(range(0, 4000, 2))`, `[3, 1, 2] * 500`, `"ab " * 100`,
   `[x + 9 * c for c in range(64) for x in [5, 3, 9, 1]]` (shifted copies of a unit: what a
   size ladder's distinct growth makes, cf_grow.py),
   `" ".join(["lorem", "ipsum"] * 500)`, `"w3 w1 w7 ...".split()` (text built from the
   captured words, cut into short lines), `"log 1\\nlog 2 ...".splitlines()`,
   `[int(w) for w in "...".split()]`, `dict(zip(K, V))`,
   `([..] * 27)[:4000]`, a long text as short concatenated pieces;
3. a long literal, up to `MAX_SOURCE_CHARS`;
4. None: the caller falls back to a pickle and says so.
Stdlib only, Python 3.9+.
"""

from __future__ import annotations

import ast
import math

SHORT_LITERAL_CHARS = 40  # a literal this short is the most readable form, whatever else fits
MAX_LITERAL_CHARS = 400  # up to here a literal wins unless a builder is under half its length
# Inputs of builtin types are written as source up to this size rather than pickled (the probe
# already keeps captured calls under 1 MiB pickled): a long literal a reviewer can scroll past
# beats benchmarking a tiny input instead, or a pickle.
MAX_SOURCE_CHARS = 4_000_000
CHUNK = 72  # characters per string piece when a long text is cut into lines
_BUILDER_NAMES = {
    "dict": dict,
    "float": float,
    "int": int,
    "list": list,
    "range": range,
    "str": str,
    "tuple": tuple,
    "zip": zip,
}
_ATOMS = (int, float, str, bytes, bool, type(None), complex)


def source_of(value: object) -> str | None:
    """The most readable verified expression that rebuilds `value`, or None (use a pickle)."""
    literal = _literal(value)
    if literal is not None and len(literal) <= SHORT_LITERAL_CHARS:
        return literal
    build = next(
        (
            b
            for b in _builders(value)
            if b is not None and len(b) <= MAX_SOURCE_CHARS and _rebuilds(b, value)
        ),
        None,
    )
    readable = literal is not None and len(literal) <= MAX_LITERAL_CHARS
    if readable and (build is None or len(literal or "") <= 2 * len(build)):
        return literal
    if build is not None:
        return build
    if literal is not None and len(literal) <= MAX_SOURCE_CHARS:
        return literal
    return None


def same(a: object, b: object) -> bool:
    """Equal and of the same type all the way down (floats by repr: -0.0 and nan count)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return repr(a) == repr(b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            same(ka, kb) and same(va, vb) for (ka, va), (kb, vb) in zip(a.items(), b.items())
        )
    if isinstance(a, (set, frozenset)):
        return a == b and sorted(map(_type_name, a)) == sorted(map(_type_name, b))
    try:
        return bool(a == b)
    except Exception:
        return False


def _type_name(x: object) -> str:
    return type(x).__name__


def _literal(value: object) -> str | None:
    try:
        text = repr(value)
        back = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return text if same(back, value) else None


def _rebuilds(source: str, value: object) -> bool:
    try:
        back = eval(source, {"__builtins__": dict(_BUILDER_NAMES)})  # our own expression
    except Exception:
        return False
    return same(back, value)


def _builders(value: object) -> list[str | None]:
    """Candidate builder expressions, most readable first (each is verified by the caller)."""
    if type(value) is str:
        text: str = value  # type: ignore[assignment]
        return [_joined_words(text), _repeated_text(text), _long_text(text)]
    if type(value) is float and not math.isfinite(value):  # type: ignore[arg-type]
        return [f"float({repr(value)!r})"]
    if type(value) in (list, tuple):
        seq = list(value)  # type: ignore[call-overload]
        wrap = "list" if type(value) is list else "tuple"
        return [
            _range(seq, wrap),
            _repeated_items(seq, wrap),
            _shifted_items(seq, wrap),
            _split_words(seq, wrap),
        ]
    if type(value) is dict:
        keys = _sequence_source(list(value))  # type: ignore[arg-type]
        values = _sequence_source(list(value.values()))  # type: ignore[attr-defined]
        if keys is None or values is None:
            return []
        return [f"dict(zip({keys}, {values}))"]
    return []


def _sequence_source(seq: list) -> str | None:
    """A verified expression for a list (literal when short, else a builder)."""
    return source_of(seq)


def _period(items: list) -> int:
    """Smallest p such that items[i] == items[i % p] for all i (prefix function, O(n))."""
    n = len(items)
    fail = [0] * n
    k = 0
    for i in range(1, n):
        while k and items[i] != items[k]:
            k = fail[k - 1]
        if items[i] == items[k]:
            k += 1
        fail[i] = k
    return n - fail[-1] if n else 0


def _repeated_text(text: str) -> str | None:
    period = _period(list(text))
    if not period or period * 2 > len(text):
        return None
    times, rest = divmod(len(text), period)
    if rest:
        return f"({text[:period]!r} * {times + 1})[:{len(text)}]"
    return f"{text[:period]!r} * {times}"


def _long_text(text: str) -> str | None:
    """A long text as short implicitly concatenated pieces (a diff of lines, not one line)."""
    return _chunked(text) if len(text) > CHUNK else None


def _joined_words(text: str) -> str | None:
    for sep in (" ", "\n", ", ", ","):
        words = text.split(sep)
        if len(words) < 4:
            continue
        inner = _repeated_items(words, "list")
        if inner is not None:
            return f"{sep!r}.join({inner})"
    return None


def _range(seq: list, wrap: str) -> str | None:
    if len(seq) < 3 or any(type(x) is not int for x in seq):
        return None
    step = seq[1] - seq[0]
    if step == 0 or any(seq[i + 1] - seq[i] != step for i in range(len(seq) - 1)):
        return None
    stop = seq[-1] + step
    args = f"{seq[0]}, {stop}" + (f", {step}" if step != 1 else "")
    if step == 1 and seq[0] == 0:
        args = str(stop)
    return f"{wrap}(range({args}))"


def _repeated_items(seq: list, wrap: str) -> str | None:
    if len(seq) < 4 or not all(_immutable(x) for x in seq):
        return None
    period = _period([(type(x), repr(x)) for x in seq])
    if period * 2 > len(seq):
        return None
    times, rest = divmod(len(seq), period)
    unit = source_of(list(seq[:period]) if wrap == "list" else tuple(seq[:period]))
    if unit is None:
        return None
    if rest:
        return f"({unit} * {times + 1})[:{len(seq)}]"
    return f"{unit} * {times}"


def _shifted_items(seq: list, wrap: str) -> str | None:
    """Copies of a unit, copy `c` shifted by `c` x span (numbers, away from zero) or suffixed
    `~c` (strings): the shape cf_grow.py's distinct growth gives a list grown x4 per rung."""
    n = len(seq)
    kinds = {type(x) for x in seq}
    if n < 8 or kinds not in ({int}, {float}, {str}):
        return None
    for period in range(1, n // 2 + 1):
        if n % period:
            continue
        unit = seq[:period]
        span = _span(unit)
        if all(seq[i] == _shift(unit[i % period], i // period, span) for i in range(period, n)):
            return _shifted_source(unit, n // period, span, wrap)
    return None


def _span(unit: list) -> object:
    return max(unit) - min(unit) + 1 if type(unit[0]) is not str else 0


def _shift(x: object, c: int, span: object) -> object:
    if type(x) is str:
        return f"{x}~{c}"
    return x - c * span if x < 0 else x + c * span  # type: ignore[operator]


def _shifted_source(unit: list, times: int, span: object, wrap: str) -> str | None:
    unit_source = source_of(unit)
    if unit_source is None:
        return None
    loops = f"for c in range({times}) for x in {unit_source}"
    if type(unit[0]) is str:
        item = 'x if c == 0 else f"{x}~{c}"'
    elif all(x >= 0 for x in unit):
        item = f"x + c * {span!r}"
    else:
        item = f"x - c * {span!r} if x < 0 else x + c * {span!r}"
    return f"[{item} {loops}]" if wrap == "list" else f"tuple({item} {loops})"


def _immutable(x: object) -> bool:
    if isinstance(x, tuple):
        return type(x) is tuple and all(_immutable(y) for y in x)
    return type(x) in _ATOMS


def _split_words(seq: list, wrap: str) -> str | None:
    """`"a b c".split()` for many whitespace-free words; ints/floats go through int()/float()."""
    if len(seq) < 8:
        return None
    kinds = {type(x) for x in seq}
    if kinds == {str}:
        if any(not x or x != x.strip() or len(x.split()) != 1 for x in seq):
            return _split_lines(seq, wrap)
        words, convert = seq, ""
    elif kinds == {int}:
        words, convert = [str(x) for x in seq], "int"
    elif kinds == {float}:
        if any(not math.isfinite(x) for x in seq):
            return None
        words, convert = [repr(x) for x in seq], "float"
    else:
        return None
    text = _chunked(" ".join(words))
    if not convert:
        out = f"{text}.split()"
        return out if wrap == "list" else f"tuple({out})"
    if wrap == "list":
        return f"[{convert}(w) for w in {text}.split()]"
    return f"tuple({convert}(w) for w in {text}.split())"


def _split_lines(seq: list, wrap: str) -> str | None:
    """`"a b\\nc d".splitlines()` for many one-line texts (log lines, sentences); verified by
    the caller, so texts holding any line break `splitlines` knows never pass."""
    if any(not x or len(x.splitlines()) != 1 for x in seq):
        return None
    out = f"{_chunked(chr(10).join(seq), chr(10))}.splitlines()"
    return out if wrap == "list" else f"tuple({out})"


def _chunked(text: str, sep: str = " ") -> str:
    """A long text as implicitly concatenated pieces (one short line each once formatted),
    cut after `sep` where one is near."""
    if len(text) <= CHUNK:
        return repr(text)
    pieces = []
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK)
        if end < len(text):
            cut = text.rfind(sep, start, end)
            end = cut + 1 if cut > start else end
        pieces.append(repr(text[start:end]))
        start = end
    return "(\n" + "\n".join(pieces) + "\n)"
