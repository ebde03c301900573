"""Memory cases for the memory domain (`codeflash-bot optimize --domain memory`).

`column_total` builds every parsed row before summing one column: the list of rows is the
function's peak, and MEM202 (list built to iterate once) must be kept with a large peak
reduction and no slowdown. `all_valid` is a trap: MEM201 would turn `all([...])` into
`all(...)`, which stops at the first invalid record and so stops collecting the error
messages the caller asked for; replay must discard it.
"""

from __future__ import annotations


def column_total(lines: list[str], column: int) -> int:
    """Sum the integer in `column` of every comma-separated line."""
    rows = [line.split(",") for line in lines]
    total = 0
    for row in rows:
        total += int(row[column])
    return total


def _check(record: dict[str, int], errors: list[str]) -> bool:
    ok = record["qty"] > 0
    if not ok:
        errors.append(f"record {record['id']}: qty must be positive")
    return ok


def all_valid(records: list[dict[str, int]], errors: list[str]) -> bool:
    """True if every record is valid; appends one message per invalid record to `errors`."""
    return all([_check(record, errors) for record in records])
