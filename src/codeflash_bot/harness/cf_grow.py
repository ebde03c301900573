"""Type-preserving growth of captured arguments, for size ladders (stdlib only).

Runs in the TARGET's interpreter (cf_ladder.py) and is imported by the bot's unit tests. Every
function returns NEW objects and never mutates the value it was given: the captured originals
stay exactly as recorded.

Growth at rung k (k >= 1): containers and strings get SEQ_FACTOR**k times their elements, a work-
bounding int is multiplied by INT_FACTOR**k (at least +k), a path to an existing file becomes a
temporary copy whose content is repeated FILE_FACTOR**k times. Containers grow in two ways because
duplicates change what dedupe/set/dict code does: DISTINCT adds elements like their own but
different (numbers shifted past the range away from zero, so signs stay; strings suffixed),
REPEATED repeats them as they are.
"""

from __future__ import annotations

import copy
import os
import pathlib

SEQ_FACTOR = 4
FILE_FACTOR = 16  # a captured file is usually tiny next to its per-call overhead (open, decode)
INT_FACTOR = 1.5
MAX_INT = 1_000_000  # larger ints are ids, seeds or sizes in bytes, not work bounds we can grow
MAX_PATH_CHARS = 4096
DISTINCT = "distinct"
REPEATED = "repeated"
_SCALARS = (int, float, complex, str, bytes, bool, type(None))


def is_file_arg(value: object) -> bool:
    """A str/Path naming an existing regular file (its content is what carries the size)."""
    if isinstance(value, pathlib.PurePath):
        return os.path.isfile(value)
    if isinstance(value, str) and 0 < len(value) < MAX_PATH_CHARS and "\x00" not in value:
        try:
            return os.path.isfile(value)
        except (OSError, ValueError):
            return False
    return False


def grow(value: object, k: int, mode: str, workdir: str) -> object | None:
    """`value` grown to rung `k`, or None when it carries no size this module can grow."""
    if k <= 0:
        return copy.deepcopy(value)
    times = SEQ_FACTOR**k
    if is_file_arg(value):
        return _grown_file(value, FILE_FACTOR**k, k, workdir)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if not 1 <= value <= MAX_INT:
            return None
        return max(value + k, round(value * INT_FACTOR**k))
    if isinstance(value, (str, bytes)):
        return value * times if value else None
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return _grown_sequence(value, times, mode)
    if isinstance(value, (set, frozenset)):
        return _grown_set(value, times)
    if isinstance(value, dict):
        return _grown_dict(value, times)
    return None


def size_of(value: object) -> float:
    """The number a growth fit uses: element count, int value or file bytes."""
    if is_file_arg(value):
        return float(os.path.getsize(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    try:
        return float(len(value))  # type: ignore[arg-type]
    except TypeError:
        return 1.0


def describe(value: object) -> str:
    """A rung's size in words: "list[4,000]", "int 28", "file 12 MB"."""
    if is_file_arg(value):
        return f"file {_human(os.path.getsize(value))}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"int {value}"
    try:
        return f"{type(value).__name__}[{len(value):,}]"  # type: ignore[arg-type]
    except TypeError:
        return type(value).__name__


def _human(n: float) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1000 or unit == "MB":
            return f"{n:.0f} {unit}"
        n /= 1000
    return f"{n:.0f} GB"  # pragma: no cover


def _grown_file(value: object, times: int, k: int, workdir: str) -> object:
    with open(value, "rb") as fh:  # type: ignore[call-overload]
        content = fh.read()
    if content and not content.endswith(b"\n") and b"\n" in content:
        content += b"\n"  # whole lines repeat, so a line-based reader sees more lines
    name = f"rung{k}-{os.path.basename(str(value))}"
    path = os.path.join(workdir, name)
    with open(path, "wb") as fh:
        for _ in range(times):
            fh.write(content)
    return pathlib.Path(path) if isinstance(value, pathlib.PurePath) else path


def _grown_sequence(value: list | tuple, times: int, mode: str) -> list | tuple | None:
    if not value:
        return None
    if mode == REPEATED:
        items = [_fresh(x) for _ in range(times) for x in value]
    else:
        shift = _Shift(value)
        items = [_fresh(x) for x in value]
        for c in range(1, times):
            made = [shift.apply(x, c) for x in value]
            if any(m is None for m in made):
                return None
            items.extend(made)
    return items if isinstance(value, list) else type(value)(items)  # type: ignore[call-arg]


def _grown_set(value: set | frozenset, times: int) -> set | frozenset | None:
    if not value:
        return None
    shift = _Shift(list(value))
    items = set(value)
    for c in range(1, times):
        for x in value:
            made = shift.apply(x, c)
            if made is None:
                return None
            items.add(made)
    return type(value)(items)


def _grown_dict(value: dict, times: int) -> dict | None:
    if not value:
        return None
    shift = _Shift(list(value))
    out = {k: _fresh(v) for k, v in value.items()}
    for c in range(1, times):
        for key, item in value.items():
            made = shift.apply(key, c)
            if made is None:
                return None
            out[made] = _fresh(item)
    return type(value)(out) if type(value) is not dict else out


def _fresh(x: object) -> object:
    return x if isinstance(x, _SCALARS) else copy.deepcopy(x)


class _Shift:
    """Makes copy `c` of an element different from every original element, same type."""

    def __init__(self, items: list) -> None:
        nums = [x for x in items if isinstance(x, (int, float)) and not isinstance(x, bool)]
        self.span = (max(nums) - min(nums) + 1) if nums else 1

    def apply(self, x: object, c: int) -> object | None:
        if isinstance(x, bool) or x is None:
            return None
        if isinstance(x, (int, float)):  # away from zero: the sign (often meaningful) stays
            return x - c * self.span if x < 0 else x + c * self.span
        if isinstance(x, str):
            return f"{x}~{c}"
        if isinstance(x, bytes):
            return x + b"~%d" % c
        if isinstance(x, tuple) and x:
            made = [self.apply(e, c) for e in x]
            if all(m is None for m in made):
                return None
            return tuple(m if m is not None else e for m, e in zip(made, x))
        return None
